import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Certificates for the TLS case only; the harness itself imports no other @pimcp lib.
import { loadDevCa, writeDevCertificate, writeDevCertificates } from '@pimcp/tls';
import { Etcd3, type IOptions } from 'etcd3';
import { EtcdProcess } from './etcd-process';

// Short deadlines so a call to a dead etcd fails in about a second, not 30.
function clientFor(url: string): Etcd3 {
  return new Etcd3({ hosts: url, dialTimeout: 1_000, defaultCallOptions: () => ({ deadline: Date.now() + 1_000 }) });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe(EtcdProcess.name, () => {
  let etcd: EtcdProcess;
  const clients: Etcd3[] = [];
  const connect = (): Etcd3 => {
    const client = clientFor(etcd.clientUrl);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    etcd = await EtcdProcess.start({ name: 'solo' });
  });

  afterAll(async () => {
    clients.forEach((client) => client.close());
    await etcd.stop();
  });

  describe('start', () => {
    it('serves put and get on a loopback clientUrl', async () => {
      const client = connect();

      await client.put('harness/greeting').value('hello');

      expect(etcd.clientUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(etcd.pid).toEqual(expect.any(Number));
      expect(await client.get('harness/greeting').string()).toBe('hello');
    });
  });

  describe('kill', () => {
    it('ends the process so client calls fail', async () => {
      const pid = etcd.pid as number;

      await etcd.kill();

      expect(etcd.pid).toBeUndefined();
      expect(isAlive(pid)).toBe(false);
      await expect(connect().get('harness/greeting').string()).rejects.toThrow();
    });
  });

  describe('restart', () => {
    it('comes back on the same clientUrl with the data written before the kill', async () => {
      const urlBefore = etcd.clientUrl;

      await etcd.restart();

      expect(etcd.clientUrl).toBe(urlBefore);
      expect(await connect().get('harness/greeting').string()).toBe('hello');
    });
  });

  describe('stop', () => {
    it('ends the process, removes its files and can be called again', async () => {
      const other = await EtcdProcess.start();
      const pid = other.pid as number;

      await other.stop();
      await other.stop();

      expect(isAlive(pid)).toBe(false);
      expect(existsSync(other.rootDir)).toBe(false);
      await expect(other.restart()).rejects.toThrow(/was stopped/);
    });
  });
});

describe(`${EtcdProcess.name} with tls`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pimcp-etcd-harness-tls-'));
  let etcd: EtcdProcess;
  let files: { caFile: string; certFile: string; keyFile: string };
  const clients: Etcd3[] = [];
  const connect = (options: IOptions): Etcd3 => {
    const client = new Etcd3({ dialTimeout: 1_000, defaultCallOptions: () => ({ deadline: Date.now() + 1_000 }), ...options });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    const set = await writeDevCertificates({ dir, nodeIds: [] });
    const server = await writeDevCertificate(await loadDevCa(dir), dir, 'etcd', { commonName: 'etcd', hosts: ['127.0.0.1'], serverAuth: true });
    files = { caFile: set.caFile, certFile: set.files['registry']?.certFile ?? '', keyFile: set.files['registry']?.keyFile ?? '' };
    etcd = await EtcdProcess.start({ name: 'tls', tls: { caFile: set.caFile, certFile: server.certFile, keyFile: server.keyFile } });
  });

  afterAll(async () => {
    clients.forEach((client) => client.close());
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves https only, to clients with a certificate from the CA', async () => {
    const credentials = { rootCertificate: readFileSync(files.caFile), certChain: readFileSync(files.certFile), privateKey: readFileSync(files.keyFile) };
    await connect({ hosts: etcd.clientUrl, credentials }).put('harness/tls').value('yes');

    expect(etcd.clientUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await connect({ hosts: etcd.clientUrl, credentials }).get('harness/tls').string()).toBe('yes');
    await expect(connect({ hosts: etcd.clientUrl, credentials: { rootCertificate: credentials.rootCertificate } }).get('harness/tls').string()).rejects.toThrow();
    await expect(connect({ hosts: etcd.clientUrl.replace('https:', 'http:') }).get('harness/tls').string()).rejects.toThrow();
  });
});
