import type { Logger } from '@nestjs/common';
import type { ContextWriteNote } from '../port/context-change';
import type { ContextRedis } from './context-redis.connection';

/**
 * The Redis side of ContextStore.onWrite: one subscriber connection for every listener of this store, fed by
 * the PUBLISH in the write script. ioredis re-subscribes after a reconnect; what was published meanwhile is lost,
 * which the port allows (notifications, not replication).
 */
export class RedisChangeFeed {
  private readonly listeners = new Set<(note: ContextWriteNote) => void>();
  private subscribed: Promise<unknown> | undefined;

  constructor(private readonly client: ContextRedis, private readonly channel: string, private readonly logger: Logger) {
    client.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.dispatch(message);
    });
  }

  async add(listener: (note: ContextWriteNote) => void): Promise<() => Promise<void>> {
    this.subscribed ??= this.client.subscribe(this.channel);
    await this.subscribed;
    this.listeners.add(listener);
    return async () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private dispatch(message: string): void {
    const note = parseNote(message);
    if (!note) {
      this.logger.warn(`ignored a malformed change-feed message on ${this.channel}`);
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(note);
      } catch (error) {
        this.logger.error(`a change-feed listener threw: ${(error as Error)?.message ?? String(error)}`);
      }
    }
  }
}

function parseNote(message: string): ContextWriteNote | undefined {
  try {
    const raw = JSON.parse(message) as { c?: unknown; k?: unknown; r?: unknown; t?: unknown; w?: unknown };
    if (typeof raw.c !== 'string' || typeof raw.k !== 'string' || typeof raw.r !== 'number' || (raw.t !== 'put' && raw.t !== 'del')) return undefined;
    const note: ContextWriteNote = { contextId: raw.c, key: raw.k, revision: raw.r, type: raw.t === 'put' ? 'put' : 'delete' };
    if (typeof raw.w === 'number' && Number.isFinite(raw.w)) note.writtenAt = raw.w;
    return note;
  } catch {
    return undefined;
  }
}
