import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grantOfInvoke, InvocationTokenVerifier, ReplayCache, signedInvoke, urlGatewayKeys } from '@pimcp/node-link';
import { InMemorySessionStore } from '@pimcp/session-store';
import { FakeOfferingCatalog } from '../../test-support/fake-offering-catalog';
import { FakeToolCatalog } from '../../test-support/fake-tool-catalog';
import { ScriptedNodeInvoker } from '../../test-support/scripted-node-invoker';
import { DevCredentials } from '../auth/dev-credentials';
import { invocationSignerFrom } from '../auth/invocation-signer.factory';
import { bootstrapGateway, type RunningGateway } from '../bootstrap-gateway';
import { gatewayConfig } from '../config/gateway.config';

describe('invocation JWKS (gateway serves its public key; a node verifies with PIMCP_NODE_INVOCATION_JWKS_URL)', () => {
  const credentials = DevCredentials.loadOrCreate(mkdtempSync(join(tmpdir(), 'pimcp-jwks-')));
  let gateway: RunningGateway;
  const env = { PIMCP_GATEWAY_PORT: '0', PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile, PIMCP_GATEWAY_INVOCATION_KEY_FILE: credentials.invocationKeyFile };

  afterAll(() => gateway?.close());

  it('serves the public half only, and tokens it signs verify against that URL', async () => {
    const config = gatewayConfig.load({ env });
    const signer = await invocationSignerFrom(config);
    gateway = await bootstrapGateway({
      config, catalog: new FakeToolCatalog(), offerings: new FakeOfferingCatalog(), invoker: new ScriptedNodeInvoker(), sessions: new InMemorySessionStore(),
      invocationJwks: signer.jwks(), logger: false,
    });
    const url = new URL('/.well-known/pimcp/invocation-jwks.json', gateway.listenUrl).toString();
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', kid: signer.keyId, alg: 'ES256', use: 'sig' })]);
    expect(jwks.keys[0]).not.toHaveProperty('d');

    const verifier = new InvocationTokenVerifier({
      nodeId: 'pi-1', keys: urlGatewayKeys(url), issuers: ['pimcp-gateway'], clockSkewSeconds: 5, maxLifetimeSeconds: 300, replay: new ReplayCache({ maxEntries: 10 }),
    });
    const request = { requestId: 'r1', tool: 'system.info', arguments: {}, deadline: Date.now() + 10_000, caller: { subject: 'alice' } };
    const signed = await signedInvoke(signer, 'pi-1', request);
    await expect(verifier.admit({ token: signed.invocationToken, grant: grantOfInvoke(request), caller: request.caller })).resolves.toBeUndefined();
  });

  it('fails the boot naming the setting when the key is missing or not EC P-256', async () => {
    await expect(invocationSignerFrom(gatewayConfig.load({ env: { ...env, PIMCP_GATEWAY_INVOCATION_KEY_FILE: '' } }))).rejects.toThrow('PIMCP_GATEWAY_INVOCATION_KEY_FILE is required');
    const dir = mkdtempSync(join(tmpdir(), 'pimcp-badkey-'));
    writeFileSync(join(dir, 'rsa.pem'), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(invocationSignerFrom(gatewayConfig.load({ env: { ...env, PIMCP_GATEWAY_INVOCATION_KEY_FILE: join(dir, 'rsa.pem') } }))).rejects.toThrow('EC P-256');
    expect(readFileSync(credentials.invocationKeyFile, 'utf8')).toContain('PRIVATE KEY');
  });
});
