import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runTool, type ToolContext, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { pollUntil } from '../../test-support/poll-until.util';
import { resultText } from '../../test-support/result-text.util';
import { toolContext } from '../../test-support/tool-context';
import { parseAiInferConfig } from './ai-infer.config';
import { aiInferPlugin } from './ai-infer.plugin';

/** A stub OpenAI-compatible server on 127.0.0.1: the model name picks its behaviour. */
class StubChatServer {
  readonly bodies: Array<Record<string, unknown>> = [];
  readonly headers: IncomingMessage['headers'][] = [];
  closedEarly = 0;
  private readonly server: Server = createServer((req, res) => this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { model: string };
      this.bodies.push(body);
      this.headers.push(req.headers);
      res.on('close', () => {
        if (!res.writableEnded) this.closedEarly++;
      });
      if (req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
      if (body.model === 'broken') return void res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'model failed to load' } }));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (content: string, finish: string | null = null) => `data: ${JSON.stringify({ model: body.model, choices: [{ delta: { content }, finish_reason: finish }] })}\n\n`;
      if (body.model === 'tiny') {
        res.write(chunk('Hello'));
        res.write(chunk(', '));
        res.write(chunk('world', 'stop'));
        res.write(`data: ${JSON.stringify({ model: 'tiny', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } })}\n\n`);
        res.end('data: [DONE]\n\n');
      } else if (body.model === 'endless') {
        const timer = setInterval(() => res.write(chunk('word ')), 2);
        res.on('close', () => clearInterval(timer));
      } else if (body.model === 'stalls') {
        res.write(chunk('thinking'));
      } else if (body.model === 'garbled') {
        res.end('data: {not json\n\n');
      }
    });
  }
}

describe('ai.infer', () => {
  const stub = new StubChatServer();
  let tool: ToolDefinition;
  const call = (args: Record<string, unknown>, ctx: Partial<ToolContext> = {}): Promise<ToolResult> => runTool(tool, args, toolContext(ctx));

  beforeAll(async () => {
    const baseUrl = await stub.start();
    process.env['PIMCP_TEST_AI_KEY'] = 'sk-test-key';
    const config = parseAiInferConfig({
      baseUrl, model: 'tiny', models: ['tiny', 'endless', 'stalls', 'broken', 'garbled'], apiKeyEnv: 'PIMCP_TEST_AI_KEY',
      maxTokens: 64, timeoutMs: 1000, maxPromptChars: 1000, maxOutputChars: 200,
    });
    [tool] = aiInferPlugin(config).tools ?? [];
  });

  afterAll(() => stub.close());

  it('streams a completion: text relayed as progress, text and usage as structured content', async () => {
    const progress: Array<{ message?: string }> = [];
    const result = await call({ prompt: 'Say hello', maxTokens: 16, temperature: 0.2 }, { progress: (_p, _t, message) => progress.push({ message }) });
    expect(result.structuredContent).toMatchObject({ text: 'Hello, world', model: 'tiny', finishReason: 'stop', truncated: false, usage: { promptTokens: 7, completionTokens: 3, totalTokens: 10 } });
    expect(result.content).toEqual([{ type: 'text', text: 'Hello, world' }]);
    expect(progress[0]?.message).toBe('Hello');
    expect(stub.bodies.at(-1)).toMatchObject({ model: 'tiny', stream: true, max_tokens: 16, temperature: 0.2, messages: [{ role: 'user', content: 'Say hello' }] });
    expect(stub.headers.at(-1)?.authorization).toBe('Bearer sk-test-key');
  });

  it('cancel aborts the HTTP request to the server', async () => {
    const controller = new AbortController();
    const closedBefore = stub.closedEarly;
    const pending = call({ model: 'stalls', messages: [{ role: 'user', content: 'hm' }] }, { signal: controller.signal });
    expect(await pollUntil(() => stub.bodies.at(-1)?.['model'] === 'stalls', 5000)).toBe(true);
    controller.abort(new Error('cancelled by the caller'));
    await expect(pending).rejects.toThrow('cancelled by the caller');
    expect(await pollUntil(() => stub.closedEarly > closedBefore, 5000)).toBe(true);
  });

  it('a server that stops answering is a tool error at the time limit', async () => {
    const started = Date.now();
    const result = await call({ model: 'stalls', prompt: 'hm' });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('did not finish within 1000 ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops reading at the output limit and says so', async () => {
    const result = await call({ model: 'endless', prompt: 'go on' });
    expect(result.structuredContent).toMatchObject({ truncated: true, finishReason: 'length' });
    expect((result.structuredContent as { text: string }).text).toHaveLength(200);
  });

  it('refuses an oversize prompt, a model not allowed, and both prompt and messages, before any request', async () => {
    const sent = stub.bodies.length;
    expect(resultText(await call({ messages: [{ role: 'system', content: 'x'.repeat(600) }, { role: 'user', content: 'y'.repeat(600) }] }))).toContain('at most 1000');
    await expect(call({ prompt: 'hi', model: 'gpt-4o' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
    expect(resultText(await call({ prompt: 'hi', messages: [{ role: 'user', content: 'hi' }] }))).toContain('exactly one of');
    expect(stub.bodies.length).toBe(sent);
  });

  it('reports server errors and broken streams as tool errors naming the cause', async () => {
    expect(resultText(await call({ model: 'broken', prompt: 'hi' }))).toContain('HTTP 500: model failed to load');
    expect(resultText(await call({ model: 'garbled', prompt: 'hi' }))).toContain('not JSON');
  });

  it('a server that is not running is a tool error saying where it looked', async () => {
    const down = parseAiInferConfig({ baseUrl: 'http://127.0.0.1:9/v1', model: 'tiny' });
    const [offline] = aiInferPlugin(down).tools ?? [];
    const result = await runTool(offline, { prompt: 'hi' }, toolContext());
    expect(resultText(result)).toContain('cannot reach the inference server at http://127.0.0.1:9/v1');
  });
});

describe('parseAiInferConfig', () => {
  it('offers nothing without a section (deny by default)', () => {
    expect(parseAiInferConfig(undefined)).toBeUndefined();
    expect(aiInferPlugin(parseAiInferConfig({})).tools).toEqual([]);
  });

  it('keeps prompts on loopback unless the host is allowed, and keeps secrets out of the config', () => {
    expect(() => parseAiInferConfig({ baseUrl: 'http://10.0.0.5:11434/v1', model: 'm' })).toThrow(/10\.0\.0\.5, which is not loopback; add it to allowedHosts/);
    expect(parseAiInferConfig({ baseUrl: 'http://10.0.0.5:11434/v1/', model: 'm', allowedHosts: ['10.0.0.5'] })?.baseUrl).toBe('http://10.0.0.5:11434/v1');
    expect(() => parseAiInferConfig({ baseUrl: 'http://u:secret@127.0.0.1/v1', model: 'm' })).toThrow(/must not carry credentials/);
    expect(() => parseAiInferConfig({ baseUrl: 'http://127.0.0.1/v1', model: 'm', apiKey: 'sk-123' })).toThrow(/apiKey/);
    expect(() => parseAiInferConfig({ baseUrl: 'http://127.0.0.1/v1', model: 'm', models: ['other'] })).toThrow(/model: must be one of models/);
  });
});
