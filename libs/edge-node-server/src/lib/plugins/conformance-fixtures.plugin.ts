import { defineTool, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';

/** A 1x1 PNG and a tiny WAV, enough for clients to check media content passes through. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';
const WAV_TINY = 'UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==';

const noArgs = { type: 'object', properties: {}, additionalProperties: false };

function fixture(name: string, description: string, result: () => ToolResult): ToolDefinition {
  return defineTool({ name, description, inputSchema: noArgs, version: '1.0.0', costClass: 'light', annotations: { readOnlyHint: true }, handler: async () => result() });
}

/**
 * The tools the official MCP conformance suite expects of a server ("everything server" fixtures),
 * so the suite can run against the gateway through a real node. Enabled with PIMCP_NODE_PLUGINS=conformance-fixtures.
 */
export function conformanceFixtureTools(): ToolDefinition[] {
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
