import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevCa } from './dev-ca';
import { writeDevCertificates } from './dev-certificates';
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

describe('createDevCa', () => {
  it('creates a self-signed P-256 CA', async () => {
    const ca = new X509Certificate((await createDevCa()).certPem);
    expect(ca.ca).toBe(true);
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(ca.verify(ca.publicKey)).toBe(true);
  });
});
