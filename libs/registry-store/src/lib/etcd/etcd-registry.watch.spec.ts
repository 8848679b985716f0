import { EventEmitter } from 'node:events';
import { ErrorCode, type RegistryEvent } from '@pimcp/protocol';
import type { Etcd3, IWatchResponse } from 'etcd3';
import { registryKeys } from '../registry-keys';
import { EtcdRegistryWatch } from './etcd-registry.watch';

/** Stands in for etcd3's Watcher: the spec plays the watch stream's part, including reconnects. */
class FakeWatcher extends EventEmitter {
  readonly request: { start_revision?: string | number } = {};
  cancelled = false;

  async cancel(): Promise<void> {
    this.cancelled = true;
  }
}

function fakeClient(watcher: FakeWatcher, range: () => Promise<unknown> = async () => ({})): Etcd3 {
  const builder = {
    prefix: () => builder,
    startRevision: (revision: string) => {
      watcher.request.start_revision = revision;
      return builder;
    },
    watcher: () => watcher,
  };
  return { watch: () => builder, kv: { range } } as unknown as Etcd3;
}

function response(headerRevision: number, events: [revision: number, key: string, value?: unknown][]): IWatchResponse {
  return {
    header: { revision: String(headerRevision) },
    events: events.map(([revision, key, value]) => ({
      type: value === undefined ? 'Delete' : 'Put',
      kv: { key: Buffer.from(key), value: Buffer.from(value === undefined ? '' : JSON.stringify(value)), mod_revision: String(revision) },
    })),
  } as unknown as IWatchResponse;
}

async function startWatch(watcher: FakeWatcher, afterRevision: number, client = fakeClient(watcher)) {
  const batches: RegistryEvent[][] = [];
  const errors: Error[] = [];
  const starting = EtcdRegistryWatch.start(client, afterRevision, {
    onEvents: (events) => batches.push(events),
    onError: (error) => errors.push(error),
  }, ['http://etcd.test:2379'], 1000, () => undefined);
  watcher.emit('connecting', watcher.request);
  watcher.emit('connected', response(100, []));
  return { watch: await starting, batches, errors };
}

const drain = (nodeId: string) => [registryKeys.drain(nodeId), { nodeId, at: '2026-01-01T00:00:00.000Z' }] as const;

describe(EtcdRegistryWatch.name, () => {
  describe('start', () => {
    it('asks etcd for the revision after the one given', async () => {
      const watcher = new FakeWatcher();

      await startWatch(watcher, 10);

      expect(watcher.request.start_revision).toBe('11');
    });
  });

  describe('reconnect', () => {
    it('resumes after the last event it saw, not after the header revision etcd3 remembers', async () => {
      const watcher = new FakeWatcher();
      const { batches } = await startWatch(watcher, 10);
      watcher.emit('data', response(100, [[11, ...drain('node-a')], [12, ...drain('node-b')]]));
      // What etcd3 itself does with the header of the created response: jump to 101, skipping 13..100.
      watcher.request.start_revision = '101';

      watcher.emit('disconnected', new Error('stream reset'));
      watcher.emit('connecting', watcher.request);

      expect(watcher.request.start_revision).toBe('13');
      expect(batches.map((b) => b[0]?.revision)).toEqual([11, 12]);
    });

    it('drops repeated events that a resumed stream sends again', async () => {
      const watcher = new FakeWatcher();
      const { batches } = await startWatch(watcher, 10);
      watcher.emit('data', response(12, [[11, ...drain('node-a')], [12, ...drain('node-b')]]));

      watcher.emit('data', response(13, [[12, ...drain('node-b')], [13, ...drain('node-c')]]));

      expect(batches.map((b) => b.map((e) => e.revision))).toEqual([[11], [12], [13]]);
    });
  });

  describe('receive', () => {
    it('delivers the events of one revision in one call and skips schema claims', async () => {
      const watcher = new FakeWatcher();
      const { batches } = await startWatch(watcher, 10);

      watcher.emit('data', response(11, [
        [11, registryKeys.node('node-a'), { nodeId: 'node-a' }],
        [11, registryKeys.claim('file.search', 1), 'digest'],
        [11, registryKeys.capability('node-a', 'file.old')],
      ]));

      expect(batches).toEqual([[
        { revision: 11, kind: 'node', nodeId: 'node-a', value: { nodeId: 'node-a' } },
        { revision: 11, kind: 'capability', nodeId: 'node-a', name: 'file.old' },
      ]]);
    });
  });

  describe('fail', () => {
    it('reports WATCH_COMPACTED when etcd cancelled the watch because its history was compacted', async () => {
      const watcher = new FakeWatcher();
      const compacted = async () => {
        throw new Error('11 OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted');
      };
      const { errors } = await startWatch(watcher, 10, fakeClient(watcher, compacted));

      watcher.emit('error', new Error('Watcher canceled: '));
      await new Promise((resolve) => setImmediate(resolve));

      expect(errors).toEqual([expect.objectContaining({ code: ErrorCode.WatchCompacted })]);
      expect(watcher.cancelled).toBe(true);
    });
  });
});
