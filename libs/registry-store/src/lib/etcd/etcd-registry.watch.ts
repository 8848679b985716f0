/**
 * A registry watch over etcd. etcd3 reconnects dropped watch streams by itself, but resumes from the header
 * revision of the last response, which can run ahead of events still being replayed (and etcd 3.4 progress
 * notifications can too). So this class tracks the last revision it actually saw an event for, rewrites the
 * start revision on every reconnect, and drops anything at or below it: no gaps and no repeats.
 */
import { ErrorCode, PimcpError, type RegistryEvent } from '@pimcp/protocol';
import { GRPCDeadlineExceededError, type Etcd3, type IWatchResponse, type Watcher } from 'etcd3';
import type { RegistryWatch, RegistryWatchHandlers } from '../port/registry-store.port';
import { REGISTRY_PREFIX } from '../registry-keys';
import { toRegistryEvent } from '../shared/registry-entry.codec';
import { isCompactedError, toStoreError } from './etcd-error.mapper';

const CANCEL_TIMEOUT_MS = 2000;

export class EtcdRegistryWatch implements RegistryWatch {
  private watcher: Watcher | undefined;
  private lastSeenRevision: number;
  private closed = false;

  private constructor(
    private readonly client: Etcd3,
    afterRevision: number,
    private readonly handlers: RegistryWatchHandlers,
    private readonly hosts: string[],
    private readonly timeoutMs: number,
    private readonly onClose: (watch: EtcdRegistryWatch) => void,
  ) {
    this.lastSeenRevision = afterRevision;
  }

  /** Resolves once etcd accepted the watch; STORE_UNAVAILABLE if that takes longer than `timeoutMs`. */
  static async start(
    client: Etcd3, afterRevision: number, handlers: RegistryWatchHandlers, hosts: string[], timeoutMs: number,
    onClose: (watch: EtcdRegistryWatch) => void,
  ): Promise<EtcdRegistryWatch> {
    const watch = new EtcdRegistryWatch(client, afterRevision, handlers, hosts, timeoutMs, onClose);
    await watch.connect();
    return watch;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    const watcher = this.watcher;
    this.watcher = undefined;
    if (!watcher) return;
    // A cancel on a dead connection completes only at the next reconnect attempt, so bound it.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      watcher.cancel().catch(() => undefined),
      new Promise((resolve) => { timer = setTimeout(resolve, CANCEL_TIMEOUT_MS); }),
    ]);
    clearTimeout(timer);
  }

  private connect(): Promise<void> {
    const watcher = this.client.watch().prefix(REGISTRY_PREFIX).startRevision(String(this.lastSeenRevision + 1)).watcher();
    this.watcher = watcher;
    watcher.on('connecting', () => {
      // Emitted right before every (re)subscribe request is written: resume after what we delivered.
      watcher.request.start_revision = String(this.lastSeenRevision + 1);
    });
    watcher.on('data', (response: IWatchResponse) => this.receive(response));
    return new Promise<void>((resolve, reject) => {
      // etcd3 retries an unreachable etcd forever without an error, hence the timer.
      const timer = setTimeout(() => failStart(new GRPCDeadlineExceededError(
        `no watch stream could be opened within ${this.timeoutMs} ms`)), this.timeoutMs);
      const failStart = (error: Error): void => {
        clearTimeout(timer);
        void this.close();
        reject(toStoreError(error, this.hosts, 'starting a registry watch'));
      };
      watcher.once('error', failStart);
      watcher.once('connected', () => {
        clearTimeout(timer);
        watcher.off('error', failStart);
        watcher.on('error', (error) => void this.fail(error));
        resolve();
      });
    });
  }

  private receive(response: IWatchResponse): void {
    if (this.closed) return;
    const byRevision = new Map<number, [key: string, json: string | undefined][]>();
    for (const event of response.events) {
      const revision = Number(event.kv.mod_revision);
      // A revision is never split across responses, so anything at or below the last one seen is a repeat.
      if (revision <= this.lastSeenRevision) continue;
      const changes = byRevision.get(revision) ?? [];
      changes.push([event.kv.key.toString(), event.type === 'Delete' ? undefined : event.kv.value.toString()]);
      byRevision.set(revision, changes);
    }
    for (const [revision, changes] of [...byRevision].sort(([a], [b]) => a - b)) {
      this.lastSeenRevision = revision;
      const events = changes
        .map(([key, json]) => toRegistryEvent(key, json, revision))
        .filter((e): e is RegistryEvent => e !== undefined);
      if (events.length === 0) continue;
      try {
        this.handlers.onEvents(events);
      } catch (error) {
        // A failing handler is a consumer bug: surface it like an uncaught error but keep the stream in order.
        setImmediate(() => { throw error; });
      }
      if (this.closed) return;
    }
  }

  /** etcd cancelled the watch: find out whether history was compacted away, then report and stop. */
  private async fail(error: Error): Promise<void> {
    if (this.closed) return;
    const from = this.lastSeenRevision + 1;
    let reported: Error = toStoreError(error, this.hosts, 'watching the registry');
    try {
      await this.client.kv.range(
        { key: Buffer.from(REGISTRY_PREFIX), revision: from, keys_only: true, limit: 1 },
        { deadline: Date.now() + this.timeoutMs },
      );
    } catch (probeError) {
      if (isCompactedError(probeError)) {
        reported = new PimcpError(ErrorCode.WatchCompacted,
          `etcd compacted the registry history past revision ${from}; take a new snapshot and watch from its revision`);
      }
    }
    if (this.closed) return;
    await this.close();
    this.handlers.onError?.(reported);
  }
}
