/** Callers waiting until the cache has applied a store revision. */
import { CatalogErrorCode, CatalogException } from '../errors/catalog.exception';

interface Waiter {
  revision: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class RevisionWaiters {
  private readonly waiters = new Set<Waiter>();

  wait(revision: number, timeoutMs: number, current: () => number): Promise<void> {
    if (current() >= revision) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        revision,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new CatalogException(CatalogErrorCode.RevisionTimeout,
            `the catalog did not reach store revision ${revision} within ${timeoutMs} ms (it is at ${current()}); `
            + 'the watch may be reconnecting, or that write touched no catalog key (e.g. only schema claims); '
            + 'wait longer or check the store'));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  release(applied: number): void {
    for (const waiter of this.waiters) {
      if (waiter.revision > applied) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  rejectAll(error: Error): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.waiters.clear();
  }
}
