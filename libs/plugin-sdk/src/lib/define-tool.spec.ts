import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { defineTool } from './define-tool';
import { toCapabilityDefinition } from './to-capability-definition';
import type { ToolDefinition } from './tool-definition';

const spec = {
  name: 'demo.hello',
  description: 'Say hello',
  inputSchema: { type: 'object', properties: { who: { type: 'string' } } },
  version: '1.0.0',
  costClass: 'light' as const,
  handler: async () => ({ content: [{ type: 'text', text: 'hi' }] }),
};

describe(defineTool.name, () => {
  it('returns a tool whose capability definition has no handler', () => {
    const capability = toCapabilityDefinition(defineTool(spec));
    expect(capability).toEqual({ name: 'demo.hello', description: 'Say hello', inputSchema: spec.inputSchema, version: '1.0.0', costClass: 'light' });
  });

  it('keeps the optional fields the manifest carries', () => {
    const capability = toCapabilityDefinition(defineTool({
      ...spec, outputSchema: { type: 'object' }, annotations: { readOnlyHint: true }, offloadable: false,
    }));
    expect(capability).toMatchObject({ outputSchema: { type: 'object' }, annotations: { readOnlyHint: true }, offloadable: false });
  });

  it('refuses a definition the registry would refuse, naming the field', () => {
    const refusal = (overrides: Record<string, unknown>) => {
      try {
        defineTool({ ...spec, ...overrides });
        return undefined;
      } catch (err) {
        return err as PimcpError;
      }
    };
    expect(refusal({ name: 'Bad Name' })).toBeInstanceOf(PimcpError);
    expect(refusal({ name: 'Bad Name' })?.code).toBe(ErrorCode.InvalidManifest);
    expect(refusal({ inputSchema: { type: 'string' } })?.message).toMatch(/inputSchema/);
    expect(refusal({ version: 'one' })?.message).toMatch(/version must be semantic/);
    expect(refusal({ costClass: 'free' })?.message).toMatch(/costClass/);
  });

  it('checks schemas beyond size and type only when asked, and compiles them on the first call', async () => {
    const { runTool } = await import('./run/run-tool');
    const { testToolContext } = await import('./testing/test-tool-context');
    // `minLength` must be a number: Ajv refuses the schema itself, as the registry does at join.
    const badSchema = { type: 'object', properties: { who: { type: 'string', minLength: 'two' } } };

    expect(() => defineTool({ ...spec, inputSchema: badSchema }, { schemas: 'full' })).toThrow(/inputSchema is not valid JSON Schema/);
    const tool = defineTool({ ...spec, inputSchema: badSchema });
    await expect(runTool(tool, { who: 'x' }, testToolContext())).rejects.toThrow(/minLength/);

    const good = defineTool({ ...spec, inputSchema: { type: 'object', properties: { who: { type: 'string', minLength: 2 } } } });
    await expect(runTool(good, { who: 'x' }, testToolContext())).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(runTool(good, { who: 'xy' }, testToolContext())).resolves.toMatchObject({ content: [{ text: 'hi' }] });
  });

  it('refuses a tool without a handler', () => {
    expect(() => defineTool({ ...spec, handler: undefined } as unknown as ToolDefinition)).toThrow(/needs a handler function/);
  });
});

describe('defineTool with zod schemas', () => {
  it('turns zod input and output schemas into the JSON Schema every host validates with', async () => {
    const { z } = await import('zod');
    const { runTool } = await import('./run/run-tool');
    const { unavailableContext } = await import('./context/context-handle');
    const tool = defineTool<{ city: string; days?: number }>({
      name: 'weather.forecast', description: 'forecast', version: '1.0.0', costClass: 'light',
      inputSchema: z.object({ city: z.string().min(1), days: z.number().int().min(1).max(7).optional() }),
      outputSchema: z.object({ city: z.string(), celsius: z.array(z.number()) }),
      handler: async ({ city, days = 1 }) => ({ content: [], structuredContent: { city, celsius: Array.from({ length: days }, () => 21) } }),
    });
    expect(tool.inputSchema).toMatchObject({ type: 'object', properties: { city: { type: 'string', minLength: 1 } }, required: ['city'], additionalProperties: false });
    const ctx = {
      signal: new AbortController().signal, progress: () => undefined, requestId: 'r', caller: { subject: 's' }, deadline: Date.now() + 1000, meta: {},
      context: unavailableContext('c', 'test'), logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    };
    expect((await runTool(tool, { city: 'Tokyo', days: 2 }, ctx)).structuredContent).toEqual({ city: 'Tokyo', celsius: [21, 21] });
    await expect(runTool(tool, { city: '', days: 9 }, ctx)).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
  });
});
