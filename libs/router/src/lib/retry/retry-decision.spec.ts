import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { markNotDelivered } from '../health/delivery';
import { idempotent, readOnly, testCapability } from '../testing/route-fixtures';
import { ManualClock } from '../testing/manual-clock';
import { decideRetry, type RetryInput } from './retry-decision';
import { RetryBudget } from './retry-budget';

const lost = () => new PimcpError(ErrorCode.NodeUnavailable, 'the connection was lost during the call');
const refused = () => markNotDelivered(new PimcpError(ErrorCode.NodeUnavailable, 'connection refused'));

function input(overrides: Partial<RetryInput>): RetryInput {
  return { error: lost(), capability: testCapability('file.write'), attempts: 1, maxAttempts: 3, cancelled: false, ...overrides };
}

describe('decideRetry', () => {
  let budget: RetryBudget;
  beforeEach(() => { budget = new RetryBudget({ ratio: 0, minPerSecond: 0, maxBalance: 100 }, new ManualClock()); });
  const fill = (n: number) => { const b = new RetryBudget({ ratio: 1, minPerSecond: 0, maxBalance: 100 }, new ManualClock()); for (let i = 0; i < n; i++) b.recordCall(); return b; };

  it('never retries a call that may have run when the capability is neither idempotent nor read-only', () => {
    expect(decideRetry(input({}), fill(10))).toMatchObject({ retry: false, refusal: 'unsafe' });
  });

  it('retries a read-only or idempotent capability on a node failure', () => {
    expect(decideRetry(input({ capability: testCapability('file.read', 'light', readOnly) }), fill(10))).toEqual({ retry: true });
    expect(decideRetry(input({ capability: testCapability('kv.put', 'light', idempotent) }), fill(10))).toEqual({ retry: true });
  });

  it('retries any capability when the failure happened before the call reached the node', () => {
    expect(decideRetry(input({ error: refused() }), fill(10))).toEqual({ retry: true });
  });

  it('does not retry failures another node would repeat (tool errors, bad arguments, deadlines)', () => {
    for (const code of [ErrorCode.Internal, ErrorCode.InvalidArguments, ErrorCode.DeadlineExceeded]) {
      expect(decideRetry(input({ error: new PimcpError(code, 'x'), capability: testCapability('f.r', 'light', readOnly) }), fill(10)))
        .toMatchObject({ retry: false, refusal: 'not-retryable' });
    }
  });

  it('stops at maxAttempts, a passed deadline, a cancellation and an empty budget, and spends a token only on yes', () => {
    const cap = testCapability('f.r', 'light', readOnly);
    const b = fill(1);
    expect(decideRetry(input({ capability: cap, attempts: 3 }), b)).toMatchObject({ refusal: 'attempts' });
    expect(decideRetry(input({ capability: cap, remainingMs: 0 }), b)).toMatchObject({ refusal: 'deadline' });
    expect(decideRetry(input({ capability: cap, cancelled: true }), b)).toMatchObject({ refusal: 'cancelled' });
    expect(b.balance).toBe(1);
    expect(decideRetry(input({ capability: cap }), b)).toEqual({ retry: true });
    expect(decideRetry(input({ capability: cap }), b)).toMatchObject({ retry: false, refusal: 'budget' });
    expect(decideRetry(input({ capability: cap }), budget)).toMatchObject({ refusal: 'budget' });
  });
});
