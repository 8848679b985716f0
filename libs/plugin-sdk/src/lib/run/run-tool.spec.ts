import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { defineTool } from '../define-tool';
import { unavailableContext } from '../context/context-handle';
import type { ToolContext, ToolResult } from '../tool-definition';
import { ToolError } from '../tool-error';
import { runTool } from './run-tool';
import { validateToolArguments } from './validate-arguments';

const context = (): ToolContext => ({
  signal: new AbortController().signal, progress: () => undefined, requestId: 'r-1', caller: { subject: 'test' },
  deadline: Date.now() + 1000, meta: {}, context: unavailableContext('test', 'unit test'), logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
});

const seen: Array<Record<string, unknown>> = [];
const orders = defineTool<{ customer: string; items: Array<{ sku: string; qty: number }>; express?: boolean }>({
  name: 'shop.order',
  description: 'Places an order',
  version: '1.0.0',
  costClass: 'light',
  inputSchema: {
    type: 'object',
    properties: {
      customer: { type: 'string', minLength: 1 },
      items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } }, required: ['sku', 'qty'] } },
      express: { type: 'boolean', default: false },
    },
    required: ['customer', 'items'],
    additionalProperties: false,
  },
  outputSchema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
  handler: async (args) => {
    seen.push(args);
    if (args.customer === 'blocked') throw new ToolError('this customer may not order');
    if (args.customer === 'crash') throw new Error('database exploded');
    if (args.customer === 'wrong-shape') return { content: [], structuredContent: { orderId: 42 } };
    if (args.customer === 'no-structure') return { content: [{ type: 'text', text: 'ok' }] };
    if (args.customer === 'soft-fail') return { isError: true, content: [{ type: 'text', text: 'out of stock' }] };
    return { structuredContent: { orderId: 'o-1' } };
  },
});

async function rejection(promise: Promise<unknown>): Promise<PimcpError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PimcpError);
  return err as PimcpError;
}

describe('validateToolArguments', () => {
  it('names every bad field with its path', () => {
    const err = (() => {
      try {
        validateToolArguments(orders, { items: [{ sku: 'a', qty: 0 }, { qty: 1 }], colour: 'red' });
        return undefined;
      } catch (e) {
        return e as PimcpError;
      }
    })();
    expect(err?.code).toBe(ErrorCode.InvalidArguments);
    expect(err?.problems).toEqual(expect.arrayContaining([
      { path: 'arguments.customer', message: 'is required' },
      { path: 'arguments.colour', message: 'is not an allowed property' },
      { path: 'arguments.items[0].qty', message: 'must be >= 1' },
      { path: 'arguments.items[1].sku', message: 'is required' },
    ]));
    expect(err?.message).toMatch(/^invalid arguments for shop\.order: .*arguments\.customer: is required/);
  });

  it('fills schema defaults into a copy, leaving the caller\'s object alone', () => {
    const input = { customer: 'ann', items: [] };
    expect(validateToolArguments(orders, input)).toEqual({ customer: 'ann', items: [], express: false });
    expect(input).toEqual({ customer: 'ann', items: [] });
  });

  it('treats missing arguments as an empty object', () => {
    const noArgs = defineTool({ name: 'x.y', description: 'd', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' }, handler: async () => ({ content: [] }) });
    expect(validateToolArguments(noArgs, undefined)).toEqual({});
  });

  it('honours a draft-07 schema', () => {
    const legacy = defineTool({
      name: 'x.legacy', description: 'd', version: '1.0.0', costClass: 'light', handler: async () => ({ content: [] }),
      inputSchema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
    });
    expect(() => validateToolArguments(legacy, {})).toThrow(/arguments\.n: is required/);
  });
});

describe('runTool', () => {
  it('runs the handler with validated arguments and normalises a structured-only result', async () => {
    const result = await runTool(orders, { customer: 'ann', items: [{ sku: 'a', qty: 1 }] }, context());
    expect(seen.at(-1)).toEqual({ customer: 'ann', items: [{ sku: 'a', qty: 1 }], express: false });
    expect(result).toEqual({ structuredContent: { orderId: 'o-1' }, content: [{ type: 'text', text: '{"orderId":"o-1"}' }] });
  });

  it('never runs the handler when the arguments are invalid', async () => {
    const before = seen.length;
    expect((await rejection(runTool(orders, { customer: 3 }, context()))).code).toBe(ErrorCode.InvalidArguments);
    expect(seen.length).toBe(before);
  });

  it('turns a thrown ToolError into an isError result, and passes a returned one through', async () => {
    const items = [{ sku: 'a', qty: 1 }];
    expect(await runTool(orders, { customer: 'blocked', items }, context())).toEqual({ isError: true, content: [{ type: 'text', text: 'this customer may not order' }] });
    expect((await runTool(orders, { customer: 'soft-fail', items }, context())).isError).toBe(true);
  });

  it('lets any other exception through for the host to report as a protocol error', async () => {
    await expect(runTool(orders, { customer: 'crash', items: [] }, context())).rejects.toThrow('database exploded');
  });

  it('holds successful results to the outputSchema', async () => {
    const wrong = await rejection(runTool(orders, { customer: 'wrong-shape', items: [] }, context()));
    expect(wrong.code).toBe(ErrorCode.Internal);
    expect(wrong.message).toContain('structuredContent.orderId: must be string');
    const missing = await rejection(runTool(orders, { customer: 'no-structure', items: [] }, context()));
    expect(missing.message).toContain('returned no structuredContent');
  });

  it('refuses a result that is not a CallToolResult', async () => {
    const broken = defineTool({
      name: 'x.broken', description: 'd', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' },
      handler: async () => 'hello' as unknown as ToolResult,
    });
    expect((await rejection(runTool(broken, {}, context()))).message).toBe('x.broken returned a string, not a CallToolResult object');
  });
});
