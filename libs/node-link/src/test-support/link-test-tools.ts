import { defineTool, type ToolDefinition } from '@pimcp/plugin-sdk';

/** Tools both link transports are tested with: one that reports progress, one that runs until aborted. */
export function linkTestTools(onAbort: (reason: unknown) => void): ToolDefinition[] {
  return [
    defineTool({
      name: 'test.count', description: 'counts with progress', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' },
      handler: async (_args, ctx) => {
        // Spaced out, so a test can tell streamed progress from progress batched with the result.
        for (let i = 1; i <= 3; i++) {
          ctx.progress(i, 3);
          await new Promise((r) => setTimeout(r, 20));
        }
        return { content: [{ type: 'text', text: 'counted' }], structuredContent: { n: 3 } };
      },
    }),
    defineTool({
      name: 'test.wait', description: 'waits until aborted', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' },
      handler: (_args, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => {
        onAbort(ctx.signal.reason);
        reject(ctx.signal.reason);
      })),
    }),
  ];
}
