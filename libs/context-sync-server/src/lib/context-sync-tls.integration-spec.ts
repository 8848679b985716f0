import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContextStore } from '@pimcp/context-store';
import { writeDevCertificates } from '@pimcp/tls';
import { bootstrapContextSync, type RunningContextSync } from './bootstrap-context-sync';
import { contextSyncConfig } from './config/context-sync.config';

/** Status of a GET, or the error code when the connection fails. */
function fetchStatus(url: string, ca?: Buffer): Promise<number | string> {
  return new Promise((resolve) => {
    const done = (res: { statusCode?: number; resume(): void }) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    };
    const req = ca ? httpsGet(url, { ca }, done) : httpGet(url, done);
    req.setTimeout(3000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('context-sync over HTTPS (integration: real sockets on loopback)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pimcp-cs-tls-'));
  const store = createContextStore({});
  let running: RunningContextSync;

  beforeAll(async () => {
    const certs = await writeDevCertificates({ dir, nodeIds: [] });
    const own = certs.files['context-sync'];
    if (!own) throw new Error('no context-sync certificate');
    const config = contextSyncConfig.load({
      env: {
        PIMCP_CONTEXT_SYNC_HTTP_PORT: '0', PIMCP_TLS_CA_FILE: own.caFile, PIMCP_TLS_CERT_FILE: own.certFile, PIMCP_TLS_KEY_FILE: own.keyFile,
        PIMCP_TLS_RELOAD_INTERVAL_MS: '0',
      },
    });
    running = await bootstrapContextSync({ config, store, logger: false });
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the service certificate and refuses plaintext HTTP', async () => {
    expect(running.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(dir, 'ca.crt'));
    expect(await fetchStatus(`${running.httpUrl}/health/live`, ca)).toBe(200);
    const plain = await fetchStatus(`${running.httpUrl.replace('https:', 'http:')}/health/live`);
    expect(plain).not.toBe(200);
    expect(typeof plain === 'string' || plain >= 400).toBe(true);
  });
});
