import {
  definePrompt, defineResource, defineResourceTemplate, defineTool, type PluginContents, type PromptResult, type ToolDefinition, type ToolResult,
} from '@pimcp/plugin-sdk';

/** A 1x1 PNG and a tiny WAV, enough for clients to check media content passes through. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';
const WAV_TINY = 'UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==';

const noArgs = { type: 'object', properties: {}, additionalProperties: false };

function fixture(name: string, description: string, result: () => ToolResult): ToolDefinition {
  return defineTool({ name, description, inputSchema: noArgs, version: '1.0.0', costClass: 'light', annotations: { readOnlyHint: true }, handler: async () => result() });
}

/**
 * The tools, resources and prompts the official MCP conformance suite expects of a server ("everything
 * server" fixtures), so the suite can run against the gateway through a real node.
 * Enabled with PIMCP_NODE_PLUGINS=conformance-fixtures.
 */
export function conformanceFixtures(): PluginContents {
  return { tools: fixtureTools(), resources: fixtureResources(), resourceTemplates: fixtureTemplates(), prompts: fixturePrompts() };
}

function fixtureTools(): ToolDefinition[] {
  return [
    fixture('test_simple_text', 'Returns simple text content', () => ({ content: [{ type: 'text', text: 'This is a simple text response for testing.' }] })),
    fixture('test_image_content', 'Returns image content', () => ({ content: [{ type: 'image', data: PNG_1X1, mimeType: 'image/png' }] })),
    fixture('test_audio_content', 'Returns audio content', () => ({ content: [{ type: 'audio', data: WAV_TINY, mimeType: 'audio/wav' }] })),
    fixture('test_embedded_resource', 'Returns an embedded resource', () => ({
      content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }],
    })),
    fixture('test_multiple_content_types', 'Returns text, image and resource content', () => ({
      content: [
        { type: 'text', text: 'Multiple content types test:' },
        { type: 'image', data: PNG_1X1, mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: '{"test":"data","value":123}' } },
      ],
    })),
    fixture('test_error_handling', 'Always fails with a tool error', () => ({
      isError: true, content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }],
    })),
    defineTool<{ delayMs?: number }>({
      name: 'test_tool_with_progress',
      description: 'Reports progress 0, 50 and 100 of 100, delayMs apart (default 50)',
      inputSchema: { type: 'object', properties: { delayMs: { type: 'integer', minimum: 0, maximum: 60_000 } }, additionalProperties: false },
      version: '1.0.0',
      costClass: 'light',
      annotations: { readOnlyHint: true },
      handler: async ({ delayMs = 50 }, ctx) => {
        for (const step of [0, 50, 100]) {
          if (step > 0) await sleep(delayMs, ctx.signal);
          ctx.progress(step, 100);
        }
        return { content: [{ type: 'text', text: 'Progress test completed' }] };
      },
    }),
    defineTool({
      name: 'test_tool_with_logging',
      description: 'Logs three messages 50 ms apart while it runs',
      inputSchema: noArgs,
      version: '1.0.0',
      costClass: 'light',
      annotations: { readOnlyHint: true },
      handler: async (_args, ctx) => {
        ctx.logger.log('Tool execution started');
        await sleep(50, ctx.signal);
        ctx.logger.log('Tool processing data');
        await sleep(50, ctx.signal);
        ctx.logger.log('Tool execution completed');
        return { content: [{ type: 'text', text: 'Logging test completed' }] };
      },
    }),
  ];
}

function fixtureResources() {
  return [
    defineResource({
      uri: 'test://static-text', name: 'static-text', description: 'A static text resource', mimeType: 'text/plain',
      read: async () => ({ contents: [{ uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' }] }),
    }),
    defineResource({
      uri: 'test://static-binary', name: 'static-binary', description: 'A static binary resource (a 1x1 PNG)', mimeType: 'image/png',
      read: async () => ({ contents: [{ uri: 'test://static-binary', mimeType: 'image/png', blob: PNG_1X1 }] }),
    }),
    defineResource({
      uri: 'test://watched-resource', name: 'watched-resource', description: 'A resource clients may subscribe to', mimeType: 'text/plain',
      read: async () => ({ contents: [{ uri: 'test://watched-resource', mimeType: 'text/plain', text: 'Watched resource content' }] }),
    }),
  ];
}

function fixtureTemplates() {
  return [
    defineResourceTemplate({
      uriTemplate: 'test://template/{id}/data', name: 'template-data', description: 'Data for one id', mimeType: 'application/json',
      read: async (uri, variables) => ({
        contents: [{ uri, mimeType: 'application/json', text: JSON.stringify({ id: variables['id'], templateTest: true, data: `Data for ID: ${String(variables['id'])}` }) }],
      }),
      complete: { id: (value) => ['123', '456', '789'].filter((id) => id.startsWith(value)) },
    }),
  ];
}

function fixturePrompts() {
  const text = (value: string): PromptResult['messages'][number] => ({ role: 'user', content: { type: 'text', text: value } });
  return [
    definePrompt({
      name: 'test_simple_prompt', description: 'A simple prompt without arguments',
      get: async () => ({ messages: [text('This is a simple prompt for testing.')] }),
    }),
    definePrompt({
      name: 'test_prompt_with_arguments', description: 'A prompt with two required arguments',
      arguments: [{ name: 'arg1', description: 'First test argument', required: true }, { name: 'arg2', description: 'Second test argument', required: true }],
      get: async (args) => ({ messages: [text(`Prompt with arguments: arg1='${args['arg1']}', arg2='${args['arg2']}'`)] }),
      complete: { arg1: (value) => ['paris', 'park', 'party'].filter((v) => v.startsWith(value)) },
    }),
    definePrompt({
      name: 'test_prompt_with_embedded_resource', description: 'A prompt that embeds a resource',
      arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
      get: async (args) => ({
        messages: [
          { role: 'user', content: { type: 'resource', resource: { uri: args['resourceUri'], mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
          text('Please process the embedded resource above.'),
        ],
      }),
    }),
    definePrompt({
      name: 'test_prompt_with_image', description: 'A prompt with image content',
      get: async () => ({
        messages: [{ role: 'user', content: { type: 'image', data: PNG_1X1, mimeType: 'image/png' } }, text('Please analyze the image above.')],
      }),
    }),
  ];
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
