import { ErrorCode } from '@pimcp/protocol';
import { RouteError, RouteFailure } from '../route-error';
import { ManualClock } from '../testing/manual-clock';
import { AdmissionQueue, type WaitRequest } from './admission-queue';

function request(overrides: Partial<WaitRequest> & { free?: () => boolean } = {}): WaitRequest {
  return {
    capability: 'file.search',
    nodeIds: new Set(['pi-1']),
    tryAdmit: overrides.free ?? (() => true),
    describe: () => 'pi-1 8/8',
    ...overrides,
  };
}

async function settled(promise: Promise<unknown>): Promise<string> {
  return Promise.race([promise.then(() => 'admitted', (e: unknown) => (e instanceof RouteError ? e.failure : 'other')), new Promise<string>((r) => setImmediate(() => r('waiting')))]);
}

describe(AdmissionQueue.name, () => {
  let clock: ManualClock;
  beforeEach(() => { clock = new ManualClock(); });

  describe('wait', () => {
    it('admits a waiting call when a slot frees on one of its nodes', async () => {
      const queue = new AdmissionQueue({}, clock);
      let free = false;
      const waiting = queue.wait(request({ free: () => free }));
      queue.notify('pi-1');
      expect(await settled(waiting)).toBe('waiting');
      free = true;
      queue.notify('pi-2');
      expect(await settled(waiting)).toBe('waiting');
      queue.notify('pi-1');
      expect(await settled(waiting)).toBe('admitted');
      expect(queue.size).toBe(0);
      expect(clock.pendingTimers()).toBe(0);
    });

    it('admits in arrival order, one per freed slot', async () => {
      const queue = new AdmissionQueue({}, clock);
      const first = queue.wait(request());
      const second = queue.wait(request());
      queue.notify('pi-1');
      expect(await settled(first)).toBe('admitted');
      expect(await settled(second)).toBe('waiting');
      queue.notify('pi-1');
      expect(await settled(second)).toBe('admitted');
    });

    it('refuses at once, retryable, when the capability queue is full', async () => {
      const queue = new AdmissionQueue({ maxWaitingPerCapability: 2 }, clock);
      void queue.wait(request()).catch(() => undefined);
      void queue.wait(request()).catch(() => undefined);
      const error = await queue.wait(request()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RouteError);
      expect(error).toMatchObject({ code: ErrorCode.NodeUnavailable, retryable: true, failure: RouteFailure.QueueFull });
      expect((error as Error).message).toContain('2 calls of file.search already wait (limit 2)');
      expect((error as Error).message).toContain('pi-1 8/8');
      expect(queue.wait(request({ capability: 'db.query' }))).toBeInstanceOf(Promise);
    });

    it('refuses when the gateway-wide bound is reached', async () => {
      const queue = new AdmissionQueue({ maxWaiting: 1 }, clock);
      void queue.wait(request({ capability: 'a.a' })).catch(() => undefined);
      await expect(queue.wait(request({ capability: 'b.b' }))).rejects.toMatchObject({ failure: RouteFailure.QueueFull });
      expect(queue.size).toBe(1);
    });

    it('refuses after the wait timeout with a retryable error naming the full nodes', async () => {
      const queue = new AdmissionQueue({ maxWaitMs: 100 }, clock);
      const waiting = queue.wait(request({ free: () => false }));
      clock.advance(99);
      expect(await settled(waiting)).toBe('waiting');
      clock.advance(1);
      const error = await waiting.catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.NodeUnavailable, retryable: true, failure: RouteFailure.QueueTimeout });
      expect((error as Error).message).toMatch(/stayed at its concurrency limit \(pi-1 8\/8\) for 100 ms/);
      expect(queue.size).toBe(0);
      expect(queue.sizeOf('file.search')).toBe(0);
    });

    it('leaves the queue with CANCELLED when the caller aborts', async () => {
      const queue = new AdmissionQueue({}, clock);
      const controller = new AbortController();
      const waiting = queue.wait(request({ signal: controller.signal }));
      controller.abort();
      await expect(waiting).rejects.toMatchObject({ code: ErrorCode.Cancelled });
      expect(queue.size).toBe(0);
      expect(clock.pendingTimers()).toBe(0);
    });

    it('fails a waiter whose re-route throws (its nodes left)', async () => {
      const queue = new AdmissionQueue({}, clock);
      const waiting = queue.wait(request({ free: () => { throw new Error('gone'); } }));
      queue.notify();
      await expect(waiting).rejects.toThrow('gone');
    });
  });

  describe('memory bounds', () => {
    it('never holds more than maxWaiting calls however many arrive', async () => {
      const queue = new AdmissionQueue({ maxWaiting: 100, maxWaitingPerCapability: 1000 }, clock);
      const results = await Promise.all(Array.from({ length: 10_000 }, () => settled(queue.wait(request({ free: () => false })))));
      expect(queue.size).toBe(100);
      expect(results.filter((r) => r === RouteFailure.QueueFull)).toHaveLength(9_900);
      clock.advance(10_000);
      expect(queue.size).toBe(0);
    });
  });
});
