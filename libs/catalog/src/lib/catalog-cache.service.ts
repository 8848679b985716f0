/**
 * The federated tool catalog held in memory from the registry store's snapshot and watch (docs/adr/0006).
 * Reads never touch the store; a failed watch is replaced by a new snapshot and watch, swapped in atomically.
 */
import type {
  PromptDefinition, RegistryEvent, RegistrySnapshot, ResourceDefinition, ResourceTemplateDefinition, RoutingPolicyRecord, ToolSetRecord,
} from '@pimcp/protocol';
import type { RegistryStore, RegistryWatch } from '@pimcp/registry-store';
import type {
  CatalogCacheOptions, CatalogCachePhase, CatalogCacheStatus, CatalogChange, CatalogChangeListener, CatalogLogger,
  CatalogNode, CatalogOffering, CatalogTool, NameCollision, ResolvedTool, ResolveOptions, ToolListOptions,
} from './catalog.types';
import { CatalogErrorCode, CatalogException } from './errors/catalog.exception';
import { CatalogState } from './state/catalog.state';
import { buildNodeViews } from './state/node-view.factory';
import { OfferingIndex, type OfferingIndexDiff } from './state/offering.index';
import { resolvedVersion } from './state/tool-entry.factory';
import { ToolIndex, type ToolIndexDiff } from './state/tool.index';
import { ResyncBackoff } from './sync/resync-backoff';
import { RevisionWaiters } from './sync/revision-waiters';

/** Without a logger only trouble is reported: a cache that silently resnapshots or drops a listener error hides bugs. */
const CONSOLE_LOGGER: CatalogLogger = {
  log: () => undefined,
  warn: (message) => console.warn(`[CatalogCache] ${message}`),
  error: (message) => console.error(`[CatalogCache] ${message}`),
};

const NO_OFFERING_CHANGE: OfferingIndexDiff = { resourcesChanged: false, promptsChanged: false, providersChanged: false };
/** Which operator settings (routing policies, tool sets) a batch or resync changed. */
const NO_ADMIN_CHANGE: Readonly<{ routingPolicies: boolean; toolSets: boolean }> = { routingPolicies: false, toolSets: false };

export class CatalogCache {
  private state = new CatalogState();
  private index = new ToolIndex();
  private offerings = OfferingIndex.empty();
  private nodeViews: readonly CatalogNode[] | undefined;
  private readonly listeners = new Set<CatalogChangeListener>();
  private readonly waiters = new RevisionWaiters();
  private readonly backoff: ResyncBackoff;
  private readonly logger: CatalogLogger;
  private watch: RegistryWatch | undefined;
  /** Bumped whenever a watch is abandoned: callbacks and syncs of an older generation are ignored. */
  private generation = 0;
  private phase: CatalogCachePhase = 'idle';
  private ready = false;
  private resyncs = 0;
  private lastError: Error | undefined;
  private wakeRetry: (() => void) | undefined;

  constructor(private readonly store: RegistryStore, options: CatalogCacheOptions = {}) {
    this.logger = options.logger ?? CONSOLE_LOGGER;
    this.backoff = new ResyncBackoff({
      minDelayMs: options.minResyncDelayMs ?? 100,
      maxDelayMs: options.maxResyncDelayMs ?? 5000,
      random: options.random ?? Math.random,
    });
  }

  /**
   * Takes a snapshot, applies it and opens a watch from its revision. Rejects with the store's error (e.g.
   * STORE_UNAVAILABLE, retryable) when either fails; the cache is then idle and start() may be called again.
   */
  async start(): Promise<void> {
    if (this.phase === 'stopped') {
      throw new CatalogException(CatalogErrorCode.Stopped, 'this catalog cache was stopped; create a new one');
    }
    if (this.phase !== 'idle') {
      throw new CatalogException(CatalogErrorCode.AlreadyStarted, 'start() was already called on this catalog cache');
    }
    this.phase = 'starting';
    const generation = ++this.generation;
    try {
      await this.sync(generation, 'start');
    } catch (error) {
      if (this.phase !== 'starting') return this.afterInterruptedStart();
      this.phase = 'idle';
      this.ready = false;
      this.generation++;
      throw error;
    }
    if (this.phase !== 'starting') return this.afterInterruptedStart();
    this.phase = 'live';
    this.logger.log(`catalog loaded at store revision ${this.state.revision}: ${this.index.federated().length} tools`);
  }

  /** Closes the watch and stops retrying. Views keep answering from the last state. */
  async stop(): Promise<void> {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    this.generation++;
    this.wakeRetry?.();
    const watch = this.watch;
    this.watch = undefined;
    this.waiters.rejectAll(new CatalogException(CatalogErrorCode.Stopped, 'the catalog cache was stopped'));
    await watch?.close().catch(() => undefined);
  }

  /** The federated tool list, sorted by name (code-point order, stable for cursor pagination). */
  tools(options: ToolListOptions = {}): readonly CatalogTool[] {
    this.assertReady();
    return options.includeAliases ? this.index.all() : this.index.federated();
  }

  /** Every `<nodeId>.<name>` alias, sorted by name. */
  aliases(): readonly CatalogTool[] {
    this.assertReady();
    return this.index.aliases();
  }

  /**
   * A called name: an alias when the part before the first dot is a live node that offers the rest enabled,
   * otherwise a federated name (ADR 0006). Undefined when nothing enabled and live answers to it.
   */
  resolve(name: string, options: ResolveOptions = {}): ResolvedTool | undefined {
    this.assertReady();
    const entry = this.index.get(name);
    if (!entry || options.major === undefined) return entry?.resolved;
    const version = entry.tool.versions.find((v) => v.major === options.major);
    return version && resolvedVersion(entry.tool, version);
  }

  /** Federated capabilities hidden by a node alias of the same name; worth a warning on a dashboard. */
  collisions(): readonly NameCollision[] {
    this.assertReady();
    return this.index.collisions();
  }

  /** Every resource of every live node, once per URI, sorted by URI. */
  resources(): readonly CatalogOffering<ResourceDefinition>[] {
    this.assertReady();
    return this.offerings.list('resources');
  }

  /** Every resource template, once per URI template, sorted. */
  resourceTemplates(): readonly CatalogOffering<ResourceTemplateDefinition>[] {
    this.assertReady();
    return this.offerings.list('resourceTemplates');
  }

  /** Every prompt, once per name, sorted by name. */
  prompts(): readonly CatalogOffering<PromptDefinition>[] {
    this.assertReady();
    return this.offerings.list('prompts');
  }

  resource(uri: string): CatalogOffering<ResourceDefinition> | undefined {
    this.assertReady();
    return this.offerings.get('resources', uri);
  }

  prompt(name: string): CatalogOffering<PromptDefinition> | undefined {
    this.assertReady();
    return this.offerings.get('prompts', name);
  }

  /** Operators' routing policies by capability (`*` included), as the registry holds them. */
  routingPolicies(): ReadonlyMap<string, RoutingPolicyRecord> {
    this.assertReady();
    return this.state.routingPolicies;
  }

  /** Operators' named tool sets by name, as the registry holds them (ADR 0020). */
  toolSets(): ReadonlyMap<string, ToolSetRecord> {
    this.assertReady();
    return this.state.toolSets;
  }

  /** Live nodes and all their capabilities (enabled or not), sorted by node id. */
  nodes(): readonly CatalogNode[] {
    this.assertReady();
    return (this.nodeViews ??= buildNodeViews(this.state));
  }

  /** The store revision applied. */
  get revision(): number {
    return this.state.revision;
  }

  /** The registry leader's catalog revision counter, as of `revision`. */
  get catalogRevision(): number {
    return this.state.catalogRevision;
  }

  status(): CatalogCacheStatus {
    return {
      phase: this.phase,
      revision: this.state.revision,
      catalogRevision: this.state.catalogRevision,
      resyncs: this.resyncs,
      ...(this.lastError ? { lastError: this.lastError.message } : {}),
    };
  }

  /** Fires once per applied batch or resnapshot that changed tools, aliases or routing data. Returns an unsubscribe. */
  onChange(listener: CatalogChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves once the cache has applied `revision` (e.g. one returned by a registry write). Only revisions that
   * change catalog keys are ever delivered, so wait for the revision of such a write.
   */
  waitForRevision(revision: number, timeoutMs: number): Promise<void> {
    if (this.phase === 'stopped') {
      return Promise.reject(new CatalogException(CatalogErrorCode.Stopped, 'the catalog cache was stopped'));
    }
    return this.waiters.wait(revision, timeoutMs, () => this.state.revision);
  }

  /** Snapshot, swap in, watch from the snapshot's revision. False when a newer generation took over meanwhile. */
  private async sync(generation: number, cause: 'start' | 'resync'): Promise<boolean> {
    const snapshot = await this.store.snapshot();
    if (generation !== this.generation) return false;
    this.replaceState(snapshot, cause);
    const watch = await this.store.watch(snapshot.revision, {
      onEvents: (events) => this.onEvents(generation, events),
      onError: (error) => this.onWatchError(generation, error),
    });
    if (generation !== this.generation) {
      await watch.close();
      return false;
    }
    this.watch = watch;
    this.backoff.succeeded();
    return true;
  }

  private replaceState(snapshot: RegistrySnapshot, cause: 'start' | 'resync'): void {
    if (snapshot.revision < this.state.revision) {
      this.logger.warn(`the registry snapshot is at revision ${snapshot.revision}, behind the ${this.state.revision} `
        + 'already applied; the store was probably restored from a backup. Following the store.');
    }
    const state = CatalogState.fromSnapshot(snapshot);
    const index = ToolIndex.build(state);
    const offerings = OfferingIndex.build(state);
    const diff = index.diffFrom(this.index);
    const offeringDiff = offerings.diffFrom(this.offerings);
    const policiesChanged = canonical(state.routingPolicies, policyOf) !== canonical(this.state.routingPolicies, policyOf);
    const toolSetsChanged = canonical(state.toolSets, patternsOf) !== canonical(this.state.toolSets, patternsOf);
    this.state = state;
    this.index = index;
    this.offerings = offerings;
    this.nodeViews = undefined;
    this.ready = true;
    // The first snapshot is what start() resolves with; listeners hear about changes after it.
    if (cause === 'resync') this.emit(diff, offeringDiff, 'resync', { routingPolicies: policiesChanged, toolSets: toolSetsChanged });
    this.waiters.release(this.state.revision);
  }

  private onEvents(generation: number, events: RegistryEvent[]): void {
    if (generation !== this.generation) return;
    try {
      this.applyBatch(events);
    } catch (error) {
      // The state may be half-applied: only a new snapshot can be trusted.
      this.resync(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private applyBatch(events: RegistryEvent[]): void {
    const fresh = events.filter((event) => event.revision > this.state.revision);
    if (fresh.length === 0) return;
    const touched = new Set<string>();
    let nodesChanged = false;
    for (const event of fresh) {
      if (this.state.apply(event, touched)) nodesChanged = true;
      this.state.revision = Math.max(this.state.revision, event.revision);
    }
    let offeringDiff = NO_OFFERING_CHANGE;
    if (nodesChanged) {
      this.nodeViews = undefined;
      const offerings = OfferingIndex.build(this.state);
      offeringDiff = offerings.diffFrom(this.offerings);
      this.offerings = offerings;
    }
    const policiesChanged = this.state.routingPoliciesChanged;
    this.state.routingPoliciesChanged = false;
    const toolSetsChanged = this.state.toolSetsChanged;
    this.state.toolSetsChanged = false;
    this.emit(this.index.refresh(this.state, touched), offeringDiff, 'watch', { routingPolicies: policiesChanged, toolSets: toolSetsChanged });
    this.waiters.release(this.state.revision);
  }

  private onWatchError(generation: number, error: Error): void {
    if (generation !== this.generation) return;
    this.resync(error);
  }

  /** Abandons the current watch and retries snapshot + watch until one succeeds or the cache stops. */
  private resync(reason: Error): void {
    const generation = ++this.generation;
    this.phase = 'resyncing';
    this.lastError = reason;
    this.logger.warn(`catalog watch failed at store revision ${this.state.revision} (${reason.message}); `
      + 'taking a new snapshot');
    const watch = this.watch;
    this.watch = undefined;
    void watch?.close().catch(() => undefined);
    void this.retry(generation);
  }

  private async retry(generation: number): Promise<void> {
    while (generation === this.generation) {
      await this.pause(this.backoff.next());
      if (generation !== this.generation) return;
      try {
        if (!(await this.sync(generation, 'resync'))) return;
        this.phase = 'live';
        this.resyncs++;
        this.logger.log(`catalog resynchronised at store revision ${this.state.revision}`);
        return;
      } catch (error) {
        if (generation !== this.generation) return;
        this.lastError = error instanceof Error ? error : new Error(String(error));
        this.logger.warn(`catalog resnapshot failed (${this.lastError.message}); retrying`);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      // A cache waiting to retry must not keep a process alive that is otherwise done.
      timer.unref();
      this.wakeRetry = done;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private emit(diff: ToolIndexDiff, offerings: OfferingIndexDiff, cause: CatalogChange['cause'], admin = NO_ADMIN_CHANGE): void {
    const providersChanged = diff.providersChanged || offerings.providersChanged;
    if (!diff.toolsChanged && !diff.aliasesChanged && !providersChanged && !offerings.resourcesChanged && !offerings.promptsChanged
      && !admin.routingPolicies && !admin.toolSets) return;
    const change: CatalogChange = Object.freeze({
      revision: this.state.revision,
      catalogRevision: this.state.catalogRevision,
      toolsChanged: diff.toolsChanged,
      aliasesChanged: diff.aliasesChanged,
      providersChanged,
      resourcesChanged: offerings.resourcesChanged,
      promptsChanged: offerings.promptsChanged,
      routingPoliciesChanged: admin.routingPolicies,
      toolSetsChanged: admin.toolSets,
      names: Object.freeze(diff.names),
      cause,
    });
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        // A listener bug must neither stop the other listeners nor take the gateway down with it.
        this.logger.error(`a catalog change listener threw: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      }
    }
  }

  /** start() lost its generation: to stop() (an error), or to a resync after the snapshot was applied (fine). */
  private afterInterruptedStart(): void {
    if (this.phase === 'stopped') {
      throw new CatalogException(CatalogErrorCode.Stopped, 'the catalog cache was stopped while it was starting');
    }
  }

  private assertReady(): void {
    if (!this.ready) {
      throw new CatalogException(CatalogErrorCode.NotStarted,
        'the catalog cache has not loaded a snapshot yet; await start() before reading it');
    }
  }
}

/** Operator records by key, compared by what they say (not when they were written). */
function canonical<R>(records: ReadonlyMap<string, R>, content: (record: R) => unknown): string {
  return JSON.stringify([...records.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, record]) => [key, content(record)]));
}

const policyOf = (record: RoutingPolicyRecord): unknown => record.policy;
const patternsOf = (record: ToolSetRecord): unknown => record.patterns;
