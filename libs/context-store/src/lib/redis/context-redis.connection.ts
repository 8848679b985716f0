/** Opens ioredis connections for the context store, with its Lua scripts defined on them. */
import type { Logger } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import { EXPIRE_CONTEXT_LUA } from './scripts/expire-context.lua';
import { READ_PAGE_LUA } from './scripts/read-page.lua';
import { WRITE_CHANGE_LUA } from './scripts/write-change.lua';

type Arg = string | Buffer | number;

export type WriteOutcome = 'ok' | 'noop' | 'superseded' | 'key-conflict' | 'context-conflict' | 'too-many-keys' | 'too-large';

/** A connection with the scripts as commands (EVALSHA, falling back to EVAL after a restart emptied the cache). */
export interface ContextRedis extends Redis {
  contextWrite(...args: Arg[]): Promise<[WriteOutcome, number]>;
  contextReadPage(...args: Arg[]): Promise<[string, string[], (string | null)[], (string | null)[]]>;
  contextExpire(...args: Arg[]): Promise<number>;
}

export function openContextRedis(url: string, options: RedisOptions, logger: Logger): ContextRedis {
  // Required here, not imported: a process that never opens a context store (most edge nodes) never loads ioredis.
  const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
  const client = new RedisClient(url, {
    maxRetriesPerRequest: 2,
    connectTimeout: 2000,
    ...options,
  });
  client.on('error', (err: Error) => logger.warn(`redis error: ${err.message}`));
  client.defineCommand('contextWrite', { lua: WRITE_CHANGE_LUA, numberOfKeys: 6 });
  client.defineCommand('contextReadPage', { lua: READ_PAGE_LUA, numberOfKeys: 4, readOnly: true });
  client.defineCommand('contextExpire', { lua: EXPIRE_CONTEXT_LUA, numberOfKeys: 6 });
  return client as ContextRedis;
}

/** Keeps passwords out of messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
