import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readUpEndpoints, removeUpEndpoints, writeUpEndpoints } from './state-files';

describe('pimcp up endpoints file', () => {
  const endpoints = { pid: process.pid, mcpUrl: 'http://127.0.0.1:1234/mcp', registryAdminUrl: 'http://127.0.0.1:1235', contextStatsUrl: 'http://127.0.0.1:1236' };

  it('reads back what a live pimcp up wrote', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pimcp-state-'));
    writeUpEndpoints(endpoints, dir);
    expect(readUpEndpoints(dir)).toEqual(endpoints);
  });

  it('ignores the file of a pimcp up that died, and a file that is not ours', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pimcp-state-'));
    writeUpEndpoints(endpoints, dir);
    expect(readUpEndpoints(dir, () => false)).toBeUndefined();
    writeFileSync(join(dir, 'endpoints.json'), '{"pid": "x"}');
    expect(readUpEndpoints(dir)).toBeUndefined();
    writeFileSync(join(dir, 'endpoints.json'), 'not json');
    expect(readUpEndpoints(dir)).toBeUndefined();
    expect(readUpEndpoints(join(dir, 'nowhere'))).toBeUndefined();
  });

  it('removes the file only for the process that wrote it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pimcp-state-'));
    writeUpEndpoints(endpoints, dir);
    removeUpEndpoints(process.pid + 1, dir);
    expect(existsSync(join(dir, 'endpoints.json'))).toBe(true);
    removeUpEndpoints(process.pid, dir);
    expect(existsSync(join(dir, 'endpoints.json'))).toBe(false);
  });
});
