import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { type Browser, chromium, type Page } from 'playwright-core';
import { SpawnedProcess } from './spawned-process';

// Debian's Chromium (`apt-get install chromium`; .ci/run installs it).
const CHROMIUM = process.env['PIMCP_CHROMIUM'] ?? '/usr/bin/chromium';

describe('dashboard (e2e): what a person sees at /ui in headless Chromium', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pimcp-ui-'));
  let up: SpawnedProcess;
  let origin: string;
  let registryUrl: string;
  let token: string;
  let browser: Browser;
  let page: Page;
  let client: Client;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set PIMCP_CHROMIUM`);
    up = SpawnedProcess.start('cli', ['up', '--nodes', '2'], {
      cwd,
      env: {
        PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0',
        PIMCP_NODE_LABELS: 'region=tokyo',
      },
    });
    const mcpUrl = await up.waitFor(/MCP endpoint: +(\S+)/);
    origin = (await up.waitFor(/dashboard: +(\S+)\/ui/));
    registryUrl = (await up.waitFor(/registry admin API: +(\S+)/)).replace(/\/v1\/catalog$/, '');
    token = readFileSync(join(cwd, '.pimcp/dev-token'), 'utf8').trim();
    client = new Client({ name: 'ui-e2e', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await client?.close().catch(() => undefined);
    await up?.stop();
  });

  it('asks for a token, and says so when the gateway refuses one', async () => {
    await page.goto(`${origin}/ui`);
    await page.getByLabel('Bearer token').waitFor();
    expect(await page.locator('#cluster').isHidden()).toBe(true);
    await page.getByLabel('Bearer token').fill('not-a-token');
    await page.getByRole('button', { name: 'Show the cluster' }).click();
    await page.getByRole('alert').filter({ hasText: 'refused this token (401)' }).waitFor();
  });

  it('shows both nodes under their region and tier, healthy, with their capabilities', async () => {
    await page.getByLabel('Bearer token').fill(token);
    await page.getByRole('button', { name: 'Show the cluster' }).click();
    const tokyo = page.locator('[data-region="tokyo"]');
    await tokyo.getByRole('heading', { name: 'Region tokyo' }).waitFor();
    await tokyo.getByRole('heading', { name: 'Tier edge' }).waitFor();
    for (const nodeId of ['local-1', 'local-2']) {
      const card = tokyo.locator(`[data-tier="edge"] [data-node="${nodeId}"]`);
      await card.waitFor();
      expect(await card.locator('.status').textContent()).toBe('healthy');
      expect(await card.locator('.caps').textContent()).toContain('system.info');
      expect(await card.locator('.labels').textContent()).toContain('region=tokyo');
    }
    expect(await page.locator('#summary').textContent()).toMatch(/^2 nodes \(2 healthy\)/);
  });

  it('charts call latency per node as calls happen', async () => {
    for (let i = 0; i < 3; i++) await client.callTool({ name: 'local-1.system.info', arguments: {} });
    await page.locator('#latency polyline[data-node="local-1"]').waitFor({ timeout: 10_000 });
    await page.locator('#legend').filter({ hasText: 'local-1 (3)' }).waitFor();
    await page.locator('[data-node="local-1"] .latency').filter({ hasText: /p50 [\d.]+ ms, p95 [\d.]+ ms over 3 calls, 0 failed/ }).waitFor();
    expect(await page.locator('[data-node="local-2"] .latency').textContent()).toBe('no calls yet');
  });

  it('follows an operator disabling a capability on one node', async () => {
    const response = await fetch(`${registryUrl}/v1/capabilities/system.info/disable`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ node: 'local-2' }),
    });
    expect(response.ok).toBe(true);
    await page.locator('[data-node="local-2"] .caps li.disabled').filter({ hasText: 'system.info' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-node="local-1"] .caps li.disabled').count()).toBe(0);
  });

  it('serves the page under a CSP that allows only its own script', async () => {
    const response = await fetch(`${origin}/ui`);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${origin}/ui/api/cluster`)).status).toBe(401);
  });
});
