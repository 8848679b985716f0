import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { ConfigError } from '@pimcp/config';
import type { AuditLog } from '@pimcp/audit';
import type { ContextStore } from '@pimcp/context-store';
import type { JsonWebKeySet } from '@pimcp/node-link';
import { unavailableContext } from '@pimcp/plugin-sdk';
import type { Routing } from '@pimcp/router';
import { createMetricsRegistry, processRequestLogger, type ReadinessCheck } from '@pimcp/observability';
import { urlHost } from '@pimcp/protocol';
import { listenerTlsOf } from '@pimcp/tls';
import type { SessionStore } from '@pimcp/session-store';
import type { Registry } from 'prom-client';
import { AccessPolicy } from './auth/access-policy';
import { ClientTokenVerifier } from './auth/client-token.verifier';
import { scopesSupported, type ToolSets } from './auth/scope-grants';
import { parseToolSets } from './auth/tool-sets';
import { ArgumentValidator } from './calls/argument-validator';
import { CallAuditor } from './calls/call-auditor';
import { RefusalAuditor } from './calls/refusal-auditor';
import { ForwardRequestUseCase } from './calls/forward-request.usecase';
import { createGatewayRouting } from './calls/gateway-routing';
import { clusterMapTool } from './calls/cluster-map.tool';
import { FanOutUseCase } from './calls/fan-out.usecase';
import { LocalTools } from './calls/local-tools';
import type { NodeInvoker } from './calls/node-invoker.port';
import type { OfferingCatalog } from './calls/offering-catalog.port';
import { ProviderPicker } from './calls/provider-picker';
import type { ToolCatalog } from './calls/tool-catalog.port';
import { canonicalUrlOf, type GatewayConfig } from './config/gateway.config';
import { followContextChanges } from './contexts/context-change.notifier';
import { ContextResources } from './contexts/context-resources';
import { contextTools } from './contexts/context-tools';
import { storeContextHandle } from './contexts/store-context-handle';
import { GatewayServerModule } from './gateway-server.module';
import { mountDashboard } from './http/mount-dashboard';
import { mountInvocationJwks } from './http/mount-invocation-jwks';
import { mountMcpEndpoint } from './http/mount-mcp-endpoint';
import type { ClusterViewSources } from './dashboard/cluster-view';
import { mountProtectedResourceMetadata, protectedResourceMetadataUrl } from './http/protected-resource-metadata';
import { FlexibleSubjectRateLimiter } from './rate-limit/flexible.subject-rate-limiter';
import type { SubjectRateLimiter } from './rate-limit/subject-rate-limiter.port';
import { BoundedEventStore } from './mcp/bounded-event-store';
import { GatewayMcpServerFactory } from './mcp/gateway-mcp-server.factory';
import { McpEndpoint } from './mcp/mcp-endpoint';
import { TracedCallToolUseCase } from './observability/traced-call-tool.usecase';
import { ResourceSubscriptions } from './mcp/resource-subscriptions';

export interface GatewayDependencies {
  config: GatewayConfig;
  /** Tools, held in memory from the registry's watch. */
  catalog: ToolCatalog;
  /** Resources, resource templates and prompts, from the same watch. */
  offerings: OfferingCatalog;
  invoker: NodeInvoker;
  sessions: SessionStore;
  /** The router's state (the runtime shares it with the node link's failure reports); default: from config. */
  routing?: Routing;
  /** Shared contexts: served as context:// resources and the context.* tools. Without it neither is offered. */
  contextStore?: ContextStore;
  /** Overrides the configured JWT public key (tests, the all-in-one). */
  verifier?: OAuthTokenVerifier;
  logger?: LoggerService | false;
  version?: string;
  /** Served at /metrics (default: a registry with process metrics only). */
  metrics?: Registry;
  /** What /health/ready checks (default: nothing beyond serving HTTP). */
  readiness?: readonly ReadinessCheck[];
  /** What the dashboard at /ui shows; without it its API answers 503. */
  dashboard?: ClusterViewSources;
  /** Where each tools/call leaves its audit record; without it calls are not audited. */
  audit?: AuditLog;
  /** The public keys of the invocation signer, served at /.well-known/pimcp/invocation-jwks.json. */
  invocationJwks?: JsonWebKeySet;
  /** Tool sets from the registry's admin API in force from the first request (they replace YAML sets of the same name). */
  toolSetOverrides?: ToolSets;
}

export interface RunningGateway {
  app: INestApplication;
  /** The canonical MCP URL: where clients connect and the audience tokens must carry. */
  mcpUrl: string;
  /** Where this replica actually listens (differs from mcpUrl behind a load balancer). */
  listenUrl: string;
  endpoint: McpEndpoint;
  /** Scopes and tool sets: the runtime feeds it the registry's tool sets. */
  accessPolicy: AccessPolicy;
  close(): Promise<void>;
}

/** Starts the gateway: MCP Streamable HTTP (both protocol eras) plus /metrics and health routes. */
export async function bootstrapGateway(deps: GatewayDependencies): Promise<RunningGateway> {
  const { config } = deps;
  // HTTPS when PIMCP_GATEWAY_TLS_CERT_FILE/KEY_FILE are set; the certificate is reloaded when its files change.
  const listenerTls = listenerTlsOf(config);
  const observability = { metrics: deps.metrics ?? createMetricsRegistry('gateway'), readiness: deps.readiness ?? [] };
  const app = await NestFactory.create<NestExpressApplication>(GatewayServerModule.register(observability), {
    // Without one, Nest keeps the process's logger (configureProcessLogging: text or JSON).
    ...(deps.logger !== undefined ? { logger: deps.logger } : {}),
    bodyParser: false,
    ...(listenerTls ? { httpsOptions: listenerTls.serverOptions(false) } : {}),
  });
  // With port 0 the canonical URL (the tokens' audience) is known only after binding; the verifier reads it then.
  let mcpUrl = canonicalUrlOf(config, config.port);
  const verifier = deps.verifier ?? configuredVerifier(config, () => mcpUrl);
  const accessPolicy = new AccessPolicy(deps.catalog, toolSetsOf(config), deps.toolSetOverrides);
  const limiter: SubjectRateLimiter | undefined = config.rateLimitRequests > 0
    ? new FlexibleSubjectRateLimiter({ requests: config.rateLimitRequests, windowSeconds: config.rateLimitWindowSeconds, ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}) })
    : undefined;
  const picker = new ProviderPicker();
  const store = deps.contextStore;
  const validator = new ArgumentValidator();
  const fanOut = new FanOutUseCase(deps.catalog, validator, deps.invoker);
  const localTools = new LocalTools(
    [...(store ? contextTools(store) : []), clusterMapTool(fanOut, config.callTimeoutMs)],
    (id) => (store ? storeContextHandle(store, id) : unavailableContext(id, 'this gateway has no context store')),
    config.callTimeoutMs,
  );
  const subscriptions = new ResourceSubscriptions();
  const factory = new GatewayMcpServerFactory({ name: 'pimcp-gateway', version: deps.version ?? '0.1.0' }, {
    tools: deps.catalog,
    offerings: deps.offerings,
    callTool: new TracedCallToolUseCase(deps.catalog, validator, deps.routing ?? createGatewayRouting(config), deps.invoker, {
      callTimeoutMs: config.callTimeoutMs, ...(config.region ? { region: config.region } : {}),
    }, localTools, fanOut, deps.audit ? new CallAuditor(deps.audit, { includeArguments: config.auditArguments }) : undefined),
    forward: new ForwardRequestUseCase(picker, deps.invoker, config.callTimeoutMs),
    subscriptions,
    localTools,
    policy: accessPolicy,
    ...(store ? { contexts: new ContextResources(store) } : {}),
  });
  const endpoint = new McpEndpoint(factory, { tools: deps.catalog, offerings: deps.offerings }, subscriptions, deps.sessions, new BoundedEventStore(), {
    sessionTtlSeconds: config.sessionTtlSeconds,
    maxRequestBodySize: config.maxBodyBytes,
  });
  const stopFollowing = store ? await followContextChanges(store, (uri) => endpoint.notifyResourceUpdated(uri)) : undefined;
  const requestLogger = processRequestLogger();
  if (requestLogger) app.use(requestLogger);
  const express = app.getHttpAdapter().getInstance();
  const supported = () => scopesSupported(accessPolicy.currentToolSets);
  // Mounted before Nest's init so they sit ahead of Nest's not-found handler.
  if (deps.invocationJwks) mountInvocationJwks(express, deps.invocationJwks);
  mountProtectedResourceMetadata(express, [config.path, new URL(mcpUrl).pathname], {
    resource: () => mcpUrl,
    authorizationServers: () => authorizationServersOf(config),
    scopesSupported: supported,
  });
  mountMcpEndpoint(express, endpoint, {
    path: config.path,
    allowedHosts: config.allowedHosts,
    allowedOrigins: config.allowedOrigins,
    maxBodyBytes: config.maxBodyBytes,
    verifier,
    policy: accessPolicy,
    ...(limiter ? { limiter } : {}),
    resourceMetadataUrl: () => protectedResourceMetadataUrl(mcpUrl),
    challengeScopes: supported,
    ...(deps.audit ? { refusals: new RefusalAuditor(deps.audit, { includeArguments: config.auditArguments }) } : {}),
  });
  mountDashboard(app.getHttpAdapter().getInstance(), {
    allowedHosts: config.allowedHosts, verifier, ...(deps.dashboard ? { sources: deps.dashboard } : {}),
  });
  await app.listen(config.port, config.host);
  const server = app.getHttpServer();
  if (listenerTls) listenerTls.attach(server as unknown as TlsServer);
  const boundPort = (server.address() as AddressInfo).port;
  mcpUrl = canonicalUrlOf(config, boundPort);
  return {
    app,
    mcpUrl,
    listenUrl: `${listenerTls ? 'https' : 'http'}://${urlHost(config.host)}:${boundPort}${config.path}`,
    endpoint,
    accessPolicy,
    close: async () => {
      await stopFollowing?.();
      await endpoint.close();
      server.closeAllConnections?.();
      await app.close();
      await limiter?.close();
      listenerTls?.close();
    },
  };
}

/** The configured client-token verifier: a JWKS URL (key rotation) or a PEM public key file. */
function configuredVerifier(config: GatewayConfig, audience: () => string): ClientTokenVerifier {
  const common = { issuer: config.jwtIssuer, audience, algorithms: config.jwtAlgorithms, clockToleranceSeconds: config.jwtClockSkewSeconds };
  if (config.jwksUrl) {
    return new ClientTokenVerifier({ ...common, jwksUrl: config.jwksUrl, jwksCooldownSeconds: config.jwksCooldownSeconds });
  }
  if (!config.jwtPublicKeyFile) {
    throw new ConfigError([
      'PIMCP_GATEWAY_JWKS_URL (your identity provider\'s keys) or PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE (a PEM public key; pimcp up creates a development one) is required',
    ]);
  }
  let publicKeyPem: string;
  try {
    publicKeyPem = readFileSync(config.jwtPublicKeyFile, 'utf8');
  } catch (err) {
    throw new ConfigError([`PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE=${config.jwtPublicKeyFile} cannot be read: ${(err as Error).message}`]);
  }
  try {
    return new ClientTokenVerifier({ ...common, publicKeyPem });
  } catch (err) {
    throw new ConfigError([`PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE=${config.jwtPublicKeyFile}: ${(err as Error).message}`]);
  }
}

function toolSetsOf(config: GatewayConfig): ReturnType<typeof parseToolSets> {
  try {
    return parseToolSets(config.toolSets);
  } catch (err) {
    throw new ConfigError([`PIMCP_GATEWAY_TOOL_SETS (or "toolSets" in PIMCP_CONFIG): ${(err as Error).message}`]);
  }
}

/** Named in the Protected Resource Metadata: the configured ones, else the issuer when it is a URL. */
function authorizationServersOf(config: GatewayConfig): readonly string[] {
  if (config.authorizationServers.length > 0) return config.authorizationServers;
  return /^https?:\/\//.test(config.jwtIssuer) ? [config.jwtIssuer] : [];
}
