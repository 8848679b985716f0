import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { ReplayCache } from './replay-cache';

describe('ReplayCache', () => {
  it('refuses an id it has seen until that id expires, then accepts it again', () => {
    let now = 1000;
    const cache = new ReplayCache({ maxEntries: 10, now: () => now });
    cache.claim('a', 2000);
    expect(() => cache.claim('a', 2000)).toThrow(expect.objectContaining({ code: ErrorCode.InvocationUnauthorized, message: expect.stringContaining('replay') }));
    now = 2001;
    expect(() => cache.claim('a', 3000)).not.toThrow();
  });

  it('stays within its bound: drops expired ids when full and refuses (NODE_UNAVAILABLE, not run) when all are live', () => {
    let now = 0;
    const cache = new ReplayCache({ maxEntries: 2, now: () => now });
    cache.claim('a', 100);
    cache.claim('b', 500);
    now = 200; // a expired, b live
    cache.claim('c', 600);
    expect(cache.size).toBe(2);
    let refusal: unknown;
    try {
      cache.claim('d', 700);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(PimcpError);
    expect((refusal as PimcpError).code).toBe(ErrorCode.NodeUnavailable);
    expect((refusal as PimcpError).notRun).toBe(true);
    expect((refusal as PimcpError).message).toContain('PIMCP_NODE_INVOCATION_REPLAY_CACHE_SIZE');
    expect(cache.size).toBe(2);
  });
});
