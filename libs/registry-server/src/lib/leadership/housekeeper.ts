import { Logger } from '@nestjs/common';
import type { RegistryEvent } from '@pimcp/protocol';
import type { RegistryStore, RegistryWatch } from '@pimcp/registry-store';

const CATALOG_KINDS = new Set<RegistryEvent['kind']>(['node', 'capability', 'disabled', 'drain']);
/** Pinning event batches the leader keeps (ADR 0015); older ones are trimmed, the audit trail keeps the record. */
export const PINNING_EVENT_BATCHES_KEPT = 1000;
/** Changes that land together (one join, one burst of expiries) make one catalog revision. */
const COALESCE_MS = 50;

/**
 * The leader's chores: remove what no live node backs, and count catalog revisions so consumers
 * can tell cheaply whether the catalog changed. Runs only while this replica leads.
 */
export class Housekeeper {
  private readonly logger = new Logger(Housekeeper.name);
  private interval: NodeJS.Timeout | undefined;
  private bumpTimer: NodeJS.Timeout | undefined;
  private watch: RegistryWatch | undefined;
  private catalogRevision = 0;
  private running = false;

  constructor(private readonly store: RegistryStore, private readonly intervalMs: number) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const snapshot = await this.store.snapshot();
    this.catalogRevision = snapshot.catalogRevision;
    this.watch = await this.store.watch(snapshot.revision, {
      onEvents: (events) => {
        if (events.some((e) => CATALOG_KINDS.has(e.kind))) this.scheduleBump();
      },
      onError: (err) => {
        this.logger.warn(`catalog watch ended (${err.message}); restarting`);
        void this.stop().then(() => this.start());
      },
    });
    this.interval = setInterval(() => void this.sweep(), this.intervalMs);
    await this.sweep();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.interval);
    clearTimeout(this.bumpTimer);
    this.bumpTimer = undefined;
    await this.watch?.close();
    this.watch = undefined;
  }

  private scheduleBump(): void {
    if (this.bumpTimer || !this.running) return;
    this.bumpTimer = setTimeout(() => {
      this.bumpTimer = undefined;
      this.catalogRevision += 1;
      this.store.setCatalogRevision(this.catalogRevision).catch((err: Error) => {
        this.logger.warn(`could not store catalog revision: ${err.message}`);
      });
    }, COALESCE_MS);
  }

  private async sweep(): Promise<void> {
    try {
      const report = await this.store.removeOrphans();
      const removed = report.claims.length + report.capabilities.length + report.drains.length;
      if (removed > 0) this.logger.log(`removed orphans: ${JSON.stringify(report)}`);
      const trimmed = await this.store.trimPinningEvents(PINNING_EVENT_BATCHES_KEPT);
      if (trimmed > 0) this.logger.log(`trimmed ${trimmed} old pinning event batches`);
    } catch (err) {
      this.logger.warn(`housekeeping failed, will retry: ${(err as Error).message}`);
    }
  }
}
