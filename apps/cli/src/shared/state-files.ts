import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `pimcp up` keeps its files here, relative to the folder it runs in (ADR 0019). */
export const STATE_DIR = '.pimcp';
export const DEV_TOKEN_FILE = join(STATE_DIR, 'dev-token');
export const ENDPOINTS_FILE = join(STATE_DIR, 'endpoints.json');

/** Where a running `pimcp up` listens, so other commands in the same folder find it whatever ports it got. */
export interface UpEndpoints {
  pid: number;
  mcpUrl: string;
  registryAdminUrl: string;
  contextStatsUrl: string;
  /** With `pimcp up --tls`: the development CA (absolute path) the other commands trust for its HTTPS endpoints. */
  caFile?: string;
}

export function writeUpEndpoints(endpoints: UpEndpoints, dir = STATE_DIR): void {
  const file = join(dir, 'endpoints.json');
  // Written whole and renamed, so a reader never sees half a file.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o644 });
  renameSync(`${file}.tmp`, file);
}

/** Removes the file only when it still describes this process (a newer `pimcp up` may have replaced it). */
export function removeUpEndpoints(pid: number, dir = STATE_DIR): void {
  if (readUpEndpoints(dir, () => true)?.pid === pid) rmSync(join(dir, 'endpoints.json'), { force: true });
}

/** The endpoints of a live `pimcp up` started in this folder; undefined when there is none (or it died). */
export function readUpEndpoints(dir = STATE_DIR, isAlive: (pid: number) => boolean = processIsAlive): UpEndpoints | undefined {
  const file = join(dir, 'endpoints.json');
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<UpEndpoints>;
    if (typeof parsed.pid !== 'number' || typeof parsed.mcpUrl !== 'string' || typeof parsed.registryAdminUrl !== 'string') return undefined;
    return isAlive(parsed.pid) ? (parsed as UpEndpoints) : undefined;
  } catch {
    return undefined;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
