#!/usr/bin/env node
// A plain MCP server, written with the official SDK v2 (McpServer + its Node/Express transport), that offers
// every fixture the MCP conformance suite expects of a server: tools (content types, error, logging, progress,
// sampling, elicitation, SSE reconnection, JSON Schema 2020-12), resources and a template with subscriptions,
// prompts, completions and logging. compare-bridge.mjs runs the suite against it directly and mounted with the
// mcp-bridge plugin behind the gateway. Our own code, written from the suite's scenario descriptions.
//
//   node tools/scripts/conformance/fixture-server.mjs            Streamable HTTP on 127.0.0.1 (PORT or a free port)
//   node tools/scripts/conformance/fixture-server.mjs --stdio    one session over stdin/stdout
//
// Over HTTP it keeps one McpServer per session (server→client requests need the session's stream), an in-memory
// event store so a closed SSE stream resumes with Last-Event-ID, and createMcpExpressApp's Host and Origin checks
// (DNS-rebinding protection for a localhost bind).
import { randomUUID } from 'node:crypto';
import { createMcpExpressApp } from '@modelcontextprotocol/express';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { completable, fromJsonSchema, isInitializeRequest, McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** A 1x1 PNG and a tiny WAV: enough for the suite to check media content passes through unchanged. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';
const WAV_TINY = 'UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (value) => ({ content: [{ type: 'text', text: value }] });

function createFixtureServer() {
  const server = new McpServer(
    { name: 'pimcp-conformance-fixtures', version: '1.0.0' },
    { capabilities: { tools: { listChanged: true }, resources: { subscribe: true, listChanged: true }, prompts: { listChanged: true }, logging: {}, completions: {} } },
  );
  registerContentTools(server);
  registerStreamingTools(server);
  registerClientRequestTools(server);
  registerResources(server);
  registerPrompts(server);
  return server;
}

function registerContentTools(server) {
  server.registerTool('test_simple_text', { description: 'Returns simple text content' }, async () => text('This is a simple text response for testing.'));
  server.registerTool('test_image_content', { description: 'Returns image content' }, async () => ({ content: [{ type: 'image', data: PNG_1X1, mimeType: 'image/png' }] }));
  server.registerTool('test_audio_content', { description: 'Returns audio content' }, async () => ({ content: [{ type: 'audio', data: WAV_TINY, mimeType: 'audio/wav' }] }));
  server.registerTool('test_embedded_resource', { description: 'Returns an embedded resource' }, async () => ({
    content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }],
  }));
  server.registerTool('test_multiple_content_types', { description: 'Returns text, image and resource content' }, async () => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: PNG_1X1, mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: '{"test":"data","value":123}' } },
    ],
  }));
  // A handler that throws becomes an `isError` result (the SDK's McpServer does that), which the suite expects.
  server.registerTool('test_error_handling', { description: 'Always fails with a tool error' }, async () => {
    throw new Error('This tool intentionally returns an error for testing');
  });
  server.registerTool('json_schema_2020_12_tool', {
    description: 'Tool with JSON Schema 2020-12 features',
    inputSchema: fromJsonSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
      properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
      additionalProperties: false,
    }),
  }, async (args) => text(`Received: ${JSON.stringify(args)}`));
}

function registerStreamingTools(server) {
  server.registerTool('test_tool_with_logging', { description: 'Logs three messages 50 ms apart', inputSchema: z.object({}) }, async (_args, ctx) => {
    for (const [i, message] of ['Tool execution started', 'Tool processing data', 'Tool execution completed'].entries()) {
      if (i > 0) await sleep(50);
      await ctx.mcpReq.log('info', message, 'conformance-fixtures');
    }
    return text('Logging test completed');
  });
  server.registerTool('test_tool_with_progress', { description: 'Reports progress 0, 50 and 100 of 100', inputSchema: z.object({}) }, async (_args, ctx) => {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    for (const progress of [0, 50, 100]) {
      if (progress > 0) await sleep(50);
      if (progressToken !== undefined) {
        await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress, total: 100, message: `Completed step ${progress} of 100` } });
      }
    }
    return text('Progress test completed');
  });
  // SEP-1699: closes the call's SSE stream mid-call; the result reaches a client that reconnects with Last-Event-ID.
  server.registerTool('test_reconnection', { description: 'Closes its SSE stream mid-call, then answers', inputSchema: z.object({}) }, async (_args, ctx) => {
    ctx.http?.closeSSE?.();
    await sleep(100);
    return text('Reconnection test completed successfully.');
  });
}

function registerClientRequestTools(server) {
  const ask = async (ctx, request, describe) => {
    try {
      return text(describe(await ctx.mcpReq.send(request)));
    } catch (err) {
      // The suite's reference behaviour: a client that cannot answer gets an explanation, not a protocol error.
      return text(`${request.method} not supported or failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const elicited = (label) => (result) => `${label}: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;

  server.registerTool('test_sampling', { description: 'Asks the client for an LLM completion', inputSchema: z.object({ prompt: z.string().describe('The prompt to send to the LLM') }) },
    async ({ prompt }, ctx) => ask(ctx, {
      method: 'sampling/createMessage',
      params: { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 },
    }, (result) => `LLM response: ${result.content?.text ?? 'No response'}`));

  server.registerTool('test_elicitation', { description: 'Asks the user for input', inputSchema: z.object({ message: z.string().describe('The message to show the user') }) },
    async ({ message }, ctx) => ask(ctx, {
      method: 'elicitation/create',
      params: { message, requestedSchema: { type: 'object', properties: { response: { type: 'string', description: "User's response" } }, required: ['response'] } },
    }, elicited('User response')));

  server.registerTool('test_elicitation_sep1034_defaults', { description: 'Elicits a form with a default for every primitive type (SEP-1034)', inputSchema: z.object({}) },
    async (_args, ctx) => ask(ctx, {
      method: 'elicitation/create',
      params: {
        message: 'Please review and update the form fields with defaults',
        requestedSchema: {
          type: 'object',
          properties: {
            name: { type: 'string', description: 'User name', default: 'John Doe' },
            age: { type: 'integer', description: 'User age', default: 30 },
            score: { type: 'number', description: 'User score', default: 95.5 },
            status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
            verified: { type: 'boolean', description: 'Verification status', default: true },
          },
          required: [],
        },
      },
    }, elicited('Elicitation completed')));

  server.registerTool('test_elicitation_sep1330_enums', { description: 'Elicits the five enum variants of SEP-1330', inputSchema: z.object({}) },
    async (_args, ctx) => ask(ctx, {
      method: 'elicitation/create',
      params: {
        message: 'Please select options from the enum fields',
        requestedSchema: {
          type: 'object',
          properties: {
            untitledSingle: { type: 'string', description: 'Select one option', enum: ['option1', 'option2', 'option3'] },
            titledSingle: {
              type: 'string', description: 'Select one option with titles',
              oneOf: [{ const: 'value1', title: 'First Option' }, { const: 'value2', title: 'Second Option' }, { const: 'value3', title: 'Third Option' }],
            },
            legacyEnum: { type: 'string', description: 'Select one option (legacy)', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
            untitledMulti: { type: 'array', description: 'Select multiple options', minItems: 1, maxItems: 3, items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
            titledMulti: {
              type: 'array', description: 'Select multiple options with titles', minItems: 1, maxItems: 3,
              items: { anyOf: [{ const: 'value1', title: 'First Choice' }, { const: 'value2', title: 'Second Choice' }, { const: 'value3', title: 'Third Choice' }] },
            },
          },
          required: [],
        },
      },
    }, elicited('Elicitation completed')));

  // Not a suite fixture: shows the roots relay (the caller's roots/list answer, as this server received it).
  server.registerTool('test_list_roots', { description: 'Asks the client for its roots and returns them', inputSchema: z.object({}) },
    async (_args, ctx) => ask(ctx, { method: 'roots/list', params: {} }, (result) => `Roots: ${JSON.stringify(result.roots ?? [])}`));
}

function registerResources(server) {
  const plain = (uri, value) => ({ contents: [{ uri, mimeType: 'text/plain', text: value }] });
  server.registerResource('static-text', 'test://static-text', { description: 'A static text resource', mimeType: 'text/plain' },
    async (uri) => plain(uri.href, 'This is the content of the static text resource.'));
  server.registerResource('static-binary', 'test://static-binary', { description: 'A static binary resource (a 1x1 PNG)', mimeType: 'image/png' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'image/png', blob: PNG_1X1 }] }));
  server.registerResource('watched-resource', 'test://watched-resource', { description: 'A resource clients may subscribe to', mimeType: 'text/plain' },
    async (uri) => plain(uri.href, 'Watched resource content'));
  const template = new ResourceTemplate('test://template/{id}/data', {
    list: undefined,
    complete: { id: (value) => ['123', '456', '789'].filter((id) => id.startsWith(value)) },
  });
  server.registerResource('template-data', template, { description: 'Data for one id', mimeType: 'application/json' }, async (uri, variables) => ({
    contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ id: variables.id, templateTest: true, data: `Data for ID: ${variables.id}` }) }],
  }));
  // McpServer does not track subscriptions; the fixtures accept them (nothing here ever changes).
  const subscribed = new Set();
  server.server.setRequestHandler('resources/subscribe', async (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', async (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
}

function registerPrompts(server) {
  const user = (value) => ({ role: 'user', content: { type: 'text', text: value } });
  server.registerPrompt('test_simple_prompt', { description: 'A simple prompt without arguments' }, async () => ({ messages: [user('This is a simple prompt for testing.')] }));
  server.registerPrompt('test_prompt_with_arguments', {
    description: 'A prompt with two required arguments',
    argsSchema: z.object({
      arg1: completable(z.string().describe('First test argument'), (value) => ['paris', 'park', 'party'].filter((v) => v.startsWith(value))),
      arg2: z.string().describe('Second test argument'),
    }),
  }, async ({ arg1, arg2 }) => ({ messages: [user(`Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`)] }));
  server.registerPrompt('test_prompt_with_embedded_resource', {
    description: 'A prompt that embeds a resource',
    argsSchema: z.object({ resourceUri: z.string().describe('URI of the resource to embed') }),
  }, async ({ resourceUri }) => ({
    messages: [
      { role: 'user', content: { type: 'resource', resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
      user('Please process the embedded resource above.'),
    ],
  }));
  server.registerPrompt('test_prompt_with_image', { description: 'A prompt with image content' }, async () => ({
    messages: [{ role: 'user', content: { type: 'image', data: PNG_1X1, mimeType: 'image/png' } }, user('Please analyze the image above.')],
  }));
}

/** Keeps every SSE event so a client that reconnects with Last-Event-ID gets what it missed. */
function memoryEventStore() {
  const events = new Map();
  let sequence = 0;
  return {
    async storeEvent(streamId, message) {
      const eventId = `${streamId}::${String(++sequence).padStart(12, '0')}`;
      events.set(eventId, { streamId, message });
      return eventId;
    },
    async getStreamIdForEventId(eventId) {
      return events.get(eventId)?.streamId;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const streamId = events.get(lastEventId)?.streamId ?? lastEventId.split('::')[0];
      for (const [eventId, event] of [...events].sort(([a], [b]) => a.localeCompare(b))) {
        if (event.streamId === streamId && eventId > lastEventId) await send(eventId, event.message);
      }
      return streamId;
    },
  };
}

async function serveHttp(port) {
  const app = createMcpExpressApp(); // binds 127.0.0.1: Host and Origin must be localhost-class, or 403
  const sessions = new Map();
  const eventStore = memoryEventStore();
  const refuse = (res, status, message) => res.status(status).json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });

  app.post('/mcp', async (req, res) => {
    const id = req.headers['mcp-session-id'];
    const known = typeof id === 'string' ? sessions.get(id) : undefined;
    if (known) return known.handleRequest(req, res, req.body);
    if (id !== undefined) return refuse(res, 404, 'Session not found');
    if (!isInitializeRequest(req.body)) return refuse(res, 400, 'Bad Request: no session; send initialize first');
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      eventStore,
      retryInterval: 100,
      onsessioninitialized: (sessionId) => sessions.set(sessionId, transport),
    });
    transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
    await createFixtureServer().connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  const bySession = async (req, res) => {
    const transport = sessions.get(String(req.headers['mcp-session-id'] ?? ''));
    if (!transport) return refuse(res, 404, 'Session not found');
    await transport.handleRequest(req, res);
  };
  app.get('/mcp', bySession);
  app.delete('/mcp', bySession);

  const listener = app.listen(port, '127.0.0.1', () => {
    console.log(`fixture server listening on http://127.0.0.1:${listener.address().port}/mcp`);
  });
  const stop = () => {
    for (const transport of sessions.values()) void transport.close();
    listener.close();
    listener.closeAllConnections?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function serveStdio() {
  const { StdioServerTransport } = await import('@modelcontextprotocol/server/stdio');
  await createFixtureServer().connect(new StdioServerTransport());
}

if (process.argv.includes('--stdio')) await serveStdio();
else await serveHttp(Number(process.env.PORT ?? 0));
