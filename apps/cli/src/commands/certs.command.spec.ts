import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { buildProgram } from '../program';

async function run(args: string[]): Promise<unknown> {
  const program = buildProgram().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  return program.parseAsync(['node', 'pimcp', ...args]).then(() => undefined, (e: unknown) => e);
}

describe('pimcp certs', () => {
  let dir: string;
  let write: jest.SpyInstance;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pimcp-certs-cli-'));
    write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    write.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the CA, service and node certificates with private keys 0600', async () => {
    const out = join(dir, 'certs');
    expect(await run(['certs', 'init', '--out', out, '--nodes', 'pi-1,pi-2', '--hosts', 'pimcp.local,10.1.2.3', '--days', '30'])).toBeUndefined();
    for (const name of ['ca', 'gateway', 'registry', 'context-sync', 'node-pi-1', 'node-pi-2']) {
      expect(existsSync(join(out, `${name}.crt`))).toBe(true);
      expect(statSync(join(out, `${name}.key`)).mode & 0o777).toBe(0o600);
    }
    const node = new X509Certificate(readFileSync(join(out, 'node-pi-2.crt')));
    expect(node.subjectAltName).toContain('URI:spiffe://pimcp/node/pi-2');
    expect(node.checkHost('pimcp.local')).toBe('pimcp.local');
    const days = (Date.parse(node.validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThan(31);
  });

  it('refuses to overwrite without --force, and rejects a bad node id', async () => {
    expect(await run(['certs', 'init', '--out', dir])).toBeUndefined();
    expect(String(await run(['certs', 'init', '--out', dir]))).toMatch(/already exists: pass --force/);
    expect(await run(['certs', 'init', '--out', dir, '--force'])).toBeUndefined();
    const err = await run(['certs', 'init', '--out', dir, '--nodes', 'Bad_Id']);
    expect(err).toBeInstanceOf(CommanderError);
  });

  it('adds node certificates from the existing CA with certs add, keeping every other file', async () => {
    expect(await run(['certs', 'init', '--out', dir, '--nodes', 'pi-1'])).toBeUndefined();
    const ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
    const first = readFileSync(join(dir, 'node-pi-1.crt'), 'utf8');

    expect(await run(['certs', 'add', '--out', dir, '--nodes', 'pi-1,pi-3'])).toBeUndefined();

    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(ca);
    expect(readFileSync(join(dir, 'node-pi-1.crt'), 'utf8')).toBe(first);
    const added = new X509Certificate(readFileSync(join(dir, 'node-pi-3.crt')));
    expect(added.verify(new X509Certificate(ca).publicKey)).toBe(true);
    expect(added.subjectAltName).toContain('URI:spiffe://pimcp/node/pi-3');
    expect(write).toHaveBeenCalledWith(expect.stringContaining('issued node-pi-3'));
  });

  it('refuses certs add without a CA, naming certs init', async () => {
    expect(String(await run(['certs', 'add', '--out', join(dir, 'none'), '--nodes', 'pi-1']))).toMatch(/ca\.crt does not exist: create the set with `pimcp certs init/);
  });
});
