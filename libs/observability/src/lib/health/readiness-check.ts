/**
 * One dependency an app needs to serve: ready when `check` resolves within the probe's timeout, not ready (with
 * the error's message) when it rejects or takes longer.
 */
export interface ReadinessCheck {
  /** Shown in the readiness answer, e.g. `etcd`, `redis`, `catalog`. */
  name: string;
  check(): Promise<void>;
}

/** Runs a check with a deadline, so a hung dependency makes the probe fail rather than hang. */
export async function withinDeadline(check: ReadinessCheck, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check.check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
