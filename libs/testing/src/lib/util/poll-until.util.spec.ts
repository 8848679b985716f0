import { HarnessErrorCode, HarnessException } from '../errors/harness.exception';
import { pollUntil } from './poll-until.util';

describe(pollUntil.name, () => {
  it('resolves with the first truthy value and stops probing', async () => {
    const values = [undefined, 0, '', 'ready', 'later'];
    const probe = jest.fn(() => values.shift());

    await expect(pollUntil(probe, { intervalMs: 1 })).resolves.toBe('ready');
    expect(probe).toHaveBeenCalledTimes(4);
  });

  it('awaits async probes and treats a throw as not yet', async () => {
    let calls = 0;
    const probe = async () => {
      calls += 1;
      if (calls < 3) throw new Error('connection refused');
      return { leader: 'm1' };
    };

    await expect(pollUntil(probe, { intervalMs: 1 })).resolves.toEqual({ leader: 'm1' });
    expect(calls).toBe(3);
  });

  it('rejects after the timeout naming the description and the last error', async () => {
    let calls = 0;
    const probe = () => {
      calls += 1;
      throw new Error(`refused #${calls}`);
    };

    const error = await pollUntil(probe, { timeoutMs: 100, intervalMs: 10, description: 'etcd health' }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(HarnessException);
    expect((error as HarnessException).code).toBe(HarnessErrorCode.PollTimeout);
    expect((error as Error).message).toContain('waiting for etcd health');
    expect((error as Error).message).toContain(`last error: refused #${calls}`);
    expect(calls).toBeGreaterThan(2);
  });

  it('reports the last falsy value when the probe never threw', async () => {
    await expect(pollUntil(() => false, { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      /waiting for condition .*last value: false/,
    );
  });

  it('does not let a hanging probe outlast the timeout', async () => {
    const started = Date.now();
    const hang = () => new Promise<boolean>(() => undefined);

    await expect(pollUntil(hang, { timeoutMs: 100, description: 'a black hole' })).rejects.toThrow(
      /a black hole/,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
