import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh real-path temp directory per test file, removed after all its tests. */
export function tempDir(prefix: string): () => string {
  let dir = '';
  beforeAll(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), `pimcp-${prefix}-`)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}
