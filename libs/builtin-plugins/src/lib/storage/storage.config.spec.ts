import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { tempDir } from '../../test-support/temp-dir.util';
import { parseStorageConfig } from './storage.config';
import { storagePlugin } from './storage.plugin';

function problemsOf(raw: unknown): Array<{ path: string; message: string }> {
  try {
    parseStorageConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(PimcpError);
    expect((err as PimcpError).code).toBe(ErrorCode.InvalidRequest);
    return (err as PimcpError).problems;
  }
  throw new Error('the config was accepted');
}

describe('parseStorageConfig', () => {
  const dir = tempDir('storage-config');
  const s3 = { kind: 's3', bucket: 'sensor-data', region: 'eu-central-1', accessKeyIdEnv: 'PIMCP_TEST_CFG_KEY', secretAccessKeyEnv: 'PIMCP_TEST_CFG_SECRET' };

  beforeAll(() => {
    process.env['PIMCP_TEST_CFG_KEY'] = 'AKIATESTKEYID';
    process.env['PIMCP_TEST_CFG_SECRET'] = 'very-secret-value-0123456789';
  });

  afterAll(() => {
    delete process.env['PIMCP_TEST_CFG_KEY'];
    delete process.env['PIMCP_TEST_CFG_SECRET'];
  });

  it.each([undefined, null, {}, { stores: {} }])('names no store for an absent or empty section (%p): the plugin offers no tool', (raw) => {
    expect(storagePlugin(parseStorageConfig(raw)).tools).toEqual([]);
  });

  it('makes stores read-only by default: only storage.get and storage.list are offered', () => {
    const config = parseStorageConfig({ stores: { files: { kind: 'directory', root: dir() } } });
    expect(config.stores.get('files')).toMatchObject({ readOnly: true, maxObjectBytes: 1024 * 1024, maxListKeys: 1000, root: dir() });
    expect(storagePlugin(config).tools?.map((t) => t.name)).toEqual(['storage.get', 'storage.list']);
  });

  it('offers all four tools when one store is writable', () => {
    const config = parseStorageConfig({ stores: { files: { kind: 'directory', root: dir(), readOnly: false }, bucket: s3 } });
    const plugin = storagePlugin(config);
    expect(plugin.tools?.map((t) => t.name)).toEqual(['storage.get', 'storage.list', 'storage.put', 'storage.delete']);
    plugin.close();
  });

  it('keeps the names of credential variables, never their values', () => {
    const config = parseStorageConfig({ stores: { bucket: s3 } });
    const printed = JSON.stringify({ ...config, stores: [...config.stores.values()] });
    expect(printed).toContain('PIMCP_TEST_CFG_SECRET');
    expect(printed).not.toContain('very-secret-value');
    expect(printed).not.toContain('AKIATESTKEYID');
  });

  it('lists every problem with its field path', () => {
    writeFileSync(join(dir(), 'a-file'), '');
    const problems = problemsOf({
      stores: {
        'bad name': { kind: 'directory', root: dir() },
        nokind: { root: dir() },
        relative: { kind: 'directory', root: 'srv/objects' },
        missing: { kind: 'directory', root: join(dir(), 'nope') },
        file: { kind: 'directory', root: join(dir(), 'a-file') },
        mixed: { kind: 'directory', root: dir(), bucket: 'sensor-data' },
        big: { kind: 'directory', root: dir(), maxObjectBytes: 64 * 1024 * 1024, maxListKeys: 0 },
        bucket: { ...s3, bucket: 'Bad_Bucket', endpoint: 'https://user:pw@s3.example.com', accessKeyIdEnv: 'PIMCP_TEST_UNSET_VAR' },
        nocreds: { kind: 's3', bucket: 'sensor-data', region: 'eu-central-1' },
      },
      timeoutMs: 5,
      cache: true,
    });
    expect([...new Set(problems.map((p) => p.path))].sort()).toEqual([
      'cache', 'stores.big.maxListKeys', 'stores.big.maxObjectBytes', 'stores.bucket.accessKeyIdEnv', 'stores.bucket.bucket', 'stores.bucket.endpoint',
      'stores.file.root', 'stores.missing.root', 'stores.mixed.bucket', 'stores.nocreds.accessKeyIdEnv', 'stores.nocreds.secretAccessKeyEnv',
      'stores.nokind.kind', 'stores.relative.root', 'stores["bad name"]', 'timeoutMs',
    ]);
    const message = (path: string) => problems.find((p) => p.path === path)?.message;
    expect(message('stores.missing.root')).toBe('does not exist on this node');
    expect(message('stores.bucket.accessKeyIdEnv')).toBe('environment variable PIMCP_TEST_UNSET_VAR is not set on this node');
    expect(message('stores.bucket.endpoint')).toContain('must not hold credentials');
  });

  it('prefixes paths with where the section sits in the node config', () => {
    expect(() => parseStorageConfig({ timeoutMs: 'soon' }, 'plugins.storage')).toThrow(/plugins\.storage\.timeoutMs/);
  });
});
