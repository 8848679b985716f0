import type { AddressInfo, Server } from 'node:net';
import { type INestMicroservice, Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { publicRedisAddress, RedisLinkServer, ToolInvoker } from '@pimcp/node-link';
import { ConfigError } from '@pimcp/config';
import { type ToolDefinition, toCapabilityDefinition } from '@pimcp/plugin-sdk';
import type { NodeManifest } from '@pimcp/protocol';
import { NodeMembership, RegistryClient } from '@pimcp/registry-client';
import { type EdgeNodeConfig, labelsOf } from './config/edge-node.config';
import { EdgeNodeServerModule } from './edge-node-server.module';
import { LocalMcpServer } from './local-mcp/local-mcp-server';
import { builtinTools } from './tools/builtin-tools';

const RESPONSE_FLUSH_MS = 100;

export interface EdgeNodeOptions {
  config: EdgeNodeConfig;
  /** Tools beyond the built-in ones (plugins, test fixtures). */
  tools?: ToolDefinition[];
  logger?: LoggerService | false;
}

export interface RunningEdgeNode {
  nodeId: string;
  linkAddress: string;
  /** The node's own MCP URL when PIMCP_NODE_MCP_ENABLED is set. */
  localMcpUrl?: string;
  invoker: ToolInvoker;
  /** Leaves the registry (tools vanish at once), lets in-flight calls finish within the grace period, then stops. */
  shutdown(): Promise<void>;
}

/** Starts an edge node: the node link server, then membership in the registry. */
export async function bootstrapEdgeNode(options: EdgeNodeOptions): Promise<RunningEdgeNode> {
  const { config } = options;
  const logger = new Logger(`edge-node:${config.nodeId}`);
  const tools = [...(await builtinTools(config)), ...(options.tools ?? [])];
  const invoker = new ToolInvoker(tools);
  const link = await startLink(config, invoker, options.logger ?? logger);
  const linkAddress = link.address;

  const localMcp = config.mcpEnabled
    ? await LocalMcpServer.start(invoker, { host: config.mcpHost, port: config.mcpPort, callTimeoutMs: 60_000 })
    : undefined;

  const registryUrl = new URL(config.registryUrl);
  const registry = new RegistryClient({ host: registryUrl.hostname, port: Number(registryUrl.port) });
  const manifest = (): NodeManifest => ({
    nodeId: config.nodeId, labels: labelsOf(config), linkAddress, capabilities: tools.map(toCapabilityDefinition),
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
    shutdown: () => {
      stopping ??= (async () => {
        await membership.stop();
        await invoker.drain(config.shutdownGraceMs);
        // The last results are written to the link a few ticks after their handlers finish; closing the
        // server destroys its sockets, so give those writes a moment to leave.
        await new Promise((resolve) => setTimeout(resolve, RESPONSE_FLUSH_MS));
        registry.close();
        await localMcp?.close();
        await link.close();
      })();
      return stopping;
    },
  };
}

interface StartedLink {
  address: string;
  close(): Promise<void>;
}

/** The gateway dials a TCP link; a Redis link is a broker both sides dial, for nodes behind NAT (ADR 0005). */
async function startLink(config: EdgeNodeConfig, invoker: ToolInvoker, logger: LoggerService | false): Promise<StartedLink> {
  if (config.linkTransport === 'redis') {
    if (!config.linkRedisUrl) throw new ConfigError(['PIMCP_NODE_LINK_REDIS_URL is required when PIMCP_NODE_LINK_TRANSPORT=redis']);
    const server = new RedisLinkServer(invoker, { url: config.linkRedisUrl, nodeId: config.nodeId });
    await server.start();
    return { address: publicRedisAddress(config.linkRedisUrl), close: () => server.close() };
  }
  const app: INestMicroservice = await NestFactory.createMicroservice<MicroserviceOptions>(EdgeNodeServerModule.forRoot(invoker), {
    transport: Transport.TCP,
    options: { host: config.linkHost, port: config.linkPort },
    logger,
  });
  await app.listen();
  const port = (app.unwrap<Server>().address() as AddressInfo).port;
  const advertised = config.advertiseHost || (config.linkHost === '0.0.0.0' ? '127.0.0.1' : config.linkHost);
  return { address: `tcp://${advertised.includes(':') ? `[${advertised}]` : advertised}:${port}`, close: () => app.close() };
}
