import { HarnessErrorCode, HarnessException } from '../errors/harness.exception';
import { BinaryHost } from './binary-host';

export type BinaryName = 'etcd' | 'redis-server';

/** Debian package that ships each binary (etcd 3.4 is `etcd-server` on Debian 12). */
export const DEBIAN_PACKAGES = {
  etcd: 'etcd-server',
  'redis-server': 'redis-server',
} as const satisfies Record<BinaryName, string>;

/** Finds a server binary, installing its Debian package when this process may. */
export class BinaryResolver {
  private readonly cache = new Map<BinaryName, string>();

  constructor(private readonly host: BinaryHost) {}

  resolve(name: BinaryName): string {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const path = this.host.which(name) ?? this.install(name);
    this.cache.set(name, path);
    return path;
  }

  private install(name: BinaryName): string {
    const pkg = DEBIAN_PACKAGES[name];
    if (!this.host.isRoot() || !this.host.which('apt-get')) {
      throw this.missing(name, 'it is not on PATH and this process is not root with apt-get');
    }
    try {
      this.host.run('apt-get', ['install', '-y', pkg]);
    } catch {
      // A fresh machine has empty package lists; update only when needed
      // because it costs tens of seconds.
      try {
        this.host.run('apt-get', ['update']);
        this.host.run('apt-get', ['install', '-y', pkg]);
      } catch (error) {
        throw this.missing(name, `apt-get failed (${errorMessage(error)})`, error);
      }
    }
    const installed = this.host.which(name);
    if (!installed) throw this.missing(name, `package ${pkg} installed but ${name} is still not on PATH`);
    return installed;
  }

  private missing(name: BinaryName, why: string, cause?: unknown): HarnessException {
    const pkg = DEBIAN_PACKAGES[name];
    return new HarnessException(
      HarnessErrorCode.BinaryMissing,
      `${name} is required by the real-service tests but ${why}. ` +
        `Install the Debian package "${pkg}" (sudo apt-get install -y ${pkg}) or put ${name} on PATH.`,
      { cause },
    );
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
