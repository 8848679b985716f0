import { execFileSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BinaryHost } from './binary-host';

// Debian puts daemons in sbin dirs that a non-login PATH (CI, IDE runners) may lack.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const INSTALL_TIMEOUT_MS = 10 * 60_000;

export class SystemBinaryHost implements BinaryHost {
  which(name: string): string | undefined {
    const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
    return dirs.map((dir) => join(dir, name)).find(isExecutableFile);
  }

  isRoot(): boolean {
    return process.getuid?.() === 0;
  }

  run(command: string, args: string[]): void {
    try {
      execFileSync(command, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        timeout: INSTALL_TIMEOUT_MS,
      });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
      const tail = stderr.split('\n').slice(-5).join('\n');
      throw new Error(`${command} ${args.join(' ')} failed: ${tail || String(error)}`, { cause: error });
    }
  }
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
