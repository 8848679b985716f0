/** Callers waiting until a replica has applied a context revision. */
import { ContextStoreErrorCode, ContextStoreException } from '../errors/context-store.exception';

interface Waiter {
  revision: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class RevisionWaiters {
  private readonly waiters = new Set<Waiter>();

  wait(contextId: string, revision: number, timeoutMs: number, current: () => number): Promise<void> {
    if (current() >= revision) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        revision,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new ContextStoreException(ContextStoreErrorCode.ReplicaTimeout,
            `the replica of context "${contextId}" did not reach revision ${revision} within ${timeoutMs} ms `
            + `(it is at ${current()}); its watch may be reconnecting, or the context expired; `
            + 'wait longer (applyTimeoutMs) or check Redis'));
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
