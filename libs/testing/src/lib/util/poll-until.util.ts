import { HarnessErrorCode, HarnessException } from '../errors/harness.exception';
import { sleep } from './sleep.util';

export interface PollUntilOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Names the awaited condition in the timeout message, e.g. 'etcd health'. */
  description?: string;
}

const PROBE_STILL_RUNNING = Symbol('probe-still-running');

/**
 * Calls `probe` until it returns a truthy value and resolves with that value.
 * A probe that throws counts as "not yet"; its error is reported if time runs out.
 */
export async function pollUntil<T>(
  probe: () => T | Promise<T>,
  opts: PollUntilOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const intervalMs = opts.intervalMs ?? 50;
  const description = opts.description ?? 'condition';
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let lastValue: unknown;
  let attempts = 0;

  for (;;) {
    attempts += 1;
    try {
      // A probe that hangs (e.g. a TCP connect to a black hole) must not
      // stretch the caller's timeout, so each call races the deadline.
      const value = await raceDeadline(probe, deadline);
      if (value !== PROBE_STILL_RUNNING) {
        if (value) return value as NonNullable<T>;
        lastValue = value;
      }
    } catch (error) {
      lastError = error;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw timeoutError(description, timeoutMs, attempts, lastError, lastValue);
    }
    await sleep(Math.min(intervalMs, remaining));
  }
}

async function raceDeadline<T>(
  probe: () => T | Promise<T>,
  deadline: number,
): Promise<T | typeof PROBE_STILL_RUNNING> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof PROBE_STILL_RUNNING>((resolve) => {
    timer = setTimeout(() => resolve(PROBE_STILL_RUNNING), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([Promise.resolve().then(probe), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function timeoutError(
  description: string,
  timeoutMs: number,
  attempts: number,
  lastError: unknown,
  lastValue: unknown,
): HarnessException {
  const last =
    lastError === undefined
      ? `last value: ${String(lastValue)}`
      : `last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
  return new HarnessException(
    HarnessErrorCode.PollTimeout,
    `Timed out after ${timeoutMs} ms waiting for ${description} (${attempts} attempts; ${last})`,
    { cause: lastError },
  );
}
