import { ConsecutiveBreaker } from 'cockatiel';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { markNotDelivered } from '../health/delivery';
import { RouteError, RouteFailure } from '../route-error';
import type { RoutedCapability } from '../router.types';
import { ManualClock } from '../testing/manual-clock';
import { idempotent, readOnly, testCapability, testNode, type TestNode } from '../testing/route-fixtures';
import { createRouting, type Routing, type RoutingOptions } from './create-routing';
import type { AttemptContext, ExecuteRequest } from './routed-executor';

const lost = (nodeId: string) => new PimcpError(ErrorCode.NodeUnavailable, `the connection to ${nodeId} was lost during the call`);
const refused = (nodeId: string) => markNotDelivered(new PimcpError(ErrorCode.NodeUnavailable, `${nodeId} refused the connection`));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Lets promise callbacks (routing, attempts starting) run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** An attempt that stays pending until the test settles it or its signal aborts. */
class PendingAttempts {
  readonly started: { nodeId: string; context: AttemptContext; resolve: (v: string) => void; reject: (e: unknown) => void }[] = [];

  readonly attempt = (node: TestNode, context: AttemptContext): Promise<string> => new Promise<string>((resolve, reject) => {
    this.started.push({ nodeId: node.nodeId, context, resolve, reject });
    context.signal.addEventListener('abort', () => reject(new PimcpError(ErrorCode.Cancelled, 'aborted')), { once: true });
  });

  on(nodeId: string) {
    const found = this.started.find((s) => s.nodeId === nodeId);
    if (!found) throw new Error(`no attempt on ${nodeId}; started: ${this.started.map((s) => s.nodeId).join(', ')}`);
    return found;
  }
}

async function errorOf(promise: Promise<unknown>): Promise<RouteError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof RouteError)) throw new Error(`expected a RouteError, got ${String(error)}`);
  return error;
}

describe('RoutedExecutor', () => {
  let clock: ManualClock;
  let routing: Routing;
  const setup = (options: RoutingOptions = {}) => {
    clock = new ManualClock();
    routing = createRouting({
      clock,
      health: { breaker: () => new ConsecutiveBreaker(100), halfOpenAfterMs: 60_000 },
      budget: { ratio: 1, minPerSecond: 0, maxBalance: 100 },
      ...options,
    });
    // A healthy history so the budget has tokens (each call earns `ratio`).
    for (let i = 0; i < 10; i++) routing.budget.recordCall();
  };
  beforeEach(() => setup());
  const twoNodes = [testNode('pi-1'), testNode('pi-2')];
  const request = (capability: RoutedCapability, extra: Partial<ExecuteRequest<TestNode>> = {}): ExecuteRequest<TestNode> => ({
    capability, providers: twoNodes, preferredNodeIds: ['pi-1'], ...extra,
  });

  describe('execute', () => {
    it('runs the call on the chosen node and returns its result, node and attempts', async () => {
      const seen: string[] = [];
      const outcome = await routing.executor.execute(request(testCapability('file.search')), async (node, context) => {
        seen.push(`${node.nodeId}#${context.attempt}:${node.linkAddress}`);
        return 'found';
      });
      expect(seen).toEqual(['pi-1#1:tcp://pi-1.test:7600']);
      expect(outcome).toMatchObject({ result: 'found', nodeId: 'pi-1', plan: { reason: 'score' }, attempts: [{ nodeId: 'pi-1', outcome: 'succeeded', hedge: false }] });
    });

    it('counts the call in flight while it runs and records its latency', async () => {
      const pending = new PendingAttempts();
      const running = routing.executor.execute(request(testCapability('file.search')), pending.attempt);
      await flush();
      expect(routing.health.inFlight('pi-1')).toBe(1);
      clock.advance(40);
      pending.on('pi-1').resolve('ok');
      await running;
      expect(routing.health.inFlight('pi-1')).toBe(0);
      expect(routing.health.latency('pi-1', 'file.search').serviceMs).toBe(40);
      expect(routing.latency.quantile('file.search', 0.95)).toBe(40);
    });
  });

  describe('retries', () => {
    it('retries a read-only call on another node after a node failure', async () => {
      const calls: string[] = [];
      const outcome = await routing.executor.execute(request(testCapability('file.read', 'standard', readOnly)), async (node) => {
        calls.push(node.nodeId);
        if (node.nodeId === 'pi-1') throw lost('pi-1');
        return 'data';
      });
      expect(calls).toEqual(['pi-1', 'pi-2']);
      expect(outcome.nodeId).toBe('pi-2');
      expect(outcome.attempts.map((a) => [a.nodeId, a.outcome])).toEqual([['pi-1', 'failed'], ['pi-2', 'succeeded']]);
      expect(routing.health.inFlight('pi-1') + routing.health.inFlight('pi-2')).toBe(0);
    });

    it('retries an idempotent call too', async () => {
      const outcome = await routing.executor.execute(request(testCapability('kv.put', 'light', idempotent)), async (node) => {
        if (node.nodeId === 'pi-1') throw lost('pi-1');
        return 'stored';
      });
      expect(outcome.nodeId).toBe('pi-2');
    });

    it('never runs a call that may have had side effects twice, and reports the node', async () => {
      const calls: string[] = [];
      const error = await errorOf(routing.executor.execute(request(testCapability('file.write')), async (node) => {
        calls.push(node.nodeId);
        throw lost(node.nodeId);
      }));
      expect(calls).toEqual(['pi-1']);
      expect(error).toMatchObject({ code: ErrorCode.Internal, retryable: false, failure: RouteFailure.OutcomeUnknown, nodeIds: ['pi-1'] });
      expect(error.message).toContain('file.write failed on node pi-1 after it may have started (NODE_UNAVAILABLE: the connection to pi-1 was lost during the call)');
      expect(error.message).toContain('not annotated idempotentHint or readOnlyHint');
      expect(error.cause).toBeInstanceOf(PimcpError);
    });

    it('retries any call that failed before it reached the node', async () => {
      const outcome = await routing.executor.execute(request(testCapability('file.write')), async (node) => {
        if (node.nodeId === 'pi-1') throw refused('pi-1');
        return 'written';
      });
      expect(outcome.attempts.map((a) => a.nodeId)).toEqual(['pi-1', 'pi-2']);
    });

    it('does not retry a failure of the tool itself', async () => {
      const calls: string[] = [];
      const error = await errorOf(routing.executor.execute(request(testCapability('file.read', 'standard', readOnly)), async (node) => {
        calls.push(node.nodeId);
        throw new PimcpError(ErrorCode.InvalidArguments, 'path must be absolute');
      }));
      expect(calls).toEqual(['pi-1']);
      expect(error).toMatchObject({ code: ErrorCode.InvalidArguments, failure: RouteFailure.Failed, nodeIds: ['pi-1'] });
      expect(error.message).toBe('file.read failed on node pi-1: INVALID_ARGUMENTS: path must be absolute');
    });

    it('stops after maxAttempts and names every node tried', async () => {
      setup({ maxAttempts: 2 });
      const nodes = [testNode('pi-1'), testNode('pi-2'), testNode('pi-3')];
      const error = await errorOf(routing.executor.execute(request(testCapability('file.read', 'standard', readOnly), { providers: nodes }), async (node) => {
        throw lost(node.nodeId);
      }));
      expect(error.nodeIds).toHaveLength(2);
      expect(error).toMatchObject({ code: ErrorCode.NodeUnavailable, failure: RouteFailure.Failed });
      expect(error.message).toMatch(/^file\.read failed on nodes pi-\d, pi-\d \(.*\); not retried: 2 of 2 attempts used$/);
      expect(error.problems.map((p) => p.path)).toEqual(['attempts[0]', 'attempts[1]']);
    });

    it('says so when no other node is left to retry on', async () => {
      const error = await errorOf(routing.executor.execute(request(testCapability('file.read', 'standard', readOnly)), async (node) => {
        throw lost(node.nodeId);
      }));
      expect(error.nodeIds).toEqual(['pi-1', 'pi-2']);
      expect(error.message).toContain('no other node could take the retry (no node can run file.read now: pi-1 already tried, pi-2 already tried; retry later)');
    });

    it('retries no more than the budget allows while every node fails', async () => {
      const nodes = [testNode('pi-1'), testNode('pi-2'), testNode('pi-3')];
      const run = async (budget: RoutingOptions['budget']) => {
        setup({ budget });
        let attempts = 0;
        for (let i = 0; i < 20; i++) {
          await routing.executor.execute(request(testCapability('file.read', 'standard', readOnly), { providers: nodes }), async (node) => {
            attempts++;
            throw lost(node.nodeId);
          }).catch(() => undefined);
        }
        return attempts;
      };
      // The setup's 10 earlier calls earned 1 retry at ratio 0.1; 20 failing calls earn 2 more.
      expect(await run({ ratio: 0.1, minPerSecond: 0, maxBalance: 100 })).toBe(20 + 3);
      expect(await run({ ratio: 5, minPerSecond: 0, maxBalance: 1000 })).toBe(20 * 3);
    });

    it('reports an exhausted budget in the error', async () => {
      setup({ budget: { ratio: 0, minPerSecond: 0, maxBalance: 1 } });
      const error = await errorOf(routing.executor.execute(request(testCapability('file.read', 'standard', readOnly)), async (node) => {
        throw lost(node.nodeId);
      }));
      expect(error).toMatchObject({ code: ErrorCode.NodeUnavailable, retryable: true, nodeIds: ['pi-1'] });
      expect(error.message).toContain('not retried: the retry budget is spent');
    });

    it('does not retry a call the caller cancelled', async () => {
      const pending = new PendingAttempts();
      const controller = new AbortController();
      const running = routing.executor.execute(request(testCapability('file.read', 'standard', readOnly), { signal: controller.signal }), pending.attempt);
      await flush();
      controller.abort();
      const error = await errorOf(running);
      expect(pending.started.map((s) => s.nodeId)).toEqual(['pi-1']);
      expect(pending.on('pi-1').context.signal.aborted).toBe(true);
      expect(error).toMatchObject({ code: ErrorCode.Cancelled, failure: RouteFailure.Cancelled });
    });
  });

  describe('node failures', () => {
    it('takes a node whose link failed out of rotation at once, and probes it back in after halfOpenAfter', async () => {
      setup({ health: { breaker: () => new ConsecutiveBreaker(100), halfOpenAfterMs: 80 } });
      const capability = testCapability('file.read', 'standard', readOnly);
      const runOnce = async () => (await routing.executor.execute(request(capability), async () => 'ok')).nodeId;
      expect(await runOnce()).toBe('pi-1');
      routing.executor.markLinkFailure('pi-1');
      expect([await runOnce(), await runOnce(), await runOnce()]).toEqual(['pi-2', 'pi-2', 'pi-2']);
      await sleep(100);
      const probe = await routing.executor.execute(request(capability), async () => 'ok');
      expect(probe).toMatchObject({ nodeId: 'pi-1', plan: { reason: 'probe' } });
      expect(routing.health.circuit('pi-1')).toBe('closed');
      expect(await runOnce()).toBe('pi-1');
    });

    it('opens a flapping node circuit after repeated failures, so later calls skip it', async () => {
      setup({ health: { breaker: () => new ConsecutiveBreaker(3), halfOpenAfterMs: 60_000 } });
      const capability = testCapability('file.read', 'standard', readOnly);
      const tried: string[] = [];
      for (let i = 0; i < 6; i++) {
        await routing.executor.execute(request(capability), async (node) => {
          tried.push(node.nodeId);
          if (node.nodeId === 'pi-1') throw lost('pi-1');
          return 'ok';
        });
      }
      expect(tried.filter((id) => id === 'pi-1')).toHaveLength(3);
      expect(routing.health.circuit('pi-1')).toBe('open');
    });

    it('forgets nodes that left the catalog', async () => {
      await routing.executor.execute(request(testCapability('file.search')), async () => 'ok');
      routing.executor.nodesChanged(['pi-2']);
      expect(routing.health.size).toBe(0);
    });
  });

  describe('hedging', () => {
    const capability = testCapability('file.read', 'standard', readOnly);
    const learnP95 = (ms: number) => { for (let i = 0; i < 20; i++) routing.latency.record('file.read', ms); };

    it('is off by default: a slow read-only call is left to finish on its node', async () => {
      learnP95(10);
      const pending = new PendingAttempts();
      const running = routing.executor.execute(request(capability), pending.attempt);
      await flush();
      clock.advance(1000);
      await flush();
      expect(pending.started.map((s) => s.nodeId)).toEqual(['pi-1']);
      pending.on('pi-1').resolve('slow');
      expect((await running).nodeId).toBe('pi-1');
    });

    it('when enabled, asks a second node past the p95 and aborts the slower attempt', async () => {
      setup({ hedging: { enabled: true } });
      learnP95(10);
      const pending = new PendingAttempts();
      const running = routing.executor.execute(request(capability), pending.attempt);
      await flush();
      clock.advance(9);
      await flush();
      expect(pending.started).toHaveLength(1);
      clock.advance(1);
      await flush();
      expect(pending.started.map((s) => [s.nodeId, s.context.hedge])).toEqual([['pi-1', false], ['pi-2', true]]);
      pending.on('pi-2').resolve('fast');
      const outcome = await running;
      expect(outcome).toMatchObject({ result: 'fast', nodeId: 'pi-2' });
      expect(pending.on('pi-1').context.signal.aborted).toBe(true);
      expect(outcome.attempts.map((a) => [a.nodeId, a.outcome, a.hedge])).toEqual([['pi-1', 'aborted', false], ['pi-2', 'succeeded', true]]);
      await flush();
      // The abandoned attempt is not held against the node's circuit, and its slot is freed.
      expect(routing.health.circuit('pi-1')).toBe('closed');
      expect(routing.health.inFlight('pi-1')).toBe(0);
    });

    it('keeps the primary result when it answers first after the hedge started', async () => {
      setup({ hedging: { enabled: true } });
      learnP95(10);
      const pending = new PendingAttempts();
      const running = routing.executor.execute(request(capability), pending.attempt);
      await flush();
      clock.advance(10);
      await flush();
      pending.on('pi-1').resolve('primary');
      expect(await running).toMatchObject({ result: 'primary', nodeId: 'pi-1' });
      expect(pending.on('pi-2').context.signal.aborted).toBe(true);
    });

    it('is never used for a capability that is not read-only', async () => {
      setup({ hedging: { enabled: true } });
      for (let i = 0; i < 20; i++) routing.latency.record('kv.put', 10);
      const pending = new PendingAttempts();
      const running = routing.executor.execute(request(testCapability('kv.put', 'light', idempotent)), pending.attempt);
      await flush();
      clock.advance(100);
      await flush();
      expect(pending.started).toHaveLength(1);
      pending.on('pi-1').resolve('ok');
      await running;
    });

    it('can be switched on per capability by its routing policy', async () => {
      routing.policies.set('file.read', { hedge: true });
      learnP95(10);
      const pending = new PendingAttempts();
      const running = routing.executor.execute(request(capability), pending.attempt);
      await flush();
      clock.advance(10);
      await flush();
      expect(pending.started).toHaveLength(2);
      pending.on('pi-2').resolve('fast');
      await running;
    });

    it('waits for enough samples, and spends the retry budget', async () => {
      setup({ hedging: { enabled: true }, budget: { ratio: 0, minPerSecond: 0, maxBalance: 1 } });
      for (let i = 0; i < 19; i++) routing.latency.record('file.read', 10);
      const pending = new PendingAttempts();
      let running = routing.executor.execute(request(capability), pending.attempt);
      await flush();
      clock.advance(100);
      await flush();
      expect(pending.started).toHaveLength(1);
      pending.on('pi-1').resolve('ok');
      await running;
      learnP95(10);
      pending.started.length = 0;
      running = routing.executor.execute(request(capability), pending.attempt);
      await flush();
      clock.advance(100);
      await flush();
      // Enough samples now, but the budget is empty.
      expect(pending.started).toHaveLength(1);
      pending.on('pi-1').resolve('ok');
      await running;
    });
  });

  describe('backpressure', () => {
    const one = [testNode('pi-1', { maxConcurrent: '1' })];
    const capability = testCapability('file.search');

    it('queues a call while every node is full and runs it when a slot frees', async () => {
      const pending = new PendingAttempts();
      const first = routing.executor.execute(request(capability, { providers: one }), pending.attempt);
      const second = routing.executor.execute(request(capability, { providers: one }), pending.attempt);
      await flush();
      expect(pending.started).toHaveLength(1);
      expect(routing.queue.sizeOf('file.search')).toBe(1);
      pending.started[0]?.resolve('first');
      expect((await first).result).toBe('first');
      await flush();
      expect(pending.started).toHaveLength(2);
      expect(routing.queue.size).toBe(0);
      pending.started[1]?.resolve('second');
      expect(await second).toMatchObject({ result: 'second', nodeId: 'pi-1' });
    });

    it('refuses, retryable, when the queue is full', async () => {
      setup({ queue: { maxWaitingPerCapability: 1 } });
      const pending = new PendingAttempts();
      void routing.executor.execute(request(capability, { providers: one }), pending.attempt);
      const queued = routing.executor.execute(request(capability, { providers: one }), pending.attempt);
      const error = await errorOf(routing.executor.execute(request(capability, { providers: one }), pending.attempt));
      expect(error).toMatchObject({ code: ErrorCode.NodeUnavailable, retryable: true, failure: RouteFailure.QueueFull });
      expect(error.message).toContain('(pi-1 1/1)');
      pending.started[0]?.resolve('x');
      await flush();
      pending.started[1]?.resolve('y');
      await queued;
    });

    it('refuses, retryable, after the wait timeout (policy queueTimeoutMs)', async () => {
      routing.policies.set('file.search', { queueTimeoutMs: 50 });
      const pending = new PendingAttempts();
      void routing.executor.execute(request(capability, { providers: one }), pending.attempt);
      const queued = routing.executor.execute(request(capability, { providers: one }), pending.attempt);
      await flush();
      clock.advance(50);
      const error = await errorOf(queued);
      expect(error).toMatchObject({ code: ErrorCode.NodeUnavailable, retryable: true, failure: RouteFailure.QueueTimeout });
      expect(error.message).toBe('every node that can run file.search stayed at its concurrency limit (pi-1 1/1) for 50 ms; retry later');
      expect(routing.queue.size).toBe(0);
    });

    it('waits no longer than the call deadline', async () => {
      const pending = new PendingAttempts();
      void routing.executor.execute(request(capability, { providers: one }), pending.attempt);
      const queued = routing.executor.execute(request(capability, { providers: one, deadline: clock.now() + 20 }), pending.attempt);
      await flush();
      clock.advance(20);
      expect((await errorOf(queued)).message).toContain('for 20 ms');
    });
  });
});
