/// <reference types="jest" />
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pollUntil } from '@pimcp/testing';
import { ContextStoreErrorCode, ContextStoreException } from '../errors/context-store.exception';
import type { ContextResetChange } from '../port/context-change';
import type { ContextStore } from '../port/context-store.port';
import type { JsonValue } from '../port/json-value';
import type { ContextLimits } from '../shared/context-limits';
import { ContextChangeCollector } from './context-change.collector';

export interface ContextStoreContractHarness {
  /**
   * A store over the suite's data: with no limits, every call reaches the same contexts (for Redis through its
   * own connections). With limits it may be a separate, empty store.
   */
  open(options?: { limits?: Partial<ContextLimits> }): Promise<ContextStore>;
  close(): Promise<void>;
}

const rejection = (reason: ContextStoreErrorCode, message: string | RegExp) =>
  expect.objectContaining({ reason, message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message) });

/** The behaviour every ContextStore adapter must have; run against in-memory and Redis. */
export function describeContextStoreContract(name: string, createHarness: () => Promise<ContextStoreContractHarness>): void {
  describe(`ContextStore contract: ${name}`, () => {
    let harness: ContextStoreContractHarness;
    let store: ContextStore;
    let ctx: string;
    const collectors: ContextChangeCollector[] = [];
    const watch = async (contextId: string, from: number | 'snapshot', on = store) => {
      const collector = await ContextChangeCollector.start(on, contextId, from);
      collectors.push(collector);
      return collector;
    };

    beforeEach(async () => {
      harness = await createHarness();
      store = await harness.open();
      ctx = `ctx-${randomUUID()}`;
    });

    afterEach(async () => {
      await Promise.all(collectors.splice(0).map((collector) => collector.close()));
      await harness.close();
    });

    describe('put and get', () => {
      it('returns the value and the revision of the write', async () => {
        const { revision } = await store.put(ctx, 'plan', { steps: ['a', 'b'] });

        expect(revision).toBe(1);
        expect(await store.get(ctx, 'plan')).toEqual({ value: { steps: ['a', 'b'] }, revision: 1 });
      });

      it('returns undefined for a key or a context that does not exist', async () => {
        await store.put(ctx, 'a', 1);

        expect(await store.get(ctx, 'b')).toBeUndefined();
        expect(await store.get(`${ctx}-other`, 'a')).toBeUndefined();
      });

      it('gives each write the next revision of its context, and each key the revision of its last write', async () => {
        const revisions = [
          (await store.put(ctx, 'a', 1)).revision,
          (await store.put(ctx, 'b', 1)).revision,
          (await store.put(ctx, 'a', 2)).revision,
          (await store.patch(ctx, 'c', { x: 1 })).revision,
          (await store.delete(ctx, 'b')).revision,
          (await store.put(ctx, 'b', 3)).revision,
        ];

        expect(revisions).toEqual([1, 2, 3, 4, 5, 6]);
        expect((await store.get(ctx, 'a'))?.revision).toBe(3);
        expect((await store.get(ctx, 'b'))?.revision).toBe(6);
        expect((await store.get(ctx, 'c'))?.revision).toBe(4);
        expect((await store.list(ctx)).revision).toBe(6);
      });

      it('counts revisions per context', async () => {
        await store.put(ctx, 'a', 1);
        await store.put(ctx, 'a', 2);

        expect((await store.put(`${ctx}-other`, 'a', 1)).revision).toBe(1);
      });

      it('returns any JSON value unchanged: empty containers, big integers, floats, unicode', async () => {
        const value: JsonValue = {
          emptyArray: [], emptyObject: {}, nested: [[[]], { a: [{}] }], big: 9007199254740991, negative: -0.000123,
          float: 1.5e300, text: 'naïve ☃ 😀 "quoted" \\ \n', flags: [true, false, null],
        };

        await store.put(ctx, 'v', value);

        expect((await store.get(ctx, 'v'))?.value).toEqual(value);
        expect((await store.list(ctx)).entries[0]?.value).toEqual(value);
      });

      it('returns copies: changing a result does not change the store', async () => {
        await store.put(ctx, 'v', { list: [1] });
        const first = (await store.get(ctx, 'v'))?.value as { list: number[] };

        first.list.push(2);

        expect((await store.get(ctx, 'v'))?.value).toEqual({ list: [1] });
      });
    });

    describe('compare-and-set', () => {
      it('writes when expectedRevision is the key\'s revision; 0 creates a key that does not exist', async () => {
        const created = await store.put(ctx, 'k', 'a', { expectedRevision: 0 });
        const updated = await store.put(ctx, 'k', 'b', { expectedRevision: created.revision });

        expect(await store.get(ctx, 'k')).toEqual({ value: 'b', revision: updated.revision });
      });

      it('rejects a stale expectedRevision with a conflict naming both revisions, and writes nothing', async () => {
        await store.put(ctx, 'k', 'a');
        await store.put(ctx, 'k', 'b');

        await expect(store.put(ctx, 'k', 'c', { expectedRevision: 1 })).rejects.toEqual(
          rejection(ContextStoreErrorCode.RevisionConflict, 'key "k" of context "' + ctx + '": expected revision 1, but it is at 2'));
        expect(await store.get(ctx, 'k')).toEqual({ value: 'b', revision: 2 });
        expect((await store.list(ctx)).revision).toBe(2);
      });

      it('rejects expectedRevision 0 for a key that exists, and a non-zero one for a key that does not', async () => {
        await store.put(ctx, 'k', 'a');

        await expect(store.put(ctx, 'k', 'b', { expectedRevision: 0 })).rejects.toEqual(
          rejection(ContextStoreErrorCode.RevisionConflict, 'expected revision 0 (absent), but it is at 1'));
        await expect(store.put(ctx, 'new', 'b', { expectedRevision: 1 })).rejects.toEqual(
          rejection(ContextStoreErrorCode.RevisionConflict, 'but it is at 0 (absent)'));
      });

      it('checks expectedContextRevision against the whole context', async () => {
        await store.put(ctx, 'a', 1);
        await store.put(ctx, 'b', 1);

        await expect(store.put(ctx, 'a', 2, { expectedContextRevision: 1 })).rejects.toEqual(
          rejection(ContextStoreErrorCode.RevisionConflict, 'expected context revision 1, but it is at 2'));
        expect((await store.put(ctx, 'a', 2, { expectedContextRevision: 2 })).revision).toBe(3);
        expect((await store.put(`${ctx}-new`, 'a', 1, { expectedContextRevision: 0 })).revision).toBe(1);
      });

      it('carries a conflict across the wire as INVALID_REQUEST, not retryable as is', async () => {
        await store.put(ctx, 'k', 'a');

        const error = await store.put(ctx, 'k', 'b', { expectedRevision: 0 }).catch((e: unknown) => e) as ContextStoreException;

        expect(error.toBody()).toMatchObject({ code: 'INVALID_REQUEST', retryable: false });
      });

      it('ends 100 concurrent compare-and-set increments from 4 store instances at exactly 100', async () => {
        const stores = [store, ...(await Promise.all([1, 2, 3].map(() => harness.open())))];
        await store.put(ctx, 'counter', 0);
        let conflicts = 0;
        const increment = async (client: ContextStore): Promise<void> => {
          for (;;) {
            const current = await client.get(ctx, 'counter');
            try {
              await client.put(ctx, 'counter', (current?.value as number) + 1, { expectedRevision: current?.revision });
              return;
            } catch (error) {
              if (!ContextStoreException.is(error, ContextStoreErrorCode.RevisionConflict)) throw error;
              conflicts += 1;
            }
          }
        };

        await Promise.all(Array.from({ length: 100 }, (_, i) => increment(stores[i % 4] as ContextStore)));

        expect(await store.get(ctx, 'counter')).toEqual({ value: 100, revision: 101 });
        expect(conflicts).toBeGreaterThan(0);
      });
    });

    describe('patch', () => {
      it('merges by RFC 7396: members merge, null removes a member, arrays and scalars are replaced', async () => {
        await store.put(ctx, 'doc', { title: 'a', tags: ['x', 'y'], author: { name: 'n', email: 'e' }, draft: true });

        const result = await store.patch(ctx, 'doc', { title: 'b', tags: ['z'], author: { email: null }, draft: null, n: 1 });

        const expected = { title: 'b', tags: ['z'], author: { name: 'n' }, n: 1 };
        expect(result).toEqual({ revision: 2, value: expected });
        expect(await store.get(ctx, 'doc')).toEqual({ value: expected, revision: 2 });
      });

      it('creates an absent key from the patch, without its null members', async () => {
        expect((await store.patch(ctx, 'new', { a: 1, b: null })).value).toEqual({ a: 1 });
        expect((await store.get(ctx, 'new'))?.value).toEqual({ a: 1 });
      });

      it('replaces the value when the patch is not an object', async () => {
        await store.put(ctx, 'k', { a: 1 });

        expect((await store.patch(ctx, 'k', [1, 2])).value).toEqual([1, 2]);
      });

      it('honours expectedRevision', async () => {
        await store.put(ctx, 'k', { a: 1 });
        await store.put(ctx, 'k', { a: 2 });

        await expect(store.patch(ctx, 'k', { b: 1 }, { expectedRevision: 1 })).rejects.toEqual(
          rejection(ContextStoreErrorCode.RevisionConflict, 'expected revision 1, but it is at 2'));
        expect((await store.patch(ctx, 'k', { b: 1 }, { expectedRevision: 2 })).value).toEqual({ a: 2, b: 1 });
      });

      it('applies concurrent patches from 4 store instances atomically: no member is lost', async () => {
        const stores = [store, ...(await Promise.all([1, 2, 3].map(() => harness.open())))];

        await Promise.all(Array.from({ length: 40 }, (_, i) => (stores[i % 4] as ContextStore).patch(ctx, 'doc', { [`m${i}`]: i })));

        const value = (await store.get(ctx, 'doc'))?.value as Record<string, number>;
        expect(Object.keys(value)).toHaveLength(40);
        expect(value['m39']).toBe(39);
        expect((await store.get(ctx, 'doc'))?.revision).toBe(40);
      });
    });

    describe('delete', () => {
      it('removes the key with a new revision', async () => {
        await store.put(ctx, 'k', 1);

        expect(await store.delete(ctx, 'k')).toEqual({ revision: 2, deleted: true });
        expect(await store.get(ctx, 'k')).toBeUndefined();
        expect((await store.list(ctx)).entries).toEqual([]);
      });

      it('writes nothing for an absent key', async () => {
        await store.put(ctx, 'k', 1);

        expect(await store.delete(ctx, 'other')).toEqual({ revision: 1, deleted: false });
        expect(await store.delete(`${ctx}-none`, 'k')).toEqual({ revision: 0, deleted: false });
        expect((await store.list(ctx)).revision).toBe(1);
      });

      it('honours expectedRevision', async () => {
        await store.put(ctx, 'k', 1);
        await store.put(ctx, 'k', 2);

        await expect(store.delete(ctx, 'k', { expectedRevision: 1 })).rejects.toEqual(
          rejection(ContextStoreErrorCode.RevisionConflict, 'expected revision 1, but it is at 2'));
        expect((await store.get(ctx, 'k'))?.value).toBe(2);
      });
    });

    describe('list', () => {
      it('returns entries in code-point order with their revisions, and the context revision', async () => {
        for (const key of ['b', '😀', 'a/2', 'ｚ', 'a/1']) await store.put(ctx, key, key);

        const page = await store.list(ctx);

        expect(page.entries.map((e) => e.key)).toEqual(['a/1', 'a/2', 'b', 'ｚ', '😀']);
        expect(page.entries[0]).toEqual({ key: 'a/1', value: 'a/1', revision: 5 });
        expect(page.revision).toBe(5);
        expect(page.cursor).toBeUndefined();
      });

      it('returns only the keys with the prefix', async () => {
        for (const key of ['a', 'a/1', 'a/2', 'ab', 'b']) await store.put(ctx, key, 0);

        expect((await store.list(ctx, { prefix: 'a/' })).entries.map((e) => e.key)).toEqual(['a/1', 'a/2']);
      });

      it('pages with limit and cursor, each entry exactly once', async () => {
        const keys = Array.from({ length: 25 }, (_, i) => `p/${String(i).padStart(2, '0')}`);
        for (const key of keys) await store.put(ctx, key, key);
        await store.put(ctx, 'q', 'outside the prefix');

        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.list(ctx, { prefix: 'p/', limit: 10, ...(cursor ? { cursor } : {}) });
          seen.push(...page.entries.map((e) => e.key));
          cursor = page.cursor;
          pages += 1;
        } while (cursor && pages < 10);

        expect(seen).toEqual(keys);
        expect(pages).toBe(3);
      });

      it('reads an unknown context as empty at revision 0', async () => {
        expect(await store.list(ctx)).toEqual({ entries: [], revision: 0 });
      });

      it('rejects a cursor it did not return', async () => {
        await expect(store.list(ctx, { cursor: '???' })).rejects.toEqual(rejection(ContextStoreErrorCode.InvalidOption, 'cursor'));
      });
    });

    describe('limits', () => {
      it('rejects a value over maxValueBytes, naming the limit, and writes nothing', async () => {
        const small = await harness.open({ limits: { maxValueBytes: 100 } });

        await expect(small.put(ctx, 'k', 'x'.repeat(200))).rejects.toEqual(
          rejection(ContextStoreErrorCode.ValueTooLarge, /202 bytes as JSON, over the limit of 100.*limits\.maxValueBytes/));
        await expect(small.patch(ctx, 'k', { text: 'x'.repeat(200) })).rejects.toEqual(
          rejection(ContextStoreErrorCode.ValueTooLarge, 'limits.maxValueBytes'));
        expect(await small.list(ctx)).toEqual({ entries: [], revision: 0 });
      });

      it('rejects a write that would take the context over maxContextBytes, and still allows shrinking', async () => {
        const small = await harness.open({ limits: { maxContextBytes: 100 } });
        await small.put(ctx, 'a', 'x'.repeat(40)); // 1 + 42 bytes
        await small.put(ctx, 'b', 'x'.repeat(40)); // 86 bytes in all

        await expect(small.put(ctx, 'c', 'x'.repeat(20))).rejects.toEqual(
          rejection(ContextStoreErrorCode.ContextTooLarge, /would hold 109 bytes.*limit of 100.*limits\.maxContextBytes/));
        await small.put(ctx, 'a', 'x');
        await small.delete(ctx, 'b');
        expect((await small.put(ctx, 'c', 'x'.repeat(40))).revision).toBe(5);
        expect((await small.list(ctx)).entries.map((e) => e.key)).toEqual(['a', 'c']);
      });

      it('rejects a new key beyond maxKeys, naming the limit, but still updates existing keys', async () => {
        const small = await harness.open({ limits: { maxKeys: 2 } });
        await small.put(ctx, 'a', 1);
        await small.put(ctx, 'b', 1);

        await expect(small.put(ctx, 'c', 1)).rejects.toEqual(rejection(ContextStoreErrorCode.TooManyKeys, 'limits.maxKeys'));
        expect((await small.put(ctx, 'a', 2)).revision).toBe(3);
        await small.delete(ctx, 'b');
        expect((await small.put(ctx, 'c', 1)).revision).toBe(5);
      });
    });

    describe('validation', () => {
      it.each(['', 'has space', 'brace{', 'x'.repeat(129), 'ünïcode'])('rejects the context id %j', async (contextId) => {
        await expect(store.put(contextId, 'k', 1)).rejects.toEqual(rejection(ContextStoreErrorCode.InvalidContextId, '1-128 characters'));
        await expect(store.get(contextId, 'k')).rejects.toEqual(rejection(ContextStoreErrorCode.InvalidContextId, 'context id'));
      });

      it.each(['', 'tab\there', 'nul\u0000', 'k'.repeat(513), 'lone\uD800'])('rejects the key %j', async (key) => {
        await expect(store.put(ctx, key, 1)).rejects.toEqual(rejection(ContextStoreErrorCode.InvalidKey, 'keys are 1-512 bytes'));
      });

      it.each([
        ['undefined', undefined],
        ['NaN', { a: Number.NaN }],
        ['a Date', { when: new Date(0) }],
        ['a function', [() => 1]],
      ])('rejects %s as a value, naming where it is', async (_, value) => {
        await expect(store.put(ctx, 'k', value as JsonValue)).rejects.toEqual(rejection(ContextStoreErrorCode.InvalidValue, '$'));
        expect(await store.get(ctx, 'k')).toBeUndefined();
      });

      it('rejects bad options, naming them', async () => {
        await expect(store.put(ctx, 'k', 1, { expectedRevision: -1 })).rejects.toEqual(rejection(ContextStoreErrorCode.InvalidOption, 'expectedRevision'));
        await expect(store.put(ctx, 'k', 1, { ttlSeconds: 0 })).rejects.toEqual(rejection(ContextStoreErrorCode.InvalidOption, 'ttlSeconds'));
        await expect(store.list(ctx, { limit: 0 })).rejects.toEqual(rejection(ContextStoreErrorCode.InvalidOption, 'limit'));
        await expect(store.watch(ctx, -1, { onChange: () => undefined })).rejects.toEqual(rejection(ContextStoreErrorCode.InvalidOption, 'watch'));
      });
    });

    describe('expiry', () => {
      it('reads a context put with ttlSeconds as empty once it expires', async () => {
        await store.put(ctx, 'a', 1, { ttlSeconds: 1 });
        await store.put(ctx, 'b', 2);
        await store.delete(ctx, 'b');
        await store.put(ctx, 'b', 3);

        expect((await store.get(ctx, 'a'))?.value).toBe(1);
        await pollUntil(async () => (await store.get(ctx, 'a')) === undefined, { timeoutMs: 3000, description: 'expiry' });
        expect(await store.get(ctx, 'b')).toBeUndefined();
        expect(await store.list(ctx)).toEqual({ entries: [], revision: 0 });
      });

      it('starts revisions again from 1 after the context expired', async () => {
        await store.put(ctx, 'a', 1, { ttlSeconds: 1 });
        await store.put(ctx, 'a', 2);
        await pollUntil(async () => (await store.list(ctx)).revision === 0, { timeoutMs: 3000, description: 'expiry' });

        expect(await store.put(ctx, 'a', 3)).toEqual({ revision: 1 });
      });

      it('expire() sets the TTL of an existing context, and answers false for one that does not exist', async () => {
        await store.put(ctx, 'a', 1);

        expect(await store.expire(ctx, 1)).toBe(true);
        expect(await store.expire(`${ctx}-none`, 1)).toBe(false);
        await pollUntil(async () => (await store.get(ctx, 'a')) === undefined, { timeoutMs: 3000, description: 'expiry' });
      });

      it('keeps the context alive while a later ttlSeconds extends it', async () => {
        await store.put(ctx, 'a', 1, { ttlSeconds: 1 });
        await sleep(600);
        await store.put(ctx, 'b', 1, { ttlSeconds: 2 });
        await sleep(600);

        expect((await store.get(ctx, 'a'))?.value).toBe(1);
      });

      it('tells a watcher with a reset to the empty state when the context expires', async () => {
        await store.put(ctx, 'a', 1, { ttlSeconds: 1 });
        const watcher = await watch(ctx, 1);

        const reset = await watcher.waitFor((c) => c.type === 'reset', 'expiry reset', 5000) as ContextResetChange;

        expect(reset).toEqual({ type: 'reset', contextId: ctx, reason: 'expired', entries: [], revision: 0 });
        await store.put(ctx, 'a', 2);
        await watcher.waitFor((c) => c.type === 'put' && c.revision === 1, 'the first write of the new context');
      });
    });

    describe('last-writer-wins by clock (offline replays)', () => {
      const clock = (ms: number, node = 'pi-1') => `${String(ms).padStart(15, '0')}.000000.${node}`;

      it('applies a write with a later clock and leaves the key alone for an earlier one, saying so', async () => {
        await store.put(ctx, 'k', 'newer', { clock: clock(2000) });
        const older = await store.put(ctx, 'k', 'older', { clock: clock(1000, 'pi-2'), lastWriterWins: true });
        expect(older).toEqual({ revision: 1, superseded: true });
        expect((await store.get(ctx, 'k'))?.value).toBe('newer');
        const later = await store.put(ctx, 'k', 'latest', { clock: clock(3000, 'pi-2'), lastWriterWins: true });
        expect(later).toEqual({ revision: 2 });
        expect((await store.get(ctx, 'k'))?.value).toBe('latest');
      });

      it('keeps a deleted key\'s clock, so an older write replayed later does not bring it back', async () => {
        await store.put(ctx, 'k', 'v', { clock: clock(1000) });
        await store.delete(ctx, 'k', { clock: clock(3000) });
        expect(await store.put(ctx, 'k', 'stale', { clock: clock(2000, 'pi-2'), lastWriterWins: true })).toMatchObject({ superseded: true });
        expect(await store.get(ctx, 'k')).toBeUndefined();
        expect(await store.patch(ctx, 'k', { a: 1 }, { clock: clock(2500, 'pi-2'), lastWriterWins: true })).toMatchObject({ superseded: true });
      });

      it('orders writes without a clock by the store\'s time, and refuses a malformed clock', async () => {
        await store.put(ctx, 'k', 'now');
        expect(await store.put(ctx, 'k', 'ancient', { clock: clock(1), lastWriterWins: true })).toMatchObject({ superseded: true });
        await expect(store.put(ctx, 'k', 'x', { clock: 'yesterday' })).rejects.toEqual(rejection(ContextStoreErrorCode.InvalidOption, 'clock must look like'));
        await expect(store.put(ctx, 'k', 'x', { lastWriterWins: true })).rejects.toEqual(rejection(ContextStoreErrorCode.InvalidOption, 'lastWriterWins needs'));
      });
    });

    describe('change feed', () => {
      it('announces every put and delete of every context to another store instance, and stops when asked', async () => {
        const listener = await harness.open();
        const heard: Array<{ contextId: string; key: string; revision: number; type: string }> = [];
        const stop = await listener.onWrite((note) => heard.push({ contextId: note.contextId, key: note.key, revision: note.revision, type: note.type }));
        const other = `${ctx}-other`;
        await store.put(ctx, 'a', 1);
        await store.patch(other, 'b', { x: 1 });
        await store.delete(ctx, 'a');
        await store.delete(ctx, 'never-there');
        await pollUntil(() => heard.length >= 3 || undefined, { timeoutMs: 3000, description: 'three change-feed notes' });
        expect(heard.sort((x, y) => x.contextId.localeCompare(y.contextId) || x.revision - y.revision)).toEqual([
          { contextId: ctx, key: 'a', revision: 1, type: 'put' },
          { contextId: ctx, key: 'a', revision: 2, type: 'delete' },
          { contextId: other, key: 'b', revision: 1, type: 'put' },
        ]);
        await stop();
        await store.put(ctx, 'c', 3);
        await sleep(200);
        expect(heard).toHaveLength(3);
      });
    });

    describe('commit times', () => {
      // Consumers measure their lag (pimcp_context_change_lag_seconds) as their clock minus this stamp.
      it('stamps every change a watch delivers and every change-feed note with when the store committed it', async () => {
        const listener = await harness.open();
        const notes: Array<number | undefined> = [];
        const stop = await listener.onWrite((note) => notes.push(note.writtenAt));
        const watcher = await watch(ctx, 0);
        const before = Date.now();
        await store.put(ctx, 'a', 1);
        await store.delete(ctx, 'a');
        const after = Date.now();
        await watcher.waitForRevision(2);
        await pollUntil(() => notes.length >= 2 || undefined, { timeoutMs: 3000, description: 'two change-feed notes' });
        await stop();
        // The store's clock (Redis's TIME) runs on this host too: allow a few ms of rounding and clock reads.
        const stamps = [watcher.writeTimes.get(1), watcher.writeTimes.get(2), ...notes];
        for (const stamp of stamps) {
          expect(typeof stamp).toBe('number');
          expect(stamp).toBeGreaterThanOrEqual(before - 5);
          expect(stamp).toBeLessThanOrEqual(after + 5);
        }
        expect(stamps[1]).toBeGreaterThanOrEqual(stamps[0] as number);
      });
    });

    describe('watch', () => {
      it('delivers every change after the given revision in order, exactly once, then live changes', async () => {
        await store.put(ctx, 'a', 1);
        await store.put(ctx, 'b', 2);
        await store.delete(ctx, 'a');
        const watcher = await watch(ctx, 1);
        await store.patch(ctx, 'b', { merged: true });
        await store.put(ctx, 'c', [1]);

        await watcher.waitForRevision(5);
        await sleep(50);

        expect(watcher.changes).toEqual([
          { type: 'put', contextId: ctx, key: 'b', value: 2, revision: 2 },
          { type: 'delete', contextId: ctx, key: 'a', revision: 3 },
          { type: 'put', contextId: ctx, key: 'b', value: { merged: true }, revision: 4 },
          { type: 'put', contextId: ctx, key: 'c', value: [1], revision: 5 },
        ]);
      });

      it('delivers writes from other store instances in revision order', async () => {
        const writers = await Promise.all([1, 2, 3].map(() => harness.open()));
        const watcher = await watch(ctx, 0);

        await Promise.all(writers.map(async (writer, w) => {
          for (let i = 0; i < 10; i++) await writer.put(ctx, `w${w}`, i);
        }));
        await watcher.waitForRevision(30);

        expect(watcher.revisions).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      });

      it('from "snapshot" starts with a reset holding the whole state, then follows', async () => {
        await store.put(ctx, 'b', 2);
        await store.put(ctx, 'a', 1);
        const watcher = await watch(ctx, 'snapshot');
        await store.put(ctx, 'c', 3);

        await watcher.waitForRevision(3);

        expect(watcher.changes[0]).toEqual({
          type: 'reset', contextId: ctx, reason: 'snapshot', revision: 2,
          entries: [{ key: 'a', value: 1, revision: 2 }, { key: 'b', value: 2, revision: 1 }],
        });
        expect(watcher.changes.slice(1)).toEqual([{ type: 'put', contextId: ctx, key: 'c', value: 3, revision: 3 }]);
      });

      it('follows a context that does not exist yet from revision 0', async () => {
        const watcher = await watch(ctx, 0);
        await store.put(ctx, 'a', 1);

        await watcher.waitForRevision(1);

        expect(watcher.changes).toEqual([{ type: 'put', contextId: ctx, key: 'a', value: 1, revision: 1 }]);
      });

      it('gives a watcher whose changes were trimmed from the history a reset with the state, then follows', async () => {
        const small = await harness.open({ limits: { historyLength: 10 } });
        // Redis trims whole stream nodes (100 entries each), so write enough that revision 2 is surely gone.
        for (let i = 1; i <= 250; i++) await small.put(ctx, `k${i % 3}`, i);
        const watcher = await watch(ctx, 1, small);
        await watcher.waitFor((c) => c.type === 'reset', 'the reset');
        await small.put(ctx, 'k0', 251);

        await watcher.waitForRevision(251);

        const [reset, ...rest] = watcher.changes;
        expect(reset).toMatchObject({ type: 'reset', reason: 'trimmed', revision: 250 });
        expect((reset as ContextResetChange).entries).toEqual([
          { key: 'k0', value: 249, revision: 249 }, { key: 'k1', value: 250, revision: 250 }, { key: 'k2', value: 248, revision: 248 },
        ]);
        expect(rest).toEqual([{ type: 'put', contextId: ctx, key: 'k0', value: 251, revision: 251 }]);
      });

      it('gives a reset when the revision is ahead of the context (from an earlier life of it)', async () => {
        await store.put(ctx, 'a', 1);

        const watcher = await watch(ctx, 7);

        expect(await watcher.waitFor((c) => c.type === 'reset', 'reset')).toEqual({
          type: 'reset', contextId: ctx, reason: 'expired', revision: 1, entries: [{ key: 'a', value: 1, revision: 1 }],
        });
      });

      it('delivers nothing after close()', async () => {
        const watcher = await watch(ctx, 0);
        await store.put(ctx, 'a', 1);
        await watcher.waitForRevision(1);

        await watcher.close();
        await store.put(ctx, 'a', 2);
        await sleep(100);

        expect(watcher.revisions).toEqual([1]);
      });

      it('ends watches with CONTEXT_STORE_CLOSED when the store closes, and refuses later calls', async () => {
        const own = await harness.open();
        const watcher = await watch(ctx, 0, own);

        await own.close();

        await pollUntil(() => watcher.errors.length > 0, { timeoutMs: 2000, description: 'watch error' });
        expect(watcher.errors[0]).toEqual(rejection(ContextStoreErrorCode.Closed, 'closed'));
        await expect(own.get(ctx, 'a')).rejects.toEqual(rejection(ContextStoreErrorCode.Closed, 'closed'));
      });
    });
  });
}
