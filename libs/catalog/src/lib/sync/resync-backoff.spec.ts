import { ResyncBackoff } from './resync-backoff';

describe(ResyncBackoff.name, () => {
  let now = 0;
  const backoff = (random = 0.999) => new ResyncBackoff({ minDelayMs: 100, maxDelayMs: 1000, random: () => random, now: () => now });

  beforeEach(() => {
    now = 0;
  });

  describe('next', () => {
    it('retries at once, then doubles up to the cap', () => {
      const b = backoff();

      expect(Array.from({ length: 7 }, () => b.next())).toEqual([0, 100, 200, 400, 800, 1000, 1000]);
    });

    it('jitters each pause down to half its ceiling', () => {
      const b = backoff(0);
      b.next();

      expect(b.next()).toBe(50);
    });

    it('keeps backing off when a watch fails again soon after a successful resnapshot', () => {
      const b = backoff();
      b.next();
      b.next();
      b.succeeded();
      now += 500;

      expect(b.next()).toBe(200);
    });

    it('starts over once a watch has held for longer than the longest pause', () => {
      const b = backoff();
      b.next();
      b.next();
      b.succeeded();
      now += 1001;

      expect(b.next()).toBe(0);
    });
  });
});
