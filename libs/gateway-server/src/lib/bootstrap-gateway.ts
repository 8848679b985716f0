import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import { type INestApplication, Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { ConfigError } from '@pimcp/config';
import type { ContextStore } from '@pimcp/context-store';
import { unavailableContext } from '@pimcp/plugin-sdk';
import type { Routing } from '@pimcp/router';
import { urlHost } from '@pimcp/protocol';
import { listenerTlsOf } from '@pimcp/tls';
import type { SessionStore } from '@pimcp/session-store';
import { ClientTokenVerifier } from './auth/client-token.verifier';
import { ArgumentValidator } from './calls/argument-validator';
import { CallToolUseCase } from './calls/call-tool.usecase';
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
import { mountMcpEndpoint } from './http/mount-mcp-endpoint';
import { BoundedEventStore } from './mcp/bounded-event-store';
import { GatewayMcpServerFactory } from './mcp/gateway-mcp-server.factory';
import { McpEndpoint } from './mcp/mcp-endpoint';
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
}

export interface RunningGateway {
  app: INestApplication;
  /** The canonical MCP URL: where clients connect and the audience tokens must carry. */
  mcpUrl: string;
  /** Where this replica actually listens (differs from mcpUrl behind a load balancer). */
  listenUrl: string;
  endpoint: McpEndpoint;
  close(): Promise<void>;
}

/** Starts the gateway: MCP Streamable HTTP (both protocol eras) plus health routes. */
export async function bootstrapGateway(deps: GatewayDependencies): Promise<RunningGateway> {
  const { config } = deps;
  // HTTPS when PIMCP_GATEWAY_TLS_CERT_FILE/KEY_FILE are set; the certificate is reloaded when its files change.
  const listenerTls = listenerTlsOf(config);
  const app = await NestFactory.create<NestExpressApplication>(GatewayServerModule, {
    logger: deps.logger ?? new Logger('gateway'),
    bodyParser: false,
    ...(listenerTls ? { httpsOptions: listenerTls.serverOptions(false) } : {}),
  });
  // With port 0 the canonical URL (the tokens' audience) is known only after binding; the verifier reads it then.
  let mcpUrl = canonicalUrlOf(config, config.port);
  const verifier = deps.verifier ?? fileVerifier(config, () => mcpUrl);
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
    callTool: new CallToolUseCase(deps.catalog, validator, deps.routing ?? createGatewayRouting(config), deps.invoker, {
      callTimeoutMs: config.callTimeoutMs, ...(config.region ? { region: config.region } : {}),
    }, localTools, fanOut),
    forward: new ForwardRequestUseCase(picker, deps.invoker, config.callTimeoutMs),
    subscriptions,
    localTools,
    ...(store ? { contexts: new ContextResources(store) } : {}),
  });
  const endpoint = new McpEndpoint(factory, { tools: deps.catalog, offerings: deps.offerings }, subscriptions, deps.sessions, new BoundedEventStore(), {
    sessionTtlSeconds: config.sessionTtlSeconds,
    maxRequestBodySize: config.maxBodyBytes,
  });
  const stopFollowing = store ? await followContextChanges(store, (uri) => endpoint.notifyResourceUpdated(uri)) : undefined;
  // Mounted before Nest's init so it sits ahead of Nest's not-found handler.
  mountMcpEndpoint(app.getHttpAdapter().getInstance(), endpoint, {
    path: config.path,
    allowedHosts: config.allowedHosts,
    allowedOrigins: config.allowedOrigins,
    maxBodyBytes: config.maxBodyBytes,
    verifier,
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
    close: async () => {
      await stopFollowing?.();
      await endpoint.close();
      server.closeAllConnections?.();
      await app.close();
      listenerTls?.close();
    },
  };
}

function fileVerifier(config: GatewayConfig, audience: () => string): ClientTokenVerifier {
  if (!config.jwtPublicKeyFile) {
    throw new ConfigError(['PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE is required: the PEM public key client tokens are signed for (pimcp up creates a development one)']);
  }
  let publicKeyPem: string;
  try {
    publicKeyPem = readFileSync(config.jwtPublicKeyFile, 'utf8');
  } catch (err) {
    throw new ConfigError([`PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE=${config.jwtPublicKeyFile} cannot be read: ${(err as Error).message}`]);
  }
  return new ClientTokenVerifier({ publicKeyPem, issuer: config.jwtIssuer, audience });
}
