/** Records what a watch delivers so contract tests can assert on order, grouping and errors. */
import type { RegistryEvent } from '@pimcp/protocol';
import type { RegistryStore, RegistryWatch } from '../port/registry-store.port';
import { eventually } from './eventually.util';

export class RegistryEventCollector {
  readonly batches: RegistryEvent[][] = [];
  readonly errors: Error[] = [];
  private watch: RegistryWatch | undefined;

  static async start(store: RegistryStore, afterRevision: number): Promise<RegistryEventCollector> {
    const collector = new RegistryEventCollector();
    collector.watch = await store.watch(afterRevision, {
      onEvents: (events) => collector.batches.push(events),
      onError: (error) => collector.errors.push(error),
    });
    return collector;
  }

  get events(): RegistryEvent[] {
    return this.batches.flat();
  }

  /** Waits until some delivered event matches, and returns it. */
  async waitFor(predicate: (event: RegistryEvent) => boolean, description: string, timeoutMs = 10_000): Promise<RegistryEvent> {
    return eventually(() => this.events.find(predicate), { timeoutMs, description: `watch event: ${description}` });
  }

  async waitForError(timeoutMs = 10_000): Promise<Error> {
    return eventually(() => this.errors[0], { timeoutMs, description: 'a watch error' });
  }

  async close(): Promise<void> {
    await this.watch?.close();
  }
}
