/** Records what a watch delivers so contract tests can assert on order, resets and errors. */
import { pollUntil } from '@pimcp/testing';
import type { ContextChange } from '../port/context-change';
import type { ContextStore, ContextWatch, WatchStart } from '../port/context-store.port';

export class ContextChangeCollector {
  /** Changes as delivered, without their commit times (kept apart so assertions can compare whole changes). */
  readonly changes: ContextChange[] = [];
  /** The commit time (`writtenAt`) of each delivered put or delete, by revision. */
  readonly writeTimes = new Map<number, number | undefined>();
  readonly errors: Error[] = [];
  private watch: ContextWatch | undefined;

  static async start(store: ContextStore, contextId: string, from: WatchStart): Promise<ContextChangeCollector> {
    const collector = new ContextChangeCollector();
    collector.watch = await store.watch(contextId, from, {
      onChange: (change) => collector.record(change),
      onError: (error) => collector.errors.push(error),
    });
    return collector;
  }

  /** Revisions of the put and delete changes, in delivery order. */
  get revisions(): number[] {
    return this.changes.filter((change) => change.type !== 'reset').map((change) => change.revision);
  }

  async waitForRevision(revision: number, timeoutMs = 5000): Promise<void> {
    await pollUntil(() => this.changes.some((change) => change.revision >= revision && change.type !== 'reset'),
      { timeoutMs, description: `watch delivery of revision ${revision}` });
  }

  async waitFor(predicate: (change: ContextChange) => boolean, description: string, timeoutMs = 5000): Promise<ContextChange> {
    return pollUntil(() => this.changes.find(predicate), { timeoutMs, description: `watch change: ${description}` });
  }

  private record(change: ContextChange): void {
    if (change.type === 'reset') {
      this.changes.push(change);
      return;
    }
    const { writtenAt, ...rest } = change;
    this.writeTimes.set(change.revision, writtenAt);
    this.changes.push(rest);
  }

  async close(): Promise<void> {
    await this.watch?.close();
  }
}
