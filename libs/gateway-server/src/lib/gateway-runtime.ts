import type { LoggerService } from '@nestjs/common';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { CatalogCache } from '@pimcp/catalog';
import { type ContextStore, createContextStore } from '@pimcp/context-store';
import { createRegistryStore, type RegistryStore } from '@pimcp/registry-store';
import { InMemorySessionStore, RedisSessionStore, type SessionStore } from '@pimcp/session-store';
import { CatalogCacheOfferingCatalog } from './adapters/catalog-cache.offering-catalog';
import { CatalogCacheToolCatalog } from './adapters/catalog-cache.tool-catalog';
import { NodeLinkNodeInvoker } from './adapters/node-link.node-invoker';
import { bootstrapGateway, type RunningGateway } from './bootstrap-gateway';
import { applyOperatorPolicies, createGatewayRouting } from './calls/gateway-routing';
import { etcdSecurityOf, expectNodeIdentity, redisTlsOf, serviceTlsOf } from '@pimcp/tls';
import type { GatewayConfig } from './config/gateway.config';

export interface GatewayRuntimeOptions {
  config: GatewayConfig;
  /** Share the registry's embedded store in the all-in-one; by default built from PIMCP_ETCD_HOSTS. */
  registryStore?: RegistryStore;
  verifier?: OAuthTokenVerifier;
  logger?: LoggerService | false;
  /** Share the all-in-one's in-memory context store; by default Redis at PIMCP_REDIS_URL, else an in-memory one. */
  contextStore?: ContextStore;
}

/** A gateway wired to real adapters: catalog from the registry store, node link over TCP, sessions in Redis or memory. */
export async function startGatewayRuntime(options: GatewayRuntimeOptions): Promise<RunningGateway> {
  const { config } = options;
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
  const invoker = new NodeLinkNodeInvoker({
    ...(brokerUrl ? { redisUrl: brokerUrl } : {}), onLinkFailure: (nodeId) => routing.executor.markLinkFailure(nodeId),
    ...(tls ? { tcpTls: (nodeId: string) => tls.clientOptions({ checkServerIdentity: expectNodeIdentity(nodeId) }) } : {}),
    ...(redisTls ? { redisTls } : {}),
  });
  const stopDroppingLostNodes = cache.onChange((change) => {
    if (change.routingPoliciesChanged) applyOperatorPolicies(routing, config, cache.routingPolicies());
    const live = cache.nodes();
    // A node that left the catalog cannot answer: fail its calls now rather than at their deadlines.
    invoker.retainOnly(live);
    routing.executor.nodesChanged(live.map((n) => n.nodeId));
  });
  const gateway = await bootstrapGateway({
    config, routing, catalog: new CatalogCacheToolCatalog(cache), offerings: new CatalogCacheOfferingCatalog(cache), invoker, sessions, contextStore,
    ...(options.verifier ? { verifier: options.verifier } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  return {
    ...gateway,
    close: async () => {
      stopDroppingLostNodes();
      await gateway.close();
      await invoker.close();
      await sessions.close();
      await ownedContexts?.close();
      await cache.stop();
      if (ownsStore) await store.close();
      tls?.close();
    },
  };
}
