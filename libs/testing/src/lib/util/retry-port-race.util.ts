import { HarnessException } from '../errors/harness.exception';

/**
 * Runs a fresh start, and once more if it lost a race for a port that
 * freePort() had reported free. Restarts must not use this: they keep ports.
 */
export async function retryPortRace<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof HarnessException && error.retryable) return attempt();
    throw error;
  }
}
