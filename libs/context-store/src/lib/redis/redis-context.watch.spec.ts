import { Logger } from '@nestjs/common';
import { pollUntil } from '@pimcp/testing';
import type Redis from 'ioredis';
import type { ContextChange } from '../port/context-change';
import { contextRedisKeys } from './context-redis-keys';
import { RedisContextWatch } from './redis-context.watch';

type XreadReply = [string, [string, string[]][]][] | null;

/** Just the calls a watch makes, scripted: each xread() takes the next reply; `hang` never answers. */
function fakeClient(replies: (XreadReply | 'hang')[]) {
  const calls = { xread: [] as string[], disconnect: [] as (boolean | undefined)[] };
  const client = {
    hmget: async () => ['2', 'ep'],
    hget: async () => 'ep',
    xread: (...args: (string | number)[]) => {
      calls.xread.push(String(args[args.length - 1]));
      const next = replies.shift() ?? null;
      return next === 'hang' ? new Promise(() => undefined) : new Promise((resolve) => setTimeout(() => resolve(next), 5));
    },
    disconnect: (reconnect?: boolean) => calls.disconnect.push(reconnect),
  };
  return { client: client as unknown as Redis, calls };
}

const entry = (revision: number, value: number): [string, string[]] =>
  [`${revision}-0`, ['e', 'ep', 't', 'put', 'k', 'k', 'v', String(value)]];

describe(RedisContextWatch.name, () => {
  const start = async (client: Redis, changes: ContextChange[]) =>
    RedisContextWatch.start({
      contextId: 'c', keys: contextRedisKeys('t:', 'c'), client, blockMs: 10, deadConnectionMarginMs: 50,
      logger: new Logger('test'), onClose: () => undefined,
    }, 2, { onChange: (change) => changes.push(change) });

  it('drops a connection whose blocking read stays silent past its block time, and reads again from the same revision', async () => {
    const { client, calls } = fakeClient(['hang', [['t:{c}:log', [entry(3, 30)]]]]);
    const changes: ContextChange[] = [];

    const watch = await start(client, changes);
    // Wait for the outcome rather than a fixed time: a loaded machine runs the timers late.
    await pollUntil(() => changes.length > 0 || undefined, { timeoutMs: 5000, description: 'the change read after the reconnect' });
    await watch.close();

    expect(calls.disconnect[0]).toBe(true);
    expect(calls.xread.slice(0, 2)).toEqual(['2-0', '2-0']);
    expect(changes).toEqual([{ type: 'put', contextId: 'c', key: 'k', value: 30, revision: 3 }]);
  });
});
