/** One subscriber of the embedded store: delivers batches asynchronously but strictly in the order they were queued. */
import type { RegistryEvent } from '@pimcp/protocol';
import type { RegistryWatch, RegistryWatchHandlers } from '../port/registry-store.port';

type Delivery = { events: RegistryEvent[] } | { error: Error };

export class EmbeddedRegistryWatch implements RegistryWatch {
  private readonly queue: Delivery[] = [];
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly handlers: RegistryWatchHandlers,
    private readonly onClose: (watch: EmbeddedRegistryWatch) => void,
  ) {}

  push(events: RegistryEvent[]): void {
    if (this.closed || events.length === 0) return;
    // Each subscriber gets its own copy: one consumer mutating an event must not change what another sees.
    this.queue.push({ events: structuredClone(events) });
    this.schedule();
  }

  /** Ends the watch with an error, after whatever was queued before it. */
  fail(error: Error): void {
    if (this.closed) return;
    this.queue.push({ error });
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
    // Asynchronous like a network watch, so callers never depend on being called back inside their own write.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    while (!this.closed && this.queue.length > 0) {
      const next = this.queue.shift() as Delivery;
      if ('error' in next) {
        void this.close();
        this.handlers.onError?.(next.error);
        return;
      }
      try {
        this.handlers.onEvents(next.events);
      } catch (error) {
        // A failing handler is a consumer bug: surface it like an uncaught error but keep the stream in order.
        setImmediate(() => { throw error; });
      }
    }
  }
}
