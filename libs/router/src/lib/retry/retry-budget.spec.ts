import { ManualClock } from '../testing/manual-clock';
import { RetryBudget } from './retry-budget';

function drain(budget: RetryBudget): number {
  let n = 0;
  while (budget.tryWithdraw()) n++;
  return n;
}

describe(RetryBudget.name, () => {
  describe('tryWithdraw', () => {
    it('allows retries of at most `ratio` of the calls made, plus the floor', () => {
      const clock = new ManualClock();
      const budget = new RetryBudget({ ratio: 0.1, minPerSecond: 0, maxBalance: 1000 }, clock);
      for (let i = 0; i < 100; i++) budget.recordCall();
      expect(drain(budget)).toBe(10);
      expect(budget.tryWithdraw()).toBe(false);
    });

    it('stops retries during an outage even when every call fails', () => {
      const clock = new ManualClock();
      const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 1, maxBalance: 10 }, clock);
      let retries = 0;
      for (let i = 0; i < 1000; i++) {
        budget.recordCall();
        if (budget.tryWithdraw()) retries++;
        clock.advance(1);
      }
      // 1000 calls in one second: 20% of them, plus the 1/s floor (and the one token it starts with).
      expect(retries).toBeLessThanOrEqual(0.2 * 1000 + 2);
      expect(retries).toBeGreaterThanOrEqual(0.2 * 1000 - 1);
    });

    it('earns minPerSecond with time alone, so a quiet gateway can still retry', () => {
      const clock = new ManualClock();
      const budget = new RetryBudget({ ratio: 0.1, minPerSecond: 2, maxBalance: 5 }, clock);
      drain(budget);
      expect(budget.tryWithdraw()).toBe(false);
      clock.advance(1000);
      expect(drain(budget)).toBe(2);
    });

    it('saves up at most maxBalance', () => {
      const clock = new ManualClock();
      const budget = new RetryBudget({ ratio: 1, minPerSecond: 1, maxBalance: 5 }, clock);
      for (let i = 0; i < 100; i++) budget.recordCall();
      clock.advance(60_000);
      expect(drain(budget)).toBe(5);
    });
  });
});
