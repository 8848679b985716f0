import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface JailFixture {
  /** The directory holding the root, the secrets next to it, and nothing else. */
  top: string;
  /** The file root the tools are jailed to. */
  root: string;
  /** False where mkfifo is missing; the FIFO test is skipped there. */
  hasFifo: boolean;
}

/**
 * A file root with ordinary files, a secret next to it, and every way we know of to reach the secret:
 * symlinks out (file and directory), a symlink loop, a FIFO, hidden and binary files.
 */
export function jailFixture(): JailFixture {
  const top = mkdtempSync(join(tmpdir(), 'pimcp-jail-'));
  const root = join(top, 'root');
  mkdirSync(join(root, 'logs/deep/deeper'), { recursive: true });
  mkdirSync(join(root, '.hidden'));
  mkdirSync(join(top, 'outside'));
  writeFileSync(join(top, 'secret.txt'), 'TOP SECRET\n');
  writeFileSync(join(top, 'outside/secret.log'), 'error: TOP SECRET\n');
  writeFileSync(join(root, 'notes.md'), 'first line\nerror: disk full\nlast line\n');
  writeFileSync(join(root, 'logs/app.log'), 'ok\nerror: timeout\n');
  writeFileSync(join(root, 'logs/deep/old.log'), 'error: ancient\n');
  writeFileSync(join(root, 'logs/deep/deeper/oldest.log'), 'error: prehistoric\n');
  writeFileSync(join(root, '.hidden/env.log'), 'error: hidden\n');
  writeFileSync(join(root, 'image.bin'), Buffer.from([0x89, 0x50, 0x00, 0x01, 0x02]));
  writeFileSync(join(root, 'utf8.txt'), 'a✓b😀\n');
  writeFileSync(join(root, 'evil.txt'), `${'a'.repeat(40)}!\n`);
  symlinkSync(join(top, 'secret.txt'), join(root, 'link-to-secret'));
  symlinkSync(top, join(root, 'link-to-top'));
  symlinkSync(join(top, 'outside'), join(root, 'linked-dir'));
  symlinkSync(join(root, 'notes.md'), join(root, 'link-inside'));
  symlinkSync(join(root, 'loop'), join(root, 'loop'));
  let hasFifo = true;
  try {
    execFileSync('mkfifo', [join(root, 'pipe')]);
  } catch {
    hasFifo = false;
  }
  return { top, root, hasFifo };
}
