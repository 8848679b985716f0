import { RestartBackoff } from './restart-backoff';

describe(RestartBackoff.name, () => {
  it('doubles the wait from initialMs up to maxMs, and starts over after reset', () => {
    const backoff = new RestartBackoff({ initialMs: 100, maxMs: 1000 });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoff.attempts).toBe(6);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });
});
