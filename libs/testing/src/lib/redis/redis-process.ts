import { join } from 'node:path';
import { ensureBinary } from '../binary/ensure-binary.util';
import { HarnessErrorCode, HarnessException } from '../errors/harness.exception';
import { freePort } from '../net/free-port.util';
import { ManagedProcess } from '../process/managed-process';
import { retryPortRace } from '../util/retry-port-race.util';
import { makeTempDir, removeDir } from '../util/temp-dir.util';
import { redisPing } from './redis-ping.util';

export interface RedisProcessOptions {
  /** AOF with fsync on every write, so a key survives kill() + restart(). */
  appendOnly?: boolean;
  password?: string;
  /** More redis-server arguments, e.g. a TLS port and ACL users (`--tls-port`, `--user`). */
  extraArgs?: string[];
}

/** One redis-server on loopback with its own dir, for real-Redis tests. */
export class RedisProcess {
  /** `redis://127.0.0.1:port`, with `:password@` when a password is set. */
  readonly url: string;
  /** Holds redis.log and, with appendOnly, the AOF; kept across kill() and restart(). */
  readonly dir: string;
  private readonly process: ManagedProcess;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly port: number,
    private readonly opts: RedisProcessOptions,
  ) {
    const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
    this.url = `redis://${auth}127.0.0.1:${port}`;
    this.dir = makeTempDir('redis');
    this.process = new ManagedProcess({
      label: `redis-server on port ${port}`,
      binary: ensureBinary('redis-server'),
      args: redisArgs(port, this.dir, opts),
      logPath: join(this.dir, 'redis.log'),
    });
  }

  static start(opts: RedisProcessOptions = {}): Promise<RedisProcess> {
    return retryPortRace(async () => {
      const redis = new RedisProcess(await freePort(), opts);
      try {
        await redis.waitReady();
      } catch (error) {
        if (error instanceof HarnessException && error.retryable) removeDir(redis.dir);
        throw error;
      }
      return redis;
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Kills Redis (SIGKILL by default, like a crash) and waits; the dir stays for restart(). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.process.kill(signal);
  }

  /** Starts Redis again on the same port and dir, so an AOF is replayed. */
  async restart(): Promise<void> {
    if (this.stopping) {
      throw new HarnessException(
        HarnessErrorCode.AlreadyStopped,
        `redis-server on port ${this.port} was stopped; start a new one`,
      );
    }
    await this.process.kill('SIGTERM');
    await this.waitReady();
  }

  /** Stops Redis gracefully and deletes its dir. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= this.process.kill('SIGTERM').then(() => removeDir(this.dir));
    return this.stopping;
  }

  logTail(lines?: number): string {
    return this.process.logTail(lines);
  }

  private waitReady(): Promise<void> {
    return this.process.start(() => redisPing(this.port, this.opts.password));
  }
}

function redisArgs(port: number, dir: string, opts: RedisProcessOptions): string[] {
  const persistence = opts.appendOnly
    ? ['--appendonly', 'yes', '--appendfsync', 'always']
    : // No RDB snapshot either, so data really is gone after a restart.
      ['--appendonly', 'no', '--save', ''];
  return [
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
    ...['--daemonize', 'no', '--logfile', '', '--loglevel', 'notice'],
    ...persistence,
    ...(opts.password ? ['--requirepass', opts.password] : []),
    ...(opts.extraArgs ?? []),
  ];
}
