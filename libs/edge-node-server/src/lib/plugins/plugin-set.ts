import { isDeepStrictEqual } from 'node:util';
import { Logger } from '@nestjs/common';
import type { PluginContents, ToolDefinition } from '@pimcp/plugin-sdk';
import { type LoadedPlugins, loadPlugins, type PluginHost } from './known-plugins';

/** What the node hosts from its plugins. */
export type PluginLists = Required<Pick<PluginContents, 'tools' | 'resources' | 'resourceTemplates' | 'prompts'>>;

interface Running {
  config: unknown;
  loaded: LoadedPlugins;
}

export interface PluginChange {
  loaded: string[];
  closed: string[];
}

/** What the node must do around a change: swap what it hosts, publish it, then let removed plugins go. */
export interface PluginSetHooks {
  /** Installs the new contents (tools, offerings); throws, changing nothing, when they clash. */
  install(contents: PluginLists): void;
  /** Re-publishes the manifest to the registry. */
  publish(): Promise<void>;
  /** Resolves when calls of these tools have finished (or the grace period passed). */
  settled(tools: ReadonlySet<string>): Promise<void>;
}

/**
 * The node's plugins by name, each loaded on its own so a config reload can add, remove or reconfigure one without
 * touching the others: new ones are loaded and ready() before they are offered; removed (or reconfigured) ones
 * stop being offered, then close() once their in-flight calls are done.
 */
export class PluginSet {
  private readonly logger = new Logger('plugins');
  private readonly running = new Map<string, Running>();
  private readonly changeListeners = new Set<() => void>();
  private applying: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: PluginHost) {}

  contents(): PluginLists {
    const all = [...this.running.values()].map((r) => r.loaded);
    return {
      tools: all.flatMap((p) => p.tools),
      resources: all.flatMap((p) => p.resources),
      resourceTemplates: all.flatMap((p) => p.resourceTemplates),
      prompts: all.flatMap((p) => p.prompts),
    };
  }

  /** Told when a running plugin's own lists change (a bridged MCP server's list_changed); read contents() then. */
  onOfferingsChanged(listener: () => void): void {
    this.changeListeners.add(listener);
  }

  /** Loads the named plugins at boot (a bad config throws and the node does not start). */
  async start(names: readonly string[], pluginConfig: Readonly<Record<string, unknown>>): Promise<void> {
    warnUnused(this.logger, names, pluginConfig);
    for (const name of names) this.running.set(name, await this.load(name, pluginConfig[name]));
  }

  /** Moves to a new plugin list and config; calls are serialised so two reloads never interleave. */
  apply(names: readonly string[], pluginConfig: Readonly<Record<string, unknown>>, hooks: PluginSetHooks): Promise<PluginChange> {
    const next = this.applying.then(() => this.applyNow(names, pluginConfig, hooks));
    this.applying = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    const all = [...this.running.entries()];
    this.running.clear();
    await Promise.all(all.map(([name, r]) => this.closeOne(name, r)));
  }

  private async applyNow(names: readonly string[], pluginConfig: Readonly<Record<string, unknown>>, hooks: PluginSetHooks): Promise<PluginChange> {
    warnUnused(this.logger, names, pluginConfig);
    const leaving = [...this.running.entries()].filter(([name, r]) => !names.includes(name) || !isDeepStrictEqual(r.config, pluginConfig[name]));
    const coming = names.filter((name) => !this.running.has(name) || leaving.some(([gone]) => gone === name));
    if (leaving.length === 0 && coming.length === 0) return { loaded: [], closed: [] };
    // Load first: a bad config for one plugin leaves the node as it was.
    const loaded = new Map<string, Running>();
    try {
      for (const name of coming) loaded.set(name, await this.load(name, pluginConfig[name]));
    } catch (error) {
      await Promise.all([...loaded.entries()].map(([name, r]) => this.closeOne(name, r)));
      throw error;
    }
    const previous = new Map(this.running);
    for (const [name] of leaving) this.running.delete(name);
    for (const [name, r] of loaded) this.running.set(name, r);
    try {
      hooks.install(this.contents());
    } catch (error) {
      this.running.clear();
      for (const [name, r] of previous) this.running.set(name, r);
      await Promise.all([...loaded.entries()].map(([name, r]) => this.closeOne(name, r)));
      throw error;
    }
    await hooks.publish();
    const goneTools = new Set(leaving.flatMap(([, r]) => r.loaded.tools.map((t: ToolDefinition) => t.name)));
    await hooks.settled(goneTools);
    await Promise.all(leaving.map(([name, r]) => this.closeOne(name, r)));
    const change = { loaded: [...loaded.keys()], closed: leaving.map(([name]) => name) };
    this.logger.log(`plugins reloaded: loaded [${change.loaded.join(', ')}], closed [${change.closed.join(', ')}]`);
    return change;
  }

  private async load(name: string, config: unknown): Promise<Running> {
    const loaded = await loadPlugins([name], config === undefined ? {} : { [name]: config }, this.host);
    await loaded.ready();
    // Only while this instance runs: a replaced or removed plugin's late changes are ignored.
    loaded.onOfferingsChanged(() => {
      if ([...this.running.values()].some((r) => r.loaded === loaded)) this.changeListeners.forEach((l) => l());
    });
    return { config, loaded };
  }

  private async closeOne(name: string, running: Running): Promise<void> {
    await running.loaded.close().catch((err: unknown) => this.logger.warn(`plugin ${name} did not close cleanly: ${String(err)}`));
  }
}

function warnUnused(logger: Logger, names: readonly string[], pluginConfig: Readonly<Record<string, unknown>>): void {
  const unused = Object.keys(pluginConfig).filter((key) => !names.includes(key));
  if (unused.length > 0) logger.warn(`PIMCP_NODE_PLUGIN_CONFIG has sections for plugins that are not enabled: ${unused.join(', ')}`);
}
