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
import { redisTlsOf, serviceTlsOf, type TlsMaterial } from '@pimcp/tls';
import { type EdgeNodeConfig, labelsOf } from './config/edge-node.config';
import { NodeContexts } from './context/node-contexts';
import { EdgeNodeServerModule } from './edge-node-server.module';
import { LinkConnections } from './link/link-connections';
import { advertisedHost } from './link/advertised-host';
import { LocalMcpServer } from './local-mcp/local-mcp-server';
import { loadPlugins } from './plugins/known-plugins';
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
  /** Leaves the registry (tools vanish at once), lets in-flight calls finish within the grace period, then stops. */
  shutdown(): Promise<void>;
}

/** Starts an edge node: the node link server, then membership in the registry. */
export async function bootstrapEdgeNode(options: EdgeNodeOptions): Promise<RunningEdgeNode> {
  const { config } = options;
  const logger = new Logger(`edge-node:${config.nodeId}`);
  // With PIMCP_TLS_* set the link only accepts the gateway's mTLS and the node proves its id to the registry (ADR 0014).
  const tls = serviceTlsOf(config);
  const redisTls = redisTlsOf(config);
  const plugins = loadPlugins(config.plugins, config.pluginConfig, { nodeId: config.nodeId });
  await plugins.ready();
  const tools = [...(await builtinTools(config)), ...plugins.tools, ...(options.tools ?? [])];
  const ownedStore = options.contextStore ? undefined : config.redisUrl ? offlineCapableStore(config, redisTls) : undefined;
  const contextStore = options.contextStore ?? ownedStore;
  const contexts = contextStore ? new NodeContexts(contextStore, { maxReplicas: config.contextReplicas }) : undefined;
  const invoker = new ToolInvoker(tools, {
    nodeId: config.nodeId, maxConcurrent: config.maxConcurrentCalls, ...(contexts ? { contexts: (id: string) => contexts.handle(id) } : {}),
  });
  const extra = options.offerings ?? {};
  const offerings = new OfferingHost({
    resources: [...plugins.resources, ...(extra.resources ?? [])],
    resourceTemplates: [...plugins.resourceTemplates, ...(extra.resourceTemplates ?? [])],
    prompts: [...plugins.prompts, ...(extra.prompts ?? [])],
  }, { nodeId: config.nodeId });
  const handlers = new NodeLinkHandlers(invoker, offerings, config.nodeId);
  const link = await startLink(config, handlers, options.logger ?? logger, tls, redisTls);
  const linkAddress = link.address;

  const localMcp = config.mcpEnabled
    ? await LocalMcpServer.start(handlers, { host: config.mcpHost, port: config.mcpPort, callTimeoutMs: 60_000 })
    : undefined;

  const registryUrl = new URL(config.registryUrl);
  const registry = new RegistryClient({ host: registryUrl.hostname, port: Number(registryUrl.port), ...(tls ? { tls: tls.clientOptions() } : {}) });
  const manifest = (): NodeManifest => ({
    nodeId: config.nodeId, labels: labelsOf(config), linkAddress, capabilities: tools.map(toCapabilityDefinition),
    ...(offerings.isEmpty ? {} : offerings.definitions()),
  }) as NodeManifest;
  const membership = new NodeMembership(registry, manifest, {
    onDraining: () => logger.warn('drained by an operator: finishing in-flight calls; send SIGTERM to stop'),
  });
  await membership.start();

  let stopping: Promise<void> | undefined;
  return {
    nodeId: config.nodeId,
    linkAddress,
    ...(localMcp ? { localMcpUrl: localMcp.url } : {}),
    invoker,
    offerings,
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
  config: EdgeNodeConfig, handlers: NodeLinkHandlers, logger: LoggerService | false, tls: TlsMaterial | undefined, redisTls: ConnectionOptions | undefined,
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
    logger,
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
