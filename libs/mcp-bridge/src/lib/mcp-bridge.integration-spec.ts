import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ClientRequestError, runTool, type ToolDefinition } from '@pimcp/plugin-sdk';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { freePort, pollUntil } from '@pimcp/testing';
import { recordedCall } from '../test-support/call-context';
import { SERVER_EVERYTHING, SERVER_FILESYSTEM } from '../test-support/reference-servers';
import { parseMcpBridgeConfig } from './config/mcp-bridge.config';
import { type McpBridge, mcpBridgePlugin } from './mcp-bridge.plugin';

function toolNamed(bridge: McpBridge, name: string): ToolDefinition {
  const tool = bridge.tools?.find((t) => t.name === name);
  if (!tool) throw new Error(`no tool ${name} among ${bridge.tools?.map((t) => t.name).join(', ')}`);
  return tool;
}

async function call(bridge: McpBridge, name: string, args: Record<string, unknown> = {}) {
  const recorded = recordedCall();
  const result = await runTool(toolNamed(bridge, name), args, recorded.context);
  return { result, ...recorded };
}

describe('mcp-bridge (integration: real reference MCP servers from npm)', () => {
  describe('server-everything over stdio', () => {
    let bridge: McpBridge;
    const fastRestart = { initialMs: 100, maxMs: 2000 };

    beforeAll(async () => {
      bridge = mcpBridgePlugin(parseMcpBridgeConfig({
        servers: { everything: { command: [process.execPath, SERVER_EVERYTHING, 'stdio'], prefix: 'ev', exclude: ['gzip-*-never'], restart: fastRestart } },
      }));
      await bridge.ready?.();
    });

    afterAll(async () => {
      await bridge?.close?.();
    });

    it('offers its tools, resources, templates and prompts under the prefix (resource URIs unchanged)', () => {
      const names = bridge.tools?.map((t) => t.name) ?? [];
      expect(names).toEqual(expect.arrayContaining(['ev.echo', 'ev.get-sum', 'ev.trigger-long-running-operation', 'ev.get-structured-content']));
      expect(names.every((n) => n.startsWith('ev.'))).toBe(true);
      expect(toolNamed(bridge, 'ev.trigger-long-running-operation').annotations).toMatchObject({ readOnlyHint: true });
      expect(bridge.resourceTemplates?.map((t) => t.uriTemplate)).toEqual(expect.arrayContaining([expect.stringMatching(/^demo:\/\/resource\/dynamic\/text\//)]));
      expect(bridge.prompts?.map((p) => p.name)).toEqual(expect.arrayContaining(['ev.simple-prompt', 'ev.args-prompt']));
    });

    it('forwards a call and passes every content type and structured output through unchanged', async () => {
      expect((await call(bridge, 'ev.echo', { message: 'hi' })).result.content).toEqual([{ type: 'text', text: 'Echo: hi' }]);
      const image = await call(bridge, 'ev.get-tiny-image');
      expect(image.result.content).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'image', mimeType: 'image/png', data: expect.any(String) })]));
      const structured = await call(bridge, 'ev.get-structured-content', { location: 'New York' });
      expect(structured.result.structuredContent).toEqual(expect.objectContaining({ temperature: expect.any(Number) }));
    });

    it('reads a templated resource and gets a prompt on the same connection', async () => {
      const recorded = recordedCall();
      const template = bridge.resourceTemplates?.find((t) => t.uriTemplate.startsWith('demo://resource/dynamic/text/'));
      const read = await template?.read('demo://resource/dynamic/text/7', { id: '7' }, recorded.context);
      expect(read?.contents[0]).toMatchObject({ uri: 'demo://resource/dynamic/text/7', text: expect.any(String) });
      const prompt = await bridge.prompts?.find((p) => p.name === 'ev.args-prompt')?.get({ city: 'Oslo' }, recorded.context);
      expect(JSON.stringify(prompt?.messages)).toContain('Oslo');
    });

    it("relays the child's progress to the call", async () => {
      const { result, progress } = await call(bridge, 'ev.trigger-long-running-operation', { duration: 0.4, steps: 4 });
      expect(result.content?.[0]).toMatchObject({ type: 'text', text: expect.stringContaining('completed') });
      // The reference server may write its last progress after its result; the SDK then drops it, as MCP allows.
      expect(progress.slice(0, 3)).toEqual([1, 2, 3].map((p) => ({ progress: p, total: 4 })));
    });

    it("relays the child's logging messages to the call in flight", async () => {
      const { logs } = await call(bridge, 'ev.toggle-simulated-logging');
      await call(bridge, 'ev.toggle-simulated-logging');
      expect(logs.join('\n')).toMatch(/(info|warning|error) .*message/i);
    });

    it('cancels: the abort reaches the child as notifications/cancelled and the call ends at once', async () => {
      const sent = jest.spyOn(StdioClientTransport.prototype, 'send');
      try {
        const { context, controller, progress } = recordedCall();
        const running = runTool(toolNamed(bridge, 'ev.trigger-long-running-operation'), { duration: 30, steps: 300 }, context).catch((e: unknown) => e);
        await pollUntil(() => progress.length > 0, { timeoutMs: 5000, intervalMs: 10, description: 'the first progress' });
        const started = Date.now();
        controller.abort(new PimcpError(ErrorCode.Cancelled, 'cancelled by the test'));
        expect(await running).toMatchObject({ code: ErrorCode.Cancelled });
        expect(Date.now() - started).toBeLessThan(1000);
        const cancels = sent.mock.calls.map(([m]) => m as { method?: string }).filter((m) => m.method === 'notifications/cancelled');
        expect(cancels).toHaveLength(1);
      } finally {
        sent.mockRestore();
      }
    });

    it('restarts the child after kill -9; calls meanwhile fail retryably, then work on the new child', async () => {
      const [server] = bridge.servers;
      const oldPid = server?.pid as number;
      expect(oldPid).toBeGreaterThan(0);
      process.kill(oldPid, 'SIGKILL');
      await pollUntil(() => !server?.isUp, { timeoutMs: 5000, intervalMs: 10, description: 'the bridge to notice the death' });
      const refused = await call(bridge, 'ev.echo', { message: 'x' }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: ErrorCode.NodeUnavailable, retryable: true, message: expect.stringContaining('"everything"') });
      await pollUntil(() => server?.isUp === true, { timeoutMs: 15_000, intervalMs: 50, description: 'the restarted child' });
      expect(server?.pid).not.toBe(oldPid);
      expect((await call(bridge, 'ev.echo', { message: 'back' })).result.content).toEqual([{ type: 'text', text: 'Echo: back' }]);
    });

    it("relays the server's sampling and elicitation requests to the caller and the answers back to the child", async () => {
      expect(bridge.tools?.map((t) => t.name)).toEqual(expect.arrayContaining(['ev.trigger-sampling-request', 'ev.trigger-elicitation-request']));
      const asked: Array<{ method: string; params: Record<string, unknown> }> = [];
      const answer = async (method: string, params: Record<string, unknown>) => {
        asked.push({ method, params });
        return method === 'sampling/createMessage'
          ? { model: 'test-model', role: 'assistant', content: { type: 'text', text: 'sampled by the caller' } }
          : { action: 'accept', content: { name: 'Ada Lovelace' } };
      };
      const sampling = recordedCall();
      sampling.context.requestClient = answer;
      const sampled = await runTool(toolNamed(bridge, 'ev.trigger-sampling-request'), { prompt: 'hello', maxTokens: 5 }, sampling.context);
      expect(JSON.stringify(sampled.content)).toContain('sampled by the caller');
      expect(asked[0]).toMatchObject({ method: 'sampling/createMessage', params: { maxTokens: 5 } });
      const eliciting = recordedCall();
      eliciting.context.requestClient = answer;
      const elicited = await runTool(toolNamed(bridge, 'ev.trigger-elicitation-request'), {}, eliciting.context);
      expect(JSON.stringify(elicited.content)).toContain('Ada Lovelace');
      expect(asked[1]?.method).toBe('elicitation/create');
    });

    it("passes the caller's refusal back to the child with its JSON-RPC code", async () => {
      const { context } = recordedCall();
      context.requestClient = async () => {
        throw new ClientRequestError(-32601, 'this client does not sample');
      };
      const result = await runTool(toolNamed(bridge, 'ev.trigger-sampling-request'), { prompt: 'hello' }, context).catch((e: unknown) => e);
      expect(JSON.stringify(result)).toContain('this client does not sample');
    });

    it("follows the server's list_changed: a new resource appears and the listener is told", async () => {
      let changes = 0;
      bridge.onOfferingsChanged?.(() => changes++);
      const before = bridge.resources?.length ?? 0;
      await call(bridge, 'ev.gzip-file-as-resource', { name: 'note.txt.gz', data: 'data:text/plain,hello', outputType: 'resourceLink' });
      await pollUntil(() => changes > 0, { timeoutMs: 5000, intervalMs: 20, description: 'a list_changed' });
      expect(bridge.resources?.length).toBe(before + 1);
      expect(bridge.resources?.map((r) => r.uri)).toEqual(expect.arrayContaining([expect.stringContaining('note.txt.gz')]));
    });
  });

  describe('server-everything over Streamable HTTP', () => {
    let child: ChildProcess;
    let bridge: McpBridge;

    beforeAll(async () => {
      const port = await freePort();
      child = spawn(process.execPath, [SERVER_EVERYTHING, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      await pollUntil(() => stderr.includes('listening'), { timeoutMs: 15_000, intervalMs: 50, description: 'server-everything to listen' });
      process.env['PIMCP_TEST_BRIDGE_TOKEN'] = 'not-a-real-token';
      bridge = mcpBridgePlugin(parseMcpBridgeConfig({
        servers: { remote: { url: `http://127.0.0.1:${port}/mcp`, prefix: 'remote', headersFromEnv: { 'x-test-token': 'PIMCP_TEST_BRIDGE_TOKEN' } } },
      }));
      await bridge.ready?.();
    });

    afterAll(async () => {
      await bridge?.close?.();
      child?.kill('SIGKILL');
    });

    it('lists and calls over HTTP, with progress', async () => {
      expect(bridge.tools?.map((t) => t.name)).toEqual(expect.arrayContaining(['remote.echo', 'remote.trigger-long-running-operation']));
      expect((await call(bridge, 'remote.echo', { message: 'over http' })).result.content).toEqual([{ type: 'text', text: 'Echo: over http' }]);
      const { progress } = await call(bridge, 'remote.trigger-long-running-operation', { duration: 0.3, steps: 3 });
      expect(progress.map((p) => p.progress)).toEqual([1, 2, 3]);
    });
  });

  describe('server-filesystem over stdio, rooted in a temp dir', () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'pimcp-bridge-fs-')));
    let bridge: McpBridge;

    beforeAll(async () => {
      writeFileSync(join(root, 'hello.txt'), 'hello from the bridge\n');
      bridge = mcpBridgePlugin(parseMcpBridgeConfig({
        servers: { files: { command: [process.execPath, SERVER_FILESYSTEM, root], prefix: 'fs', include: ['read_*', 'list_*'], exclude: ['read_media_file'] } },
      }));
      await bridge.ready?.();
    });

    afterAll(async () => {
      await bridge?.close?.();
    });

    it('offers only the included tools, reads inside its root and refuses outside it', async () => {
      const names = bridge.tools?.map((t) => t.name) ?? [];
      expect(names).toEqual(expect.arrayContaining(['fs.read_text_file', 'fs.list_directory']));
      expect(names).not.toContain('fs.write_file');
      expect(names).not.toContain('fs.read_media_file');
      const read = await call(bridge, 'fs.read_text_file', { path: join(root, 'hello.txt') });
      expect(read.result.content).toEqual([{ type: 'text', text: 'hello from the bridge\n' }]);
      const outside = await call(bridge, 'fs.read_text_file', { path: '/etc/hostname' });
      expect(outside.result.isError).toBe(true);
    });
  });

  it('a server that cannot start stops the boot, naming it', async () => {
    const bridge = mcpBridgePlugin(parseMcpBridgeConfig({ servers: { broken: { command: ['/nonexistent/mcp-server'], connectTimeoutMs: 3000 } } }));
    await expect(bridge.ready?.()).rejects.toThrow(/mcp-bridge server "broken" .* did not start/);
  });
});
