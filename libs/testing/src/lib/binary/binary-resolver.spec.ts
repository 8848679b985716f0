import { HarnessErrorCode, HarnessException } from '../errors/harness.exception';
import { BinaryHost } from './binary-host';
import { BinaryResolver } from './binary-resolver';

/** A machine whose PATH and apt-get behave as each test says. */
class FakeHost implements BinaryHost {
  readonly runs: string[] = [];
  onPath = new Set<string>(['apt-get']);
  root = true;
  failingRuns = new Set<string>();
  /** Commands that fail until `apt-get update` has run, like on a fresh machine. */
  staleListFailures = new Set<string>();
  installs: Record<string, string> = { 'etcd-server': 'etcd', 'redis-server': 'redis-server' };

  which(name: string): string | undefined {
    return this.onPath.has(name) ? `/usr/bin/${name}` : undefined;
  }

  isRoot(): boolean {
    return this.root;
  }

  run(command: string, args: string[]): void {
    const line = [command, ...args].join(' ');
    this.runs.push(line);
    if (line === 'apt-get update') this.staleListFailures.clear();
    if (this.failingRuns.has(line) || this.staleListFailures.has(line)) {
      throw new Error(`E: Unable to locate package ${args.at(-1)}`);
    }
    if (args[0] === 'install') this.onPath.add(this.installs[args[2]]);
  }
}

function errorOf(fn: () => unknown): HarnessException {
  try {
    fn();
  } catch (error) {
    return error as HarnessException;
  }
  throw new Error('expected a throw');
}

describe(BinaryResolver.name, () => {
  describe('resolve', () => {
    it('returns a binary already on PATH without installing, and caches it', () => {
      const host = new FakeHost();
      host.onPath.add('etcd');
      const which = jest.spyOn(host, 'which');
      const resolver = new BinaryResolver(host);

      expect(resolver.resolve('etcd')).toBe('/usr/bin/etcd');
      expect(resolver.resolve('etcd')).toBe('/usr/bin/etcd');
      expect(which).toHaveBeenCalledTimes(1);
      expect(host.runs).toEqual([]);
    });

    it('installs the Debian package as root, without apt-get update when install works', () => {
      const host = new FakeHost();

      expect(new BinaryResolver(host).resolve('etcd')).toBe('/usr/bin/etcd');
      expect(host.runs).toEqual(['apt-get install -y etcd-server']);
    });

    it('runs apt-get update and retries when the first install fails', () => {
      const host = new FakeHost();
      host.staleListFailures.add('apt-get install -y redis-server');

      expect(new BinaryResolver(host).resolve('redis-server')).toBe('/usr/bin/redis-server');
      expect(host.runs).toEqual([
        'apt-get install -y redis-server',
        'apt-get update',
        'apt-get install -y redis-server',
      ]);
    });

    it('names the Debian package to install when not root', () => {
      const host = new FakeHost();
      host.root = false;

      const error = errorOf(() => new BinaryResolver(host).resolve('etcd'));

      expect(error.code).toBe(HarnessErrorCode.BinaryMissing);
      expect(error.message).toContain('apt-get install -y etcd-server');
      expect(host.runs).toEqual([]);
    });

    it('names the Debian package to install when apt-get is missing', () => {
      const host = new FakeHost();
      host.onPath.delete('apt-get');

      const error = errorOf(() => new BinaryResolver(host).resolve('redis-server'));

      expect(error.message).toContain('Install the Debian package "redis-server"');
      expect(host.runs).toEqual([]);
    });

    it('names the Debian package and the apt-get failure when install fails after update', () => {
      const host = new FakeHost();
      host.failingRuns.add('apt-get install -y redis-server');

      const error = errorOf(() => new BinaryResolver(host).resolve('redis-server'));

      expect(error.code).toBe(HarnessErrorCode.BinaryMissing);
      expect(error.message).toContain('Unable to locate package redis-server');
      expect(error.message).toContain('Install the Debian package "redis-server"');
    });
  });
});
