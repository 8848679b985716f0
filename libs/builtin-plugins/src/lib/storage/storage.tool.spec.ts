import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import crypto from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runTool, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { ErrorCode } from '@pimcp/protocol';
import S3rver from 's3rver';
import { resultText } from '../../test-support/result-text.util';
import { tempDir } from '../../test-support/temp-dir.util';
import { toolContext } from '../../test-support/tool-context';
import { parseStorageConfig } from './storage.config';
import { storagePlugin, type StoragePlugin } from './storage.plugin';

/** One store kind behind the same two stores: "rw" (writable, 1024-byte objects, 3 keys per page) and "ro". */
interface StoreFixture {
  start(): Promise<void>;
  stop(): Promise<void>;
  stores(): Record<string, Record<string, unknown>>;
  /** Writes an object behind the tools' back: into the read-only store, or over the size limit. */
  seed(store: 'rw' | 'ro', key: string, data: Buffer): Promise<void>;
  read(store: 'rw' | 'ro', key: string): Promise<Buffer | undefined>;
}

const LIMITS = { maxObjectBytes: 1024, maxListKeys: 3 };
const S3_ENV = { accessKeyIdEnv: 'PIMCP_TEST_S3_KEY', secretAccessKeyEnv: 'PIMCP_TEST_S3_SECRET' };

function directoryFixture(): StoreFixture {
  let base = '';
  const root = (store: string) => join(base, store);
  return {
    async start() {
      base = realpathSync(mkdtempSync(join(tmpdir(), 'pimcp-storage-dir-')));
      mkdirSync(root('rw'));
      mkdirSync(root('ro'));
    },
    async stop() {
      rmSync(base, { recursive: true, force: true });
    },
    stores: () => ({
      rw: { kind: 'directory', root: root('rw'), readOnly: false, ...LIMITS },
      ro: { kind: 'directory', root: root('ro') },
    }),
    async seed(store, key, data) {
      mkdirSync(dirname(join(root(store), key)), { recursive: true });
      writeFileSync(join(root(store), key), data);
    },
    async read(store, key) {
      const path = join(root(store), key);
      return existsSync(path) ? readFileSync(path) : undefined;
    },
  };
}

function s3Fixture(): StoreFixture {
  let server: S3rver | undefined;
  let directory = '';
  let endpoint = '';
  let client: S3Client | undefined;
  const bucket = (store: string) => (store === 'rw' ? 'test-bucket' : 'ro-bucket');
  return {
    async start() {
      runSingleDesAsTripleDes();
      process.env[S3_ENV.accessKeyIdEnv] = 'S3RVER';
      process.env[S3_ENV.secretAccessKeyEnv] = 'S3RVER';
      directory = mkdtempSync(join(tmpdir(), 'pimcp-s3rver-'));
      server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: 'test-bucket' }, { name: 'ro-bucket' }] });
      const { port } = await server.run();
      endpoint = `http://127.0.0.1:${port}`;
      client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    },
    async stop() {
      client?.destroy();
      await server?.close();
      rmSync(directory, { recursive: true, force: true });
      delete process.env[S3_ENV.accessKeyIdEnv];
      delete process.env[S3_ENV.secretAccessKeyEnv];
      jest.restoreAllMocks();
    },
    stores: () => ({
      rw: { kind: 's3', bucket: 'test-bucket', region: 'us-east-1', endpoint, forcePathStyle: true, readOnly: false, ...S3_ENV, ...LIMITS },
      ro: { kind: 's3', bucket: 'ro-bucket', region: 'us-east-1', endpoint, forcePathStyle: true, ...S3_ENV },
    }),
    async seed(store, key, data) {
      await client?.send(new PutObjectCommand({ Bucket: bucket(store), Key: key, Body: data }));
    },
    async read(store, key) {
      try {
        const response = await client?.send(new GetObjectCommand({ Bucket: bucket(store), Key: key }));
        return Buffer.from((await response?.Body?.transformToByteArray()) ?? []);
      } catch (err) {
        if ((err as Error).name === 'NoSuchKey') return undefined;
        throw err;
      }
    },
  };
}

/**
 * s3rver 3.7.1 makes the continuation token of every truncated listing with single DES, which OpenSSL 3
 * (Node >= 17) no longer offers, so it answers 500. Triple DES with the key repeated three times is the
 * same cipher and is still offered: the fake server then lists truncated pages as S3 does.
 */
function runSingleDesAsTripleDes(): void {
  const createCipheriv = crypto.createCipheriv;
  jest.spyOn(crypto, 'createCipheriv').mockImplementation(((algorithm: string, key: Buffer, iv: Buffer) =>
    algorithm === 'des' ? createCipheriv('des-ede3-cbc', Buffer.concat([key, key, key]), iv) : createCipheriv(algorithm, key, iv)) as typeof crypto.createCipheriv);
}

function toolCaller(plugin: () => StoragePlugin) {
  return (name: string, args: Record<string, unknown>): Promise<ToolResult> => {
    const tool = plugin().tools?.find((t) => t.name === name) as ToolDefinition;
    return runTool(tool, args, toolContext());
  };
}

const structured = <T = Record<string, unknown>>(result: ToolResult) => result.structuredContent as T;

describe.each([
  ['directory', directoryFixture()],
  ['s3', s3Fixture()],
])('storage tools on a %s store', (_kind, fixture) => {
  let plugin: StoragePlugin;
  const call = toolCaller(() => plugin);

  beforeAll(async () => {
    await fixture.start();
    plugin = storagePlugin(parseStorageConfig({ stores: fixture.stores(), timeoutMs: 10_000 }));
    await fixture.seed('ro', 'seed.txt', Buffer.from('seeded'));
  });

  afterAll(async () => {
    plugin.close();
    await fixture.stop();
  });

  it('puts and gets text, under nested keys', async () => {
    const put = await call('storage.put', { store: 'rw', key: 'notes/2024/hello.txt', content: 'héllo wörld' });
    expect(structured(put)).toMatchObject({ store: 'rw', key: 'notes/2024/hello.txt', bytes: 13 });
    const got = structured(await call('storage.get', { store: 'rw', key: 'notes/2024/hello.txt' }));
    expect(got).toMatchObject({ content: 'héllo wörld', encoding: 'utf8', bytes: 13 });
    expect(typeof got['lastModified']).toBe('string');
    expect((await fixture.read('rw', 'notes/2024/hello.txt'))?.toString()).toBe('héllo wörld');
  });

  it('puts and gets binary content as base64, and says when it is not text', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]);
    await call('storage.put', { store: 'rw', key: 'bin/blob.dat', content: bytes.toString('base64'), encoding: 'base64' });
    expect(await fixture.read('rw', 'bin/blob.dat')).toEqual(bytes);
    expect(structured(await call('storage.get', { store: 'rw', key: 'bin/blob.dat' }))).toMatchObject({ content: 'AP/+gEE=', encoding: 'base64', bytes: 5 });
    const asText = await call('storage.get', { store: 'rw', key: 'bin/blob.dat', encoding: 'utf8' });
    expect(asText.isError).toBe(true);
    expect(resultText(asText)).toBe('object "bin/blob.dat" is not valid UTF-8 text; ask again with encoding "base64"');
    expect(structured(await call('storage.get', { store: 'rw', key: 'notes/2024/hello.txt', encoding: 'base64' }))).toMatchObject({ encoding: 'base64', content: Buffer.from('héllo wörld').toString('base64') });
  });

  it('refuses content that is not canonical base64, writing nothing', async () => {
    const result = await call('storage.put', { store: 'rw', key: 'bin/bad.dat', content: 'AP/+g*E=', encoding: 'base64' });
    expect(resultText(result)).toContain('content is not valid base64');
    expect(await fixture.read('rw', 'bin/bad.dat')).toBeUndefined();
  });

  it('replaces an object put twice', async () => {
    await call('storage.put', { store: 'rw', key: 'twice.txt', content: 'first version' });
    await call('storage.put', { store: 'rw', key: 'twice.txt', content: 'second' });
    expect(structured(await call('storage.get', { store: 'rw', key: 'twice.txt' }))).toMatchObject({ content: 'second', bytes: 6 });
  });

  it('lists keys in ascending order, under a prefix, a page at a time', async () => {
    for (const key of ['list/b', 'list/a/c', 'list/a0', 'list/a/b']) await call('storage.put', { store: 'rw', key, content: key });
    const keys = (result: ToolResult) => structured<{ objects: Array<{ key: string }> }>(result).objects.map((o) => o.key);
    const first = await call('storage.list', { store: 'rw', prefix: 'list/', maxKeys: 2 });
    expect(keys(first)).toEqual(['list/a/b', 'list/a/c']);
    expect(structured(first)).toMatchObject({ truncated: true, nextStartAfter: 'list/a/c' });
    const second = await call('storage.list', { store: 'rw', prefix: 'list/', maxKeys: 2, startAfter: 'list/a/c' });
    expect(keys(second)).toEqual(['list/a0', 'list/b']);
    expect(structured(second)['truncated']).toBe(false);
    expect(structured(second)['nextStartAfter']).toBeUndefined();
    expect(keys(await call('storage.list', { store: 'rw', prefix: 'list/a/' }))).toEqual(['list/a/b', 'list/a/c']);
    expect(structured<{ objects: unknown[] }>(await call('storage.list', { store: 'rw', prefix: 'list/a/' })).objects[0]).toMatchObject({ key: 'list/a/b', size: 8 });
  });

  it("caps a page at the store's maxListKeys", async () => {
    const page = structured<{ objects: unknown[]; truncated: boolean }>(await call('storage.list', { store: 'rw', prefix: 'list/', maxKeys: 50 }));
    expect(page.objects).toHaveLength(3);
    expect(page.truncated).toBe(true);
  });

  it('deletes an object, and deleting it again succeeds', async () => {
    await call('storage.put', { store: 'rw', key: 'gone/soon.txt', content: 'bye' });
    expect((await call('storage.delete', { store: 'rw', key: 'gone/soon.txt' })).isError).toBeUndefined();
    expect(await fixture.read('rw', 'gone/soon.txt')).toBeUndefined();
    const get = await call('storage.get', { store: 'rw', key: 'gone/soon.txt' });
    expect(resultText(get)).toBe('no object "gone/soon.txt" in store "rw"');
    expect((await call('storage.delete', { store: 'rw', key: 'gone/soon.txt' })).isError).toBeUndefined();
    expect(structured<{ objects: unknown[] }>(await call('storage.list', { store: 'rw', prefix: 'gone/' })).objects).toEqual([]);
  });

  it('puts an object of exactly the size limit and refuses one byte more, writing nothing', async () => {
    expect(structured(await call('storage.put', { store: 'rw', key: 'size/max.txt', content: 'x'.repeat(1024) }))['bytes']).toBe(1024);
    const over = await call('storage.put', { store: 'rw', key: 'size/over.txt', content: 'é'.repeat(512) + 'x' });
    expect(over.isError).toBe(true);
    expect(resultText(over)).toBe('the content is 1025 bytes; store "rw" takes objects of at most 1024 bytes. Nothing was written.');
    expect(await fixture.read('rw', 'size/over.txt')).toBeUndefined();
  });

  it('refuses to get an object over the size limit', async () => {
    await fixture.seed('rw', 'size/huge.bin', Buffer.alloc(5000, 1));
    const result = await call('storage.get', { store: 'rw', key: 'size/huge.bin' });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toBe('object "size/huge.bin" is 5000 bytes, more than the 1024 bytes store "rw" returns per call; it was not read past the limit');
  });

  it.each([
    ['a parent segment', '../outside.txt'],
    ['a parent segment inside the key', 'a/../../outside.txt'],
    ['an absolute path', '/etc/passwd'],
    ['an empty segment', 'a//b.txt'],
    ['a dot segment', 'a/./b.txt'],
    ['a trailing "/"', 'folder/'],
    ['a control character', 'a\u0007b'],
    ['a space', 'a b.txt'],
  ])('refuses a key with %s for every tool', async (_label, key) => {
    for (const [name, args] of [
      ['storage.get', { store: 'rw', key }],
      ['storage.put', { store: 'rw', key, content: 'x' }],
      ['storage.delete', { store: 'rw', key }],
    ] as const) {
      const result = await call(name, args);
      expect(result.isError).toBe(true);
      expect(resultText(result)).toMatch(/^key ".*" (is refused|starts with|ends with|has)/);
    }
  });

  it('reads a read-only store but refuses to write or delete in it', async () => {
    expect(structured(await call('storage.get', { store: 'ro', key: 'seed.txt' }))['content']).toBe('seeded');
    expect(structured<{ objects: Array<{ key: string }> }>(await call('storage.list', { store: 'ro' })).objects.map((o) => o.key)).toEqual(['seed.txt']);
    for (const [name, args] of [['storage.put', { store: 'ro', key: 'seed.txt', content: 'changed' }], ['storage.delete', { store: 'ro', key: 'seed.txt' }]] as const) {
      const result = await call(name, args);
      expect(result.isError).toBe(true);
      expect(resultText(result)).toBe('store "ro" is read-only on this node (readOnly is on); writable stores: rw. The node operator turns writes on with readOnly: false.');
    }
    expect((await fixture.read('ro', 'seed.txt'))?.toString()).toBe('seeded');
  });

  it('refuses an unknown store, and arguments outside the schema', async () => {
    expect(resultText(await call('storage.get', { store: 'secrets', key: 'a' }))).toBe('no store named "secrets" on this node; stores: rw, ro');
    await expect(call('storage.get', { store: 'rw', key: 'a', path: '/etc/passwd' })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(call('storage.list', { store: 'rw', maxKeys: 1001 })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(call('storage.put', { store: 'rw', key: 'a', content: 'x'.repeat(1400) })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
  });
});

describe('storage tools on a directory store: the path jail', () => {
  const dir = tempDir('storage-jail');
  let plugin: StoragePlugin;
  const call = toolCaller(() => plugin);
  const root = () => join(dir(), 'root');
  const outside = () => join(dir(), 'outside');

  beforeAll(() => {
    mkdirSync(join(root(), 'real'), { recursive: true });
    mkdirSync(outside());
    writeFileSync(join(outside(), 'secret.txt'), 'top secret');
    writeFileSync(join(root(), 'real', 'inside.txt'), 'inside');
    symlinkSync(outside(), join(root(), 'out'));
    symlinkSync(join(outside(), 'secret.txt'), join(root(), 'secret-link.txt'));
    symlinkSync(join(root(), 'real'), join(root(), 'alias'));
    symlinkSync(join(root(), 'real', 'inside.txt'), join(root(), 'inside-link.txt'));
    plugin = storagePlugin(parseStorageConfig({ stores: { files: { kind: 'directory', root: root(), readOnly: false } } }));
  });

  it.each([
    ['a folder symlink', 'out/secret.txt'],
    ['a file symlink', 'secret-link.txt'],
  ])('refuses to read through %s that leads out of the root', async (_label, key) => {
    const result = await call('storage.get', { store: 'files', key });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toBe(`"${key}" leads through a symlink outside the root of store "files"; refused. Keys may only reach files inside the store.`);
    expect(resultText(result)).not.toContain('top secret');
  });

  it('refuses to write or delete through a symlink that leads out, touching nothing outside', async () => {
    const put = await call('storage.put', { store: 'files', key: 'out/planted.txt', content: 'x' });
    expect(resultText(put)).toBe('"out" leads through a symlink outside the root of store "files"; refused. Keys may only reach files inside the store.');
    const nested = await call('storage.put', { store: 'files', key: 'out/new/deeper.txt', content: 'x' });
    expect(nested.isError).toBe(true);
    const del = await call('storage.delete', { store: 'files', key: 'out/secret.txt' });
    expect(del.isError).toBe(true);
    expect(readdirSync(outside())).toEqual(['secret.txt']);
  });

  it('follows symlinks that stay inside the root', async () => {
    expect(structured(await call('storage.get', { store: 'files', key: 'alias/inside.txt' }))['content']).toBe('inside');
    expect(structured(await call('storage.get', { store: 'files', key: 'inside-link.txt' }))['content']).toBe('inside');
    await call('storage.put', { store: 'files', key: 'alias/via-alias.txt', content: 'through the alias' });
    expect(existsSync(join(root(), 'real', 'via-alias.txt'))).toBe(true);
  });

  it('lists regular files and symlinks to files inside the root, nothing that leads out', async () => {
    const keys = structured<{ objects: Array<{ key: string }> }>(await call('storage.list', { store: 'files' })).objects.map((o) => o.key);
    expect(keys).toEqual(['inside-link.txt', 'real/inside.txt', 'real/via-alias.txt']);
  });

  // S3 sorts keys by their bytes, so "a-b" ("-" is 0x2d) comes before "a/b" ("/" is 0x2f), although a
  // plain walk of the folders would give "a/" first. (s3rver, used for the S3 specs, walks; S3 does not.)
  it('lists in S3 byte order across folder boundaries, and pages across them', async () => {
    for (const key of ['order/a/b', 'order/a-b', 'order/a/c', 'order/a0']) await call('storage.put', { store: 'files', key, content: key });
    const keys = (args: Record<string, unknown>) => call('storage.list', { store: 'files', prefix: 'order/', ...args })
      .then((result) => structured<{ objects: Array<{ key: string }> }>(result).objects.map((o) => o.key));
    expect(await keys({})).toEqual(['order/a-b', 'order/a/b', 'order/a/c', 'order/a0']);
    expect(await keys({ startAfter: 'order/a-b', maxKeys: 1 })).toEqual(['order/a/b']);
    expect(await keys({ startAfter: 'order/a/b' })).toEqual(['order/a/c', 'order/a0']);
    expect(await keys({ startAfter: 'order/a/c' })).toEqual(['order/a0']);
  });

  it('writes by renaming a complete temp file over the object, leaving no temp file behind', async () => {
    await call('storage.put', { store: 'files', key: 'atomic/a.txt', content: 'one' });
    const before = statSync(join(root(), 'atomic', 'a.txt')).ino;
    await call('storage.put', { store: 'files', key: 'atomic/a.txt', content: 'two' });
    // A new inode: the old file was replaced whole, never truncated and rewritten in place.
    expect(statSync(join(root(), 'atomic', 'a.txt')).ino).not.toBe(before);
    expect(readdirSync(join(root(), 'atomic'))).toEqual(['a.txt']);
  });

  it('refuses a key below an object, and a key naming a folder', async () => {
    await call('storage.put', { store: 'files', key: 'plain.txt', content: 'x' });
    expect(resultText(await call('storage.put', { store: 'files', key: 'plain.txt/child', content: 'x' }))).toBe('"plain.txt" is an object in store "files", so "plain.txt/child" cannot be below it');
    expect(resultText(await call('storage.get', { store: 'files', key: 'real' }))).toBe('"real" is a folder in store "files", not an object; list it with prefix "real/"');
    expect(resultText(await call('storage.put', { store: 'files', key: 'real', content: 'x' }))).toBe('"real" is a folder in store "files"; an object cannot replace it');
    expect(readdirSync(root()).filter((name) => name.includes('~'))).toEqual([]);
  });

  it('removes the folders a delete leaves empty', async () => {
    await call('storage.put', { store: 'files', key: 'deep/er/est.txt', content: 'x' });
    expect(structured(await call('storage.delete', { store: 'files', key: 'deep/er/est.txt' }))).toEqual({ store: 'files', key: 'deep/er/est.txt', existed: true });
    expect(existsSync(join(root(), 'deep'))).toBe(false);
    expect(structured(await call('storage.delete', { store: 'files', key: 'deep/er/est.txt' }))['existed']).toBe(false);
  });
});

describe('storage tools on an s3 store: failures', () => {
  let hanging: Server;
  const sockets = new Set<Socket>();
  let hangingPort = 0;
  let closedPort = 0;

  beforeAll(async () => {
    process.env[S3_ENV.accessKeyIdEnv] = 'S3RVER';
    process.env[S3_ENV.secretAccessKeyEnv] = 'S3RVER';
    // Accepts connections and never answers.
    hanging = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    hangingPort = (hanging.address() as { port: number }).port;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedPort = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => hanging.close(resolve));
    delete process.env[S3_ENV.accessKeyIdEnv];
    delete process.env[S3_ENV.secretAccessKeyEnv];
  });

  function pluginFor(port: number, timeoutMs = 10_000): StoragePlugin {
    return storagePlugin(parseStorageConfig({
      stores: { remote: { kind: 's3', bucket: 'test-bucket', region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, ...S3_ENV } },
      timeoutMs,
    }));
  }

  it('says the store could not be reached when nothing listens', async () => {
    const plugin = pluginFor(closedPort);
    const result = await toolCaller(() => plugin)('storage.get', { store: 'remote', key: 'a.txt' });
    plugin.close();
    expect(resultText(result)).toBe('store "remote" could not be reached (ECONNREFUSED); try again later');
  });

  it('ends a call the store does not answer at the time limit', async () => {
    const plugin = pluginFor(hangingPort, 300);
    const started = Date.now();
    const result = await toolCaller(() => plugin)('storage.list', { store: 'remote' });
    plugin.close();
    expect(resultText(result)).toBe('store "remote" did not finish within 300 ms; try again later');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
