interface Waiter {
  readonly write: boolean;
  readonly enter: () => void;
}

/**
 * Many readers or one writer, first come first served: a waiting writer holds back readers that come
 * after it, so a steady stream of searches cannot starve a change.
 */
export class ReadWriteLock {
  private readers = 0;
  private writing = false;
  private readonly queue: Waiter[] = [];

  async read<T>(work: () => Promise<T> | T): Promise<T> {
    await this.acquire(false);
    try {
      return await work();
    } finally {
      this.readers--;
      this.drain();
    }
  }

  async write<T>(work: () => Promise<T> | T): Promise<T> {
    await this.acquire(true);
    try {
      return await work();
    } finally {
      this.writing = false;
      this.drain();
    }
  }

  private acquire(write: boolean): Promise<void> {
    if (this.queue.length === 0 && this.admits(write)) {
      this.enter(write);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push({ write, enter: resolve }));
  }

  private drain(): void {
    while (this.queue.length > 0 && this.admits(this.queue[0].write)) {
      const next = this.queue.shift() as Waiter;
      this.enter(next.write);
      next.enter();
    }
  }

  private admits(write: boolean): boolean {
    return write ? !this.writing && this.readers === 0 : !this.writing;
  }

  private enter(write: boolean): void {
    if (write) this.writing = true;
    else this.readers++;
  }
}
