import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDevCertificates, type WrittenDevCertificates } from '@pimcp/tls';
import { CliError, ExitCode } from './cli-error';
import { resolveCaFile, trustCaFile } from './trusted-ca';

const up = { pid: 1, mcpUrl: 'https://127.0.0.1:1/mcp', registryAdminUrl: 'https://127.0.0.1:2', contextStatsUrl: 'https://127.0.0.1:3', caFile: '/up/ca.crt' };

describe('resolveCaFile', () => {
  it('prefers --ca-file, then PIMCP_CA_FILE, then the CA of the pimcp up --tls running in this folder', () => {
    expect(resolveCaFile('/opt/ca.crt', { PIMCP_CA_FILE: '/env/ca.crt' }, up)).toBe('/opt/ca.crt');
    expect(resolveCaFile(undefined, { PIMCP_CA_FILE: ' /env/ca.crt ' }, up)).toBe('/env/ca.crt');
    expect(resolveCaFile(undefined, {}, up)).toBe('/up/ca.crt');
    expect(resolveCaFile(undefined, {}, { ...up, caFile: undefined })).toBeUndefined();
    expect(resolveCaFile(undefined, {}, undefined)).toBeUndefined();
  });
});

describe('trustCaFile', () => {
  let dir: string;
  let certs: WrittenDevCertificates;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pimcp-ca-'));
    certs = await writeDevCertificates({ dir, nodeIds: [] });
    const files = certs.files['gateway'];
    server = createServer({ cert: readFileSync(files?.certFile ?? ''), key: readFileSync(files?.keyFile ?? '') }, (_req, res) => res.end('trusted'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes fetch accept a server the CA signed, which it refused before', async () => {
    await expect(fetch(url)).rejects.toMatchObject({ cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });

    trustCaFile(certs.caFile);

    expect(await (await fetch(url)).text()).toBe('trusted');
  });

  it('refuses a missing file and a file without a certificate, naming the option', () => {
    const usage = (file: string) => {
      try {
        trustCaFile(file);
      } catch (err) {
        return { code: (err as CliError).exitCode, message: (err as Error).message };
      }
      return undefined;
    };
    expect(usage(join(dir, 'missing.crt'))).toEqual({ code: ExitCode.Usage, message: expect.stringMatching(/missing\.crt cannot be read \(ENOENT\); check --ca-file or PIMCP_CA_FILE/) });
    writeFileSync(join(dir, 'key-only.pem'), readFileSync(join(dir, 'ca.key')));
    expect(usage(join(dir, 'key-only.pem'))).toEqual({ code: ExitCode.Usage, message: expect.stringMatching(/holds no PEM certificate/) });
  });
});
