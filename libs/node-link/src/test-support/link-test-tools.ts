import { definePrompt, defineResourceTemplate, defineTool, type ToolDefinition } from '@pimcp/plugin-sdk';
import { OfferingHost } from '../lib/node/offering-host';

/** Tools both link transports are tested with: one that reports progress and logs, one that runs until aborted. */
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
        ctx.logger.warn('counted to 3');
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

/** A resource template and a prompt, for forwarded requests over both transports. */
export function linkTestOfferings(): OfferingHost {
  return new OfferingHost({
    resourceTemplates: [defineResourceTemplate({
      uriTemplate: 'pi://sensors/{name}', name: 'sensor',
      read: async (uri, vars) => ({ contents: [{ uri, mimeType: 'text/plain', text: `${String(vars['name'])}=21.5` }] }),
    })],
    prompts: [definePrompt({
      name: 'greet', arguments: [{ name: 'who', required: true }],
      get: async (args) => ({ messages: [{ role: 'user', content: { type: 'text', text: `hello ${args['who']}` } }] }),
    })],
  });
}
