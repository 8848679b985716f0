import { ChildProcess } from 'node:child_process';

/**
 * Every server the harness spawns, so none outlives the test process.
 *
 * The exit hook covers scripts and plain Node. Under Jest, `process` inside a
 * test file is a sandbox copy whose 'exit' never fires, so ManagedProcess also
 * spawns through `setpriv --pdeathsig KILL`: the kernel then kills the server
 * when the test process dies, even by SIGKILL.
 */
export class ChildProcessRegistry {
  static readonly shared = new ChildProcessRegistry();

  private readonly children = new Set<ChildProcess>();
  private hooked = false;

  get size(): number {
    return this.children.size;
  }

  track(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    if (!this.hooked) {
      this.hooked = true;
      process.once('exit', () => this.killAll());
    }
  }

  /** Synchronous on purpose: an 'exit' listener cannot await. */
  killAll(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          child.kill('SIGKILL');
        } catch {
          // Already gone between the check and the kill; nothing to clean up.
        }
      }
    }
    this.children.clear();
  }
}
