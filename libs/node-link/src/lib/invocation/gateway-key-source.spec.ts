import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileGatewayKeys } from './gateway-key-source';
import { grantOfInvoke } from './invocation-grant';
import { InvocationTokenSigner } from './invocation-token.signer';
import { InvocationTokenVerifier } from './invocation-token.verifier';
import { ReplayCache } from './replay-cache';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string };
}

describe('fileGatewayKeys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pimcp-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const caller = { subject: 'alice' };
  const grant = grantOfInvoke({ tool: 't', arguments: {} });

  it('trusts every PEM key in the file and follows the file when it changes (rotation without restart)', async () => {
    const oldKey = keyPair();
    const newKey = keyPair();
    const file = join(dir, 'trusted.pem');
    writeFileSync(file, oldKey.publicPem);
    let now = Date.now();
    const verifier = new InvocationTokenVerifier({
      nodeId: 'n', keys: fileGatewayKeys(file, () => now), issuers: [], clockSkewSeconds: 5, maxLifetimeSeconds: 300, replay: new ReplayCache({ maxEntries: 10 }),
    });
    const oldSigner = await InvocationTokenSigner.fromPem(oldKey.privatePem, { issuer: 'gw', maxTtlMs: 30_000 });
    const newSigner = await InvocationTokenSigner.fromPem(newKey.privatePem, { issuer: 'gw', maxTtlMs: 30_000 });
    const sign = (signer: InvocationTokenSigner) => signer.sign({ nodeId: 'n', caller, grant, deadline: Date.now() + 10_000 });
    await verifier.admit({ token: await sign(oldSigner), grant, caller });
    await expect(verifier.admit({ token: await sign(newSigner), grant, caller })).rejects.toThrow('does not trust');

    // Rotation, step 1: both keys trusted.
    writeFileSync(file, `${oldKey.publicPem}\n${newKey.publicPem}`);
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    now += 2_000;
    await verifier.admit({ token: await sign(newSigner), grant, caller });
    await verifier.admit({ token: await sign(oldSigner), grant, caller });

    // Step 2: the old key retired, as a JWKS this time.
    writeFileSync(file, JSON.stringify(newSigner.jwks()));
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    now += 2_000;
    await verifier.admit({ token: await sign(newSigner), grant, caller });
    await expect(verifier.admit({ token: await sign(oldSigner), grant, caller })).rejects.toThrow('does not trust');
  });
});
