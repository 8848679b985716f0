import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import { type DevCertificateFiles, writeDevCertificates, type WrittenDevCertificates } from './dev-certificates';
import { TlsMaterial } from './tls-material';

function filesOf(set: WrittenDevCertificates, name: string): DevCertificateFiles {
  const files = set.files[name];
  if (!files) throw new Error(`no ${name} certificate`);
  return files;
}

function dial(port: number, material: TlsMaterial): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ ...material.clientOptions({ servername: 'localhost' }), host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe(TlsMaterial.name, () => {
  let dir: string;
  let server: Server | undefined;
  const materials: TlsMaterial[] = [];
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'pimcp-tls-')); });
  afterEach(async () => {
    materials.splice(0).forEach((m) => m.close());
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('rotates the server certificate without a restart: new connections get the new one, open ones stay up', async () => {
    const first = await writeDevCertificates({ dir: join(dir, 'one'), nodeIds: [] });
    const second = await writeDevCertificates({ dir: join(dir, 'two'), nodeIds: [] });
    // The service reads fixed paths; a rotation replaces the files (as cert-manager or a secret update does).
    const live = { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'svc.crt'), keyFile: join(dir, 'svc.key') };
    const install = (set: typeof first) => {
      copyFileSync(set.caFile, live.caFile);
      copyFileSync(set.files['registry']?.certFile ?? '', live.certFile);
      copyFileSync(set.files['registry']?.keyFile ?? '', live.keyFile);
    };
    install(first);
    const material = new TlsMaterial(live, { reloadIntervalMs: 50 });
    materials.push(material);
    server = createServer(material.serverOptions(true), (socket) => socket.on('error', () => undefined));
    material.attach(server);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const gatewayOld = new TlsMaterial(filesOf(first, 'gateway'), { reloadIntervalMs: 0 });
    const gatewayNew = new TlsMaterial(filesOf(second, 'gateway'), { reloadIntervalMs: 0 });
    materials.push(gatewayOld, gatewayNew);

    const before = await dial(port, gatewayOld);
    const firstSerial = before.getPeerCertificate().serialNumber;
    await expect(dial(port, gatewayNew)).rejects.toThrow(); // new CA, old server certificate: not trusted yet

    install(second);
    const deadline = Date.now() + 10_000;
    let after: TLSSocket | undefined;
    while (!after && Date.now() < deadline) {
      after = await dial(port, gatewayNew).catch(() => undefined);
      if (!after) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(after?.getPeerCertificate().serialNumber).toBeDefined();
    expect(after?.getPeerCertificate().serialNumber).not.toBe(firstSerial);
    expect(before.destroyed).toBe(false); // the connection made before the rotation is still open
    await expect(dial(port, gatewayOld)).rejects.toThrow(); // the old CA no longer verifies the server
    before.destroy();
    after?.destroy();
  });

  it('keeps the current files when a rotation is half written (key of another certificate)', async () => {
    const one = await writeDevCertificates({ dir: join(dir, 'one'), nodeIds: [] });
    const two = await writeDevCertificates({ dir: join(dir, 'two'), nodeIds: [] });
    const live = { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'svc.crt'), keyFile: join(dir, 'svc.key') };
    copyFileSync(one.caFile, live.caFile);
    copyFileSync(one.files['gateway']?.certFile ?? '', live.certFile);
    copyFileSync(one.files['gateway']?.keyFile ?? '', live.keyFile);
    const material = new TlsMaterial(live, { reloadIntervalMs: 0 });
    materials.push(material);
    const context = material.secureContext;
    copyFileSync(two.files['gateway']?.certFile ?? '', live.certFile);
    expect(material.reload()).toBe(false);
    expect(material.secureContext).toBe(context);
    copyFileSync(two.files['gateway']?.keyFile ?? '', live.keyFile);
    expect(material.reload()).toBe(true);
    expect(material.secureContext).not.toBe(context);
  });

  it('names the file that cannot be read', () => {
    expect(() => new TlsMaterial({ caFile: join(dir, 'nope.crt'), certFile: 'x', keyFile: 'y' })).toThrow(/TLS CA file .*nope\.crt cannot be read \(ENOENT\)/);
  });
});
