import type { PluginContents } from '@pimcp/plugin-sdk';
import type { McpBridgeConfig } from './config/mcp-bridge.config';
import { BridgedServer } from './connection/bridged-server';
import { bridgedOfferings } from './offerings/bridged-offerings';
import { bridgedTools } from './offerings/bridged-tools';

/** A running bridge, for embedding and tests: the plugin contents plus its connections. */
export interface McpBridge extends PluginContents {
  readonly servers: readonly BridgedServer[];
}

/**
 * Mounts existing MCP servers on the node: one client connection per configured server, started at ready() and
 * shared by every call. The lists are read live, so after a server's list_changed the node picks up the new set.
 */
export function mcpBridgePlugin(config: McpBridgeConfig): McpBridge {
  const servers = config.servers.map((server) => new BridgedServer(server));
  const offerings = () => servers.map(bridgedOfferings);
  return {
    servers,
    get tools() {
      return servers.flatMap(bridgedTools);
    },
    get resources() {
      return offerings().flatMap((o) => o.resources);
    },
    get resourceTemplates() {
      return offerings().flatMap((o) => o.resourceTemplates);
    },
    get prompts() {
      return offerings().flatMap((o) => o.prompts);
    },
    async ready() {
      const started = await Promise.allSettled(servers.map((s) => s.start()));
      const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        await Promise.all(servers.map((s) => s.close()));
        throw failed.reason;
      }
    },
    async close() {
      await Promise.all(servers.map((s) => s.close()));
    },
    onOfferingsChanged(listener) {
      for (const server of servers) server.onChange(listener);
    },
  };
}
