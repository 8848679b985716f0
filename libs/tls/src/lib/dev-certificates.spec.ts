import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevCa } from './dev-ca';
import { ensureDevCertificates, loadDevCa, writeDevCertificate, writeDevCertificates } from './dev-certificates';
import { nodeIdsOf } from './node-identity';

describe('writeDevCertificates', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'pimcp-certs-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('issues a CA and certificates for each service and node, chained to the CA, keys readable by the owner only', async () => {
    const out = join(dir, 'certs');
    const written = await writeDevCertificates({ dir: out, nodeIds: ['pi-1'], hosts: ['gw.example', '10.0.0.5'] });
    const ca = new X509Certificate(readFileSync(written.caFile));
    expect(ca.ca).toBe(true);
    expect(Object.keys(written.files).sort()).toEqual(['context-sync', 'gateway', 'node-pi-1', 'registry']);
    for (const files of Object.values(written.files)) {
      const cert = new X509Certificate(readFileSync(files.certFile));
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.checkHost('gw.example')).toBe('gw.example');
      expect(cert.checkIP('10.0.0.5')).toBe('10.0.0.5');
      expect(cert.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
      expect(statSync(files.keyFile).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(out, 'ca.key')).mode & 0o777).toBe(0o600);
    const node = new X509Certificate(readFileSync(written.files['node-pi-1']?.certFile ?? ''));
    expect(nodeIdsOf({ subjectaltname: node.subjectAltName ?? '' })).toEqual(['pi-1']);
    expect(nodeIdsOf({ subjectaltname: new X509Certificate(readFileSync(written.files['gateway']?.certFile ?? '')).subjectAltName ?? '' })).toEqual([]);
  });

  it('refuses to overwrite an existing set without force', async () => {
    await writeDevCertificates({ dir, nodeIds: [] });
    const before = readFileSync(join(dir, 'ca.crt'), 'utf8');
    await expect(writeDevCertificates({ dir, nodeIds: [] })).rejects.toThrow(/already exists: pass --force/);
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(before);
    await writeDevCertificates({ dir, nodeIds: [], force: true });
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).not.toBe(before);
  });
});

describe('ensureDevCertificates', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'pimcp-certs-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the whole set when the directory has no CA', async () => {
    const written = await ensureDevCertificates({ dir, nodeIds: ['local'] });
    expect(written.issued.sort()).toEqual(['context-sync', 'gateway', 'node-local', 'registry']);
  });

  it('keeps an existing set and issues only the missing node certificates from the same CA', async () => {
    await writeDevCertificates({ dir, nodeIds: ['local-1'] });
    const caBefore = readFileSync(join(dir, 'ca.crt'), 'utf8');
    const gatewayBefore = readFileSync(join(dir, 'gateway.crt'), 'utf8');

    const written = await ensureDevCertificates({ dir, nodeIds: ['local-1', 'local-2'] });

    expect(written.issued).toEqual(['node-local-2']);
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(caBefore);
    expect(readFileSync(join(dir, 'gateway.crt'), 'utf8')).toBe(gatewayBefore);
    const added = new X509Certificate(readFileSync(written.files['node-local-2']?.certFile ?? ''));
    expect(added.verify(new X509Certificate(caBefore).publicKey)).toBe(true);
    expect(nodeIdsOf({ subjectaltname: added.subjectAltName ?? '' })).toEqual(['local-2']);
    expect(statSync(written.files['node-local-2']?.keyFile ?? '').mode & 0o777).toBe(0o600);
  });
});

describe('loadDevCa', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'pimcp-certs-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('issues certificates that chain to a CA written earlier', async () => {
    const set = await writeDevCertificates({ dir, nodeIds: [] });
    const files = await writeDevCertificate(await loadDevCa(dir), dir, 'etcd', { commonName: 'etcd', hosts: ['127.0.0.1'], serverAuth: true });
    const cert = new X509Certificate(readFileSync(files.certFile));
    expect(cert.verify(new X509Certificate(readFileSync(set.caFile)).publicKey)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('names the missing file and the command that creates it', async () => {
    await expect(loadDevCa(dir)).rejects.toThrow(/ca\.crt cannot be read \(ENOENT\): run `pimcp certs init --out/);
  });
});

describe('createDevCa', () => {
  it('creates a self-signed P-256 CA', async () => {
    const ca = new X509Certificate((await createDevCa()).certPem);
    expect(ca.ca).toBe(true);
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(ca.verify(ca.publicKey)).toBe(true);
  });
});
