import type { AddressInfo } from 'node:net';
import type { ConnectionOptions, Server as TlsServer } from 'node:tls';
import { join } from 'node:path';
import { type INestMicroservice, Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { NodeLinkHandlers, OfferingHost, publicRedisAddress, RedisLinkServer, ToolInvoker } from '@pimcp/node-link';
import { ConfigError } from '@pimcp/config';
import { ContextJournal, type ContextStore, createContextStore, HybridLogicalClock, OfflineContextStore } from '@pimcp/context-store';
import { type PluginContents, type ToolDefinition, toCapabilityDefinition } from '@pimcp/plugin-sdk';
import { type NodeManifest, urlHost } from '@pimcp/protocol';
import { NodeMembership, RegistryClient } from '@pimcp/registry-client';
import { redisTlsOf, serviceTlsOf, type TlsMaterial } from '@pimcp/tls/runtime';
import { type EdgeNodeConfig, labelsOf } from './config/edge-node.config';
import { NodeContexts } from './context/node-contexts';
import { EdgeNodeServerModule } from './edge-node-server.module';
import { LinkConnections } from './link/link-connections';
import { advertisedHost } from './link/advertised-host';
import { invocationGuardFrom } from './link/invocation-guard.factory';
import type { NodeObservability } from './observability/node-observability';
import { TracingToolInvoker } from './observability/tracing.tool-invoker';
import { type PluginChange, PluginSet } from './plugins/plugin-set';
import { builtinTools } from './tools/builtin-tools';

/** At shutdown, how long the last results may take to leave before the link's sockets are destroyed. */
const RESPONSE_FLUSH_MS = 1000;

export interface EdgeNodeOptions {
  config: EdgeNodeConfig;
  /** Tools beyond the built-in ones and the configured plugins (test fixtures, embedding). */
  tools?: ToolDefinition[];
  /** Resources, templates and prompts beyond the configured plugins'. */
  offerings?: Omit<PluginContents, 'tools'>;
  /** The shared context store (the all-in-one passes its in-memory one); by default Redis at PIMCP_REDIS_URL, if set. */
  contextStore?: ContextStore;
  logger?: LoggerService | false;
}

export interface RunningEdgeNode {
  nodeId: string;
  linkAddress: string;
  /** The node's own MCP URL when PIMCP_NODE_MCP_ENABLED is set. */
  localMcpUrl?: string;
  invoker: ToolInvoker;
  offerings: OfferingHost;
  /**
   * Applies a new plugin list and plugin config without a restart (SIGHUP, or the PIMCP_CONFIG file changed):
   * loads what is new, re-publishes the manifest, and closes what was removed once its calls are done. A bad
   * config throws and changes nothing.
   */
  reloadPlugins(config: Pick<EdgeNodeConfig, 'plugins' | 'pluginConfig'>): Promise<PluginChange>;
  /** Leaves the registry (tools vanish at once), lets in-flight calls finish within the grace period, then stops. */
  shutdown(): Promise<void>;
}

/** Starts an edge node: the node link server, then membership in the registry. */
export async function bootstrapEdgeNode(options: EdgeNodeOptions): Promise<RunningEdgeNode> {
  const { config } = options;
  const logger = new Logger(`edge-node:${config.nodeId}`);
  // Before plugins start: a node that would accept unsigned calls must not come up at all.
  const guard = invocationGuardFrom(config);
  // With PIMCP_TLS_* set the link only accepts the gateway's mTLS and the node proves its id to the registry (ADR 0014).
  const tls = serviceTlsOf(config);
  const redisTls = redisTlsOf(config);
  const plugins = new PluginSet({ nodeId: config.nodeId });
  await plugins.start(config.plugins, config.pluginConfig);
  const builtin = await builtinTools(config);
  const toolsWith = (pluginTools: ToolDefinition[]) => [...builtin, ...pluginTools, ...(options.tools ?? [])];
  const ownedStore = options.contextStore ? undefined : config.redisUrl ? offlineCapableStore(config, redisTls) : undefined;
  const contextStore = options.contextStore ?? ownedStore;
  // Set once the operator endpoint is up; calls and heartbeats before that are not counted.
  let observability: NodeObservability | undefined;
  const contexts = contextStore
    ? new NodeContexts(contextStore, { maxReplicas: config.contextReplicas, onChangeApplied: (change) => observability?.metrics.contextChangeApplied(change) })
    : undefined;
  const invoker = new TracingToolInvoker(toolsWith(plugins.contents().tools), {
    nodeId: config.nodeId, maxConcurrent: config.maxConcurrentCalls, ...(contexts ? { contexts: (id: string) => contexts.handle(id) } : {}),
    onCallEnded: (tool, outcome, ms) => observability?.metrics.callEnded(tool, outcome, ms),
  });
  const extra = options.offerings ?? {};
  const offeringsWith = (contents: Omit<PluginContents, 'tools'>) => ({
    resources: [...(contents.resources ?? []), ...(extra.resources ?? [])],
    resourceTemplates: [...(contents.resourceTemplates ?? []), ...(extra.resourceTemplates ?? [])],
    prompts: [...(contents.prompts ?? []), ...(extra.prompts ?? [])],
  });
  const offerings = new OfferingHost(offeringsWith(plugins.contents()), { nodeId: config.nodeId });
  /** Swaps what the node hosts for the plugins' current contents; throws, changing nothing, on a clash. */
  const install = (contents: Omit<PluginContents, 'ready' | 'close'>) => {
    const previous = invoker.list();
    invoker.replaceTools(toolsWith(contents.tools ?? []));
    try {
      offerings.replace(offeringsWith(contents));
    } catch (error) {
      invoker.replaceTools(previous);
      throw error;
    }
  };
  const handlers = new NodeLinkHandlers(invoker, offerings, config.nodeId, guard);
  const link = await startLink(config, handlers, options.logger, tls, redisTls);
  const linkAddress = link.address;

  // The MCP server SDK is imported only for the node's own endpoint: most nodes never load it (ADR 0018).
  const localMcp = config.mcpEnabled
    ? await (await import('./local-mcp/local-mcp-server')).LocalMcpServer.start(handlers, { host: config.mcpHost, port: config.mcpPort, callTimeoutMs: 60_000 })
    : undefined;

  const registryUrl = new URL(config.registryUrl);
  const registry = new RegistryClient({ host: registryUrl.hostname, port: Number(registryUrl.port), ...(tls ? { tls: tls.clientOptions() } : {}) });
  const manifest = (): NodeManifest => ({
    nodeId: config.nodeId, labels: labelsOf(config), linkAddress, capabilities: invoker.list().map(toCapabilityDefinition),
    ...(offerings.isEmpty ? {} : offerings.definitions()),
  }) as NodeManifest;
  const membership = new NodeMembership(registry, manifest, {
    onDraining: () => logger.warn('drained by an operator: finishing in-flight calls; send SIGTERM to stop'),
    onHeartbeat: (confirmed) => observability?.metrics.heartbeat(confirmed),
  });
  if (config.metricsPort > 0) {
    // Loaded only when asked for: prom-client is memory a board without a Prometheus does not need to spend.
    const { startNodeObservability } = await import('./observability/node-observability');
    observability = await startNodeObservability({ host: config.metricsHost, port: config.metricsPort, nodeId: config.nodeId }, {
      inFlight: () => invoker.inFlightCount, registered: () => membership.registered, accepting: () => invoker.isAccepting,
      contextReplicas: () => contexts?.openCount ?? 0,
    });
    logger.log(`metrics and health: ${observability.url}/metrics`);
  }
  // Registered before the first join: a change meanwhile is in the manifest that join reads, or re-published after it.
  plugins.onOfferingsChanged(() => {
    try {
      install(plugins.contents());
    } catch (err) {
      logger.error(`a plugin's offerings changed into a set this node cannot host; keeping the previous set: ${(err as Error).message}`);
      return;
    }
    void membership.republish();
  });
  await membership.start();

  let stopping: Promise<void> | undefined;
  return {
    nodeId: config.nodeId,
    linkAddress,
    ...(localMcp ? { localMcpUrl: localMcp.url } : {}),
    invoker,
    offerings,
    reloadPlugins: (next) => plugins.apply(next.plugins, next.pluginConfig, {
      install,
      publish: () => membership.republish(),
      settled: async (gone) => {
        if (!(await invoker.settled(gone, config.shutdownGraceMs))) logger.warn(`calls of removed tools still running after ${config.shutdownGraceMs} ms; closing their plugins anyway`);
      },
    }),
    shutdown: () => {
      stopping ??= (async () => {
        await membership.stop();
        const drained = await invoker.drain(config.shutdownGraceMs);
        if (drained.finished + drained.aborted > 0) logger.log(`in-flight calls: ${drained.finished} finished, ${drained.aborted} aborted`);
        // Closing the link destroys its sockets, so the last results must have left first.
        await link.flushed(RESPONSE_FLUSH_MS);
        registry.close();
        await localMcp?.close();
        await link.close();
        await plugins.close();
        await observability?.close();
        await contexts?.close();
        await ownedStore?.close();
        tls?.close();
      })();
      return stopping;
    },
  };
}

/** Redis behind a durable journal: the node keeps writing context when its uplink is down (ADR 0011). */
function offlineCapableStore(config: EdgeNodeConfig, redisTls: ConnectionOptions | undefined): ContextStore {
  const journal = ContextJournal.open(config.contextJournal || join('.pimcp', `context-journal-${config.nodeId}.jsonl`));
  const store = createContextStore({ redisUrl: config.redisUrl, ...(redisTls ? { redis: { redis: { tls: redisTls } } } : {}) });
  return new OfflineContextStore(store, journal, new HybridLogicalClock(config.nodeId));
}

interface StartedLink {
  address: string;
  /** Resolves once results already written have left (or after timeoutMs). */
  flushed(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** The gateway dials a TCP link; a Redis link is a broker both sides dial, for nodes behind NAT (ADR 0005). */
async function startLink(
  config: EdgeNodeConfig, handlers: NodeLinkHandlers, logger: LoggerService | false | undefined, tls: TlsMaterial | undefined, redisTls: ConnectionOptions | undefined,
): Promise<StartedLink> {
  if (config.linkTransport === 'redis') {
    if (!config.linkRedisUrl) throw new ConfigError(['PIMCP_NODE_LINK_REDIS_URL is required when PIMCP_NODE_LINK_TRANSPORT=redis']);
    const server = new RedisLinkServer(handlers, { url: config.linkRedisUrl, nodeId: config.nodeId, ...(redisTls ? { tls: redisTls } : {}) });
    await server.start();
    // Replies are published to the broker as soon as they are produced; a short pause lets the last ones go.
    const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 100)));
    return { address: publicRedisAddress(config.linkRedisUrl), flushed: pause, close: () => server.close() };
  }
  const connections = new LinkConnections(handlers.invoker);
  const app: INestMicroservice = await NestFactory.createMicroservice<MicroserviceOptions>(EdgeNodeServerModule.forRoot(handlers, connections), {
    transport: Transport.TCP,
    options: { host: config.linkHost, port: config.linkPort, ...(tls ? { tlsOptions: tls.serverOptions(true) } : {}) },
    // Without one, Nest keeps the process's logger (text or JSON); a Logger instance here would replace it.
    ...(logger !== undefined ? { logger } : {}),
  });
  await app.listen();
  const server = app.unwrap<TlsServer>();
  tls?.attach(server);
  const port = (server.address() as AddressInfo).port;
  return {
    address: `tcp://${urlHost(advertisedHost(config))}:${port}`,
    flushed: (ms) => connections.flushed(ms),
    close: () => app.close(),
  };
}
