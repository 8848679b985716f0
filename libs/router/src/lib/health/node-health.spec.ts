import { ConsecutiveBreaker } from 'cockatiel';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { isNotDelivered, markNotDelivered } from './delivery';
import { NodeHealth } from './node-health';

const signal = new AbortController().signal;
const fail = (code = ErrorCode.NodeUnavailable) => () => Promise.reject(new PimcpError(code, 'boom'));
const ok = () => Promise.resolve('ok');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough that a busy CI machine does not reach it between two adjacent assertions. */
const HALF_OPEN_MS = 80;

async function failTimes(health: NodeHealth, nodeId: string, times: number, code?: ErrorCode): Promise<void> {
  for (let i = 0; i < times; i++) await health.run(nodeId, fail(code), signal).catch(() => undefined);
}

describe(NodeHealth.name, () => {
  describe('run', () => {
    it('opens the circuit after the breaker threshold of node failures and refuses at once, marked not delivered', async () => {
      const health = new NodeHealth({ breaker: () => new ConsecutiveBreaker(3), halfOpenAfterMs: 60_000 });
      await failTimes(health, 'pi-1', 2);
      expect(health.admits('pi-1')).toBe(true);
      await failTimes(health, 'pi-1', 1);
      expect(health.circuit('pi-1')).toBe('open');
      expect(health.admits('pi-1')).toBe(false);
      const call = jest.fn(ok);
      const error = await health.run('pi-1', call, signal).catch((e: unknown) => e);
      expect(call).not.toHaveBeenCalled();
      expect(error).toMatchObject({ code: ErrorCode.NodeUnavailable });
      expect(isNotDelivered(error)).toBe(true);
    });

    it('does not count tool errors, bad arguments or cancellations against the node', async () => {
      const health = new NodeHealth({ breaker: () => new ConsecutiveBreaker(1) });
      await failTimes(health, 'pi-1', 3, ErrorCode.Internal);
      await failTimes(health, 'pi-1', 3, ErrorCode.InvalidArguments);
      await failTimes(health, 'pi-1', 3, ErrorCode.Cancelled);
      expect(health.circuit('pi-1')).toBe('closed');
    });

    it('closes again when the half-open probe succeeds (cockatiel halfOpenAfter)', async () => {
      const changes: string[] = [];
      const health = new NodeHealth({ breaker: () => new ConsecutiveBreaker(1), halfOpenAfterMs: HALF_OPEN_MS, onCircuitChange: (id, c) => changes.push(`${id}:${c}`) });
      await failTimes(health, 'pi-1', 1);
      expect(health.admits('pi-1')).toBe(false);
      await sleep(HALF_OPEN_MS + 20);
      expect(health.circuit('pi-1')).toBe('half-open');
      expect(health.admits('pi-1')).toBe(true);
      const release = health.acquire('pi-1');
      // The probe is taken: no second call may be routed there until it ends.
      expect(health.admits('pi-1')).toBe(false);
      await expect(health.run('pi-1', ok, signal)).resolves.toBe('ok');
      release();
      expect(health.circuit('pi-1')).toBe('closed');
      expect(changes).toEqual(['pi-1:open', 'pi-1:half-open', 'pi-1:closed']);
    });

    it('opens again when the probe fails', async () => {
      const health = new NodeHealth({ breaker: () => new ConsecutiveBreaker(1), halfOpenAfterMs: HALF_OPEN_MS });
      await failTimes(health, 'pi-1', 1);
      await sleep(HALF_OPEN_MS + 20);
      await failTimes(health, 'pi-1', 1);
      expect(health.circuit('pi-1')).toBe('open');
      expect(health.admits('pi-1')).toBe(false);
    });
  });

  describe('markLinkFailure', () => {
    it('takes the node out of rotation in the same tick, whatever the breaker threshold', () => {
      const health = new NodeHealth({ breaker: () => new ConsecutiveBreaker(100), halfOpenAfterMs: 60_000 });
      health.markLinkFailure('pi-1');
      expect(health.admits('pi-1')).toBe(false);
      expect(health.circuit('pi-1')).toBe('open');
      expect(health.admits('pi-2')).toBe(true);
    });

    it('recovers through a half-open probe after halfOpenAfterMs', async () => {
      const health = new NodeHealth({ breaker: () => new ConsecutiveBreaker(100), halfOpenAfterMs: HALF_OPEN_MS });
      health.markLinkFailure('pi-1');
      await Promise.resolve();
      expect(health.circuit('pi-1')).toBe('open');
      await sleep(HALF_OPEN_MS + 20);
      expect(health.admits('pi-1')).toBe(true);
      await health.run('pi-1', ok, signal);
      expect(health.circuit('pi-1')).toBe('closed');
    });
  });

  describe('acquire', () => {
    it('counts calls in flight until released, once per release', () => {
      const health = new NodeHealth();
      const a = health.acquire('pi-1');
      const b = health.acquire('pi-1');
      expect(health.inFlight('pi-1')).toBe(2);
      a();
      a();
      expect(health.inFlight('pi-1')).toBe(1);
      b();
      expect(health.inFlight('pi-1')).toBe(0);
    });
  });

  describe('recordLatency', () => {
    it('keeps an EWMA of service time with the link round trip taken out', () => {
      const health = new NodeHealth({ ewmaAlpha: 0.5 });
      health.recordRtt('pi-1', 20);
      health.recordLatency('pi-1', 'file.search', 120);
      health.recordLatency('pi-1', 'file.search', 220);
      expect(health.latency('pi-1', 'file.search')).toEqual({ serviceMs: 150, rttMs: 20 });
      expect(health.latency('pi-1', 'db.query')).toEqual({ rttMs: 20 });
    });
  });

  describe('memory bounds', () => {
    it('forgets nodes that left the catalog', async () => {
      const health = new NodeHealth({ breaker: () => new ConsecutiveBreaker(1) });
      await failTimes(health, 'pi-1', 1);
      health.recordLatency('pi-2', 'a.b', 5);
      health.retain(['pi-2']);
      expect(health.size).toBe(1);
      expect(health.circuit('pi-1')).toBe('closed');
      expect(health.latency('pi-2', 'a.b').serviceMs).toBe(5);
    });

    it('tracks at most maxNodes, evicting the least recently used idle node', () => {
      const health = new NodeHealth({ maxNodes: 50 });
      const busy = health.acquire('busy');
      for (let i = 0; i < 10_000; i++) health.recordRtt(`n-${i}`, 1);
      expect(health.size).toBe(50);
      expect(health.inFlight('busy')).toBe(1);
      busy();
    });

    it('tracks at most maxCapabilitiesPerNode service times per node', () => {
      const health = new NodeHealth({ maxCapabilitiesPerNode: 4 });
      for (let i = 0; i < 1000; i++) health.recordLatency('pi-1', `cap.c${i}`, i);
      expect(Object.keys(health.snapshot('pi-1').serviceMs)).toEqual(['cap.c996', 'cap.c997', 'cap.c998', 'cap.c999']);
    });
  });
});

describe('markNotDelivered', () => {
  it('marks the error itself without changing what it serialises to', () => {
    const error = new PimcpError(ErrorCode.NodeUnavailable, 'connection refused');
    expect(isNotDelivered(error)).toBe(false);
    expect(markNotDelivered(error)).toBe(error);
    expect(isNotDelivered(error)).toBe(true);
    expect(JSON.stringify(error.toBody())).not.toContain('deliver');
  });
});
