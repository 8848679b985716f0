import { Logger } from '@nestjs/common';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import Redis, { type RedisOptions } from 'ioredis';
import type { LegacySessionRecord, SessionStore } from '../port/session-store.port';
import { sessionKeys } from '../session-keys';

export interface RedisSessionStoreOptions {
  url: string;
  redis?: RedisOptions;
}

/** Sessions in Redis, so any gateway replica can serve any session. One key per session with a TTL. */
export class RedisSessionStore implements SessionStore {
  private readonly logger = new Logger(RedisSessionStore.name);
  private client: Redis | undefined;
  private closed = false;

  constructor(private readonly options: RedisSessionStoreOptions) {}

  async put(record: LegacySessionRecord, ttlSeconds: number): Promise<void> {
    await this.run((r) => r.set(sessionKeys.session(record.sessionId), JSON.stringify(record), 'EX', ttlSeconds));
  }

  async get(sessionId: string): Promise<LegacySessionRecord | undefined> {
    const raw = await this.run((r) => r.get(sessionKeys.session(sessionId)));
    return raw ? (JSON.parse(raw) as LegacySessionRecord) : undefined;
  }

  async touch(sessionId: string, ttlSeconds: number): Promise<boolean> {
    return (await this.run((r) => r.expire(sessionKeys.session(sessionId), ttlSeconds))) === 1;
  }

  async delete(sessionId: string): Promise<void> {
    await this.run((r) => r.del(sessionKeys.session(sessionId)));
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    if (client) await client.quit().catch(() => client.disconnect());
  }

  /** Connects lazily; a command that fails for lack of Redis is STORE_UNAVAILABLE, which is retryable. */
  private async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    if (this.closed) throw new PimcpError(ErrorCode.StoreUnavailable, 'session store is closed');
    this.client ??= this.connect();
    try {
      return await command(this.client);
    } catch (err) {
      throw new PimcpError(ErrorCode.StoreUnavailable, `Redis at ${redact(this.options.url)} failed: ${(err as Error).message}; check PIMCP_REDIS_URL`);
    }
  }

  private connect(): Redis {
    const client = new Redis(this.options.url, {
      lazyConnect: false,
      maxRetriesPerRequest: 2,
      connectTimeout: 2000,
      ...this.options.redis,
    });
    client.on('error', (err: Error) => this.logger.warn(`redis error: ${err.message}`));
    return client;
  }
}

/** Keeps passwords out of messages and logs. */
function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
