/** One watcher of the in-memory store: delivers asynchronously, like a network watch, but strictly in order. */
import type { ContextChange } from '../port/context-change';
import type { ContextWatch, ContextWatchListener } from '../port/context-store.port';
import { deliverChange } from '../shared/watch-listener.guard';

export class InMemoryContextWatch implements ContextWatch {
  private readonly queue: (ContextChange | Error)[] = [];
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly listener: ContextWatchListener,
    private readonly onClose: (watch: InMemoryContextWatch) => void,
  ) {}

  push(change: ContextChange): void {
    if (this.closed) return;
    // Each watcher gets its own copy: one consumer mutating a value must not change what another sees.
    this.queue.push(structuredClone(change));
    this.schedule();
  }

  /** Ends the watch with an error, after what was queued before it. */
  fail(error: Error): void {
    if (this.closed) return;
    this.queue.push(error);
    this.schedule();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.onClose(this);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    while (!this.closed && this.queue.length > 0) {
      const next = this.queue.shift() as ContextChange | Error;
      if (next instanceof Error) {
        void this.close();
        this.listener.onError?.(next);
        return;
      }
      deliverChange(this.listener, next);
    }
  }
}
