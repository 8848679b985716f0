import type { CapabilityDefinition } from '@pimcp/protocol';
import type { ListedTool, ResolvedTool, ToolCatalog, ToolProvider } from '../lib/calls/tool-catalog.port';

/** An in-memory catalog for the gateway's unit tier; e2e tests use the real CatalogCache over etcd. */
export class FakeToolCatalog implements ToolCatalog {
  private readonly tools = new Map<string, { definition: CapabilityDefinition; providers: ToolProvider[] }>();
  private readonly listeners = new Set<() => void>();

  add(definition: CapabilityDefinition, providers: ToolProvider[] = [{ nodeId: 'node-a', linkAddress: 'tcp://127.0.0.1:1', draining: false }]): void {
    this.tools.set(definition.name, { definition, providers });
    this.listeners.forEach((l) => l());
  }

  listTools(): ListedTool[] {
    return [...this.tools.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, t]) => ({ name, definition: t.definition }));
  }

  resolve(name: string): ResolvedTool | undefined {
    const tool = this.tools.get(name);
    return tool ? { capabilityName: name, definition: tool.definition, providers: tool.providers } : undefined;
  }

  onToolsChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
