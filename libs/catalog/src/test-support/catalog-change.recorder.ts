/** Records what a catalog cache announces, so tests can wait for a change and assert on all of them. */
import { pollUntil } from '@pimcp/testing';
import type { CatalogCache } from '../lib/catalog-cache.service';
import type { CatalogChange } from '../lib/catalog.types';

export class CatalogChangeRecorder {
  readonly changes: CatalogChange[] = [];
  private readonly unsubscribe: () => void;

  constructor(cache: CatalogCache) {
    this.unsubscribe = cache.onChange((change) => this.changes.push(change));
  }

  /** Waits until some recorded change matches, and returns it. */
  waitFor(predicate: (change: CatalogChange) => boolean, description: string, timeoutMs = 5000): Promise<CatalogChange> {
    return pollUntil(() => this.changes.find(predicate), { timeoutMs, intervalMs: 10, description: `catalog change: ${description}` });
  }

  clear(): void {
    this.changes.length = 0;
  }

  close(): void {
    this.unsubscribe();
  }
}
