import { Logger, type LoggerService } from '@nestjs/common';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { type AuditLog, type AuditSink, createAuditLog } from '@pimcp/audit';
import { CatalogCache } from '@pimcp/catalog';
import type { InvocationTokenSigner } from '@pimcp/node-link';
import { type ContextStore, createContextStore } from '@pimcp/context-store';
import { createRegistryStore, type RegistryStore } from '@pimcp/registry-store';
import { InMemorySessionStore, RedisSessionStore, type SessionStore } from '@pimcp/session-store';
import { CatalogCacheOfferingCatalog } from './adapters/catalog-cache.offering-catalog';
import { CatalogCacheToolCatalog } from './adapters/catalog-cache.tool-catalog';
import { NodeLinkNodeInvoker } from './adapters/node-link.node-invoker';
import { invocationSignerFrom } from './auth/invocation-signer.factory';
import { followRegistryToolSets } from './auth/registry-tool-sets.follower';
import { toolSetsFromRecords } from './auth/tool-sets';
import { bootstrapGateway, type RunningGateway } from './bootstrap-gateway';
import { applyOperatorPolicies, createGatewayRouting } from './calls/gateway-routing';
import { etcdSecurityOf, expectNodeIdentity, redisTlsOf, serviceTlsOf } from '@pimcp/tls';
import type { GatewayConfig } from './config/gateway.config';
import { gatewayObservability } from './observability/gateway-observability';
import { MeteredNodeInvoker } from './observability/metered.node-invoker';
import { TracedNodeInvoker } from './observability/traced.node-invoker';

export interface GatewayRuntimeOptions {
  config: GatewayConfig;
  /** Share the registry's embedded store in the all-in-one; by default built from PIMCP_ETCD_HOSTS. */
  registryStore?: RegistryStore;
  verifier?: OAuthTokenVerifier;
  logger?: LoggerService | false;
  /** Share the all-in-one's in-memory context store; by default Redis at PIMCP_REDIS_URL, else an in-memory one. */
  contextStore?: ContextStore;
  /** Overrides PIMCP_GATEWAY_INVOCATION_KEY_FILE (tests). */
  invocationSigner?: InvocationTokenSigner;
  /** Overrides PIMCP_GATEWAY_AUDIT (tests, the all-in-one); the caller closes it. */
  audit?: AuditLog;
}

/** A gateway wired to real adapters: catalog from the registry store, node link over TCP, sessions in Redis or memory. */
export async function startGatewayRuntime(options: GatewayRuntimeOptions): Promise<RunningGateway> {
  const { config } = options;
  // Key problems fail the boot before anything is opened.
  const signer = options.invocationSigner ?? (await invocationSignerFrom(config));
  const ownsStore = !options.registryStore;
  const store = options.registryStore ?? createRegistryStore({ etcdHosts: [...config.etcdHosts], etcd: etcdSecurityOf(config) });
  // mTLS to tcp:// nodes: the gateway presents its certificate and each node's must name the node it dials (ADR 0014).
  const tls = serviceTlsOf(config);
  const redisTls = redisTlsOf(config);
  const redisOptions = redisTls ? { tls: redisTls } : undefined;
  const cache = new CatalogCache(store);
  await cache.start();
  const ownedContexts = options.contextStore ? undefined : createContextStore({ redisUrl: config.redisUrl, ...(redisOptions ? { redis: { redis: redisOptions } } : {}) });
  const contextStore = options.contextStore ?? (ownedContexts as ContextStore);
  const sessions: SessionStore = config.redisUrl ? new RedisSessionStore({ url: config.redisUrl, ...(redisOptions ? { redis: redisOptions } : {}) }) : new InMemorySessionStore();
  const brokerUrl = config.nodeLinkRedisUrl || config.redisUrl;
  const routing = createGatewayRouting(config);
  applyOperatorPolicies(routing, config, cache.routingPolicies());
  // A node whose link fails leaves the rotation at once, before its lease expires (ADR 0010).
  const ownedAudit = options.audit ? undefined : createAuditLog({
    sink: config.audit as AuditSink, redisUrl: config.redisUrl, file: config.auditFile, maxRecords: config.auditMaxRecords,
  });
  const audit = options.audit ?? ownedAudit;
  const observability = gatewayObservability(config, cache, routing, !ownsStore);
  const invoker = new TracedNodeInvoker(new MeteredNodeInvoker(
    new NodeLinkNodeInvoker({
      signer, ...(brokerUrl ? { redisUrl: brokerUrl } : {}), onLinkFailure: (nodeId) => routing.executor.markLinkFailure(nodeId),
      ...(tls ? { tcpTls: (nodeId: string) => tls.clientOptions({ checkServerIdentity: expectNodeIdentity(nodeId) }) } : {}),
      ...(redisTls ? { redisTls } : {}),
    }),
    observability.metrics,
    observability.recent,
  ));
  const stopMeasuringContextLag = await contextStore.onWrite((note) => observability.metrics.contextWriteHeard(note));
  const stopDroppingLostNodes = cache.onChange((change) => {
    if (change.routingPoliciesChanged) applyOperatorPolicies(routing, config, cache.routingPolicies());
    const live = cache.nodes();
    // A node that left the catalog cannot answer: fail its calls now rather than at their deadlines.
    invoker.retainOnly(live);
    routing.executor.nodesChanged(live.map((n) => n.nodeId));
  });
  const gateway = await bootstrapGateway({
    config, routing, catalog: new CatalogCacheToolCatalog(cache), offerings: new CatalogCacheOfferingCatalog(cache), invoker, sessions, contextStore,
    metrics: observability.registry, readiness: observability.readiness, dashboard: observability.dashboard,
    invocationJwks: signer.jwks(), ...(audit ? { audit } : {}),
    // The follower below reports sets it skips; here they are only left out.
    toolSetOverrides: toolSetsFromRecords(cache.toolSets(), () => undefined),
    ...(options.verifier ? { verifier: options.verifier } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  // Tool sets from the registry's admin API, live: what toolset:<name> grants, scopes_supported, filtered lists.
  const toolSetLogger = new Logger('tool-sets');
  const stopFollowingToolSets = followRegistryToolSets(cache, gateway.accessPolicy, {
    onListsChanged: (lists) => lists.forEach((list) => gateway.endpoint.notifyListChanged(list)),
    warn: (message) => toolSetLogger.warn(message),
  });
  return {
    ...gateway,
    close: async () => {
      stopFollowingToolSets();
      stopDroppingLostNodes();
      await stopMeasuringContextLag();
      await gateway.close();
      await invoker.close();
      await observability.close();
      await sessions.close();
      await ownedAudit?.close();
      await ownedContexts?.close();
      await cache.stop();
      if (ownsStore) await store.close();
      tls?.close();
    },
  };
}
