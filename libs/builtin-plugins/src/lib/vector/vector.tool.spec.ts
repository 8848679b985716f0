import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool, type ToolContext, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { ErrorCode } from '@pimcp/protocol';
import { resultText } from '../../test-support/result-text.util';
import { tempDir } from '../../test-support/temp-dir.util';
import { toolContext } from '../../test-support/tool-context';
import { parseVectorConfig } from './vector.config';
import { type VectorPlugin, vectorPlugin } from './vector.plugin';

interface SearchOutput {
  results: Array<{ id: string; score: number; distance: number; metadata?: Record<string, unknown> }>;
  searched: number;
}

describe('vector tools', () => {
  const dir = tempDir('vector-tools');
  let plugin: VectorPlugin;
  const rawConfig = () => ({
    indexes: {
      notes: { path: join(dir(), 'notes.idx'), dimensions: 3, maxVectors: 10, readOnly: false },
      frozen: { path: join(dir(), 'frozen.idx'), dimensions: 3 },
      broken: { path: join(dir(), 'broken.idx'), dimensions: 3 },
    },
    maxK: 5,
    maxBatch: 4,
    maxMetadataBytes: 64,
  });
  const call = (name: string, args: Record<string, unknown>, ctx: Partial<ToolContext> = {}): Promise<ToolResult> =>
    runTool(plugin.tools?.find((t) => t.name === name) as ToolDefinition, args, toolContext(ctx));
  const search = async (args: Record<string, unknown>) => (await call('vector.search', args)).structuredContent as unknown as SearchOutput;

  beforeAll(() => {
    writeFileSync(join(dir(), 'broken.idx'), Buffer.alloc(64, 1));
    plugin = vectorPlugin(parseVectorConfig(rawConfig()));
  });

  afterAll(() => plugin.close());

  it('adds vectors with metadata and finds the nearest by cosine, best first', async () => {
    const added = await call('vector.add', {
      index: 'notes',
      items: [
        { id: 'east', vector: [1, 0, 0], metadata: { title: 'East', tags: ['a'] } },
        { id: 'north', vector: [0, 5, 0] },
        { id: 'north-east', vector: [2, 2, 0], metadata: { title: 'NE' } },
      ],
    });
    expect(added.structuredContent).toEqual({ index: 'notes', added: 3, replaced: 0, count: 3 });
    const found = await search({ index: 'notes', vector: [1, 0.1, 0], k: 2 });
    expect(found.results.map((r) => r.id)).toEqual(['east', 'north-east']);
    expect(found.results[0]).toMatchObject({ metadata: { title: 'East', tags: ['a'] } });
    expect(found.results[0].score).toBeCloseTo(1 / Math.sqrt(1.01), 6);
    expect(found.results[0].distance).toBeCloseTo(1 - found.results[0].score, 12);
    expect(found.searched).toBe(3);
    expect((await search({ index: 'notes', vector: [1, 0.1, 0], k: 2, includeMetadata: false })).results[0].metadata).toBeUndefined();
  });

  it('replaces a vector added again under its id', async () => {
    const replaced = await call('vector.add', { index: 'notes', items: [{ id: 'east', vector: [0, 0, 1], metadata: { title: 'Up now' } }] });
    expect(replaced.structuredContent).toEqual({ index: 'notes', added: 0, replaced: 1, count: 3 });
    const found = await search({ index: 'notes', vector: [0, 0, 1], k: 1 });
    expect(found.results).toEqual([expect.objectContaining({ id: 'east', metadata: { title: 'Up now' } })]);
  });

  it('deletes by id and reports ids it did not hold', async () => {
    const deleted = await call('vector.delete', { index: 'notes', ids: ['north', 'nowhere'] });
    expect(deleted.structuredContent).toEqual({ index: 'notes', deleted: ['north'], missing: ['nowhere'], count: 2 });
    expect((await search({ index: 'notes', vector: [0, 1, 0], k: 5 })).results.map((r) => r.id)).toEqual(['north-east', 'east']);
  });

  it('keeps what was added across a restart of the plugin', async () => {
    const before = await search({ index: 'notes', vector: [1, 1, 1], k: 5 });
    await plugin.close();
    plugin = vectorPlugin(parseVectorConfig(rawConfig()));
    expect(await search({ index: 'notes', vector: [1, 1, 1], k: 5 })).toEqual({ ...before, durationMs: expect.any(Number) });
  });

  it.each([
    ['a vector of the wrong dimension', { index: 'notes', items: [{ id: 'x', vector: [1, 2] }] }, 'the vector of "x" has 2 numbers; this index takes vectors of 3'],
    ['the zero vector', { index: 'notes', items: [{ id: 'x', vector: [0, 0, 0] }] }, 'the vector of "x" is all zeros'],
    ['metadata over the limit', { index: 'notes', items: [{ id: 'x', vector: [1, 2, 3], metadata: { text: 'y'.repeat(80) } }] }, 'the metadata of "x" is 91 bytes as JSON; this node keeps at most 64 per vector'],
    ['a change to a read-only index', { index: 'frozen', items: [{ id: 'x', vector: [1, 2, 3] }] }, 'vector index "frozen" is read-only on this node (readOnly is on); writable indexes: notes'],
    ['an unknown index', { index: 'secret', items: [{ id: 'x', vector: [1, 2, 3] }] }, 'no vector index named "secret" on this node; indexes: notes, frozen, broken'],
  ])('refuses %s as a tool error', async (_label, args, message) => {
    const result = await call('vector.add', args);
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain(message);
  });

  it('refuses a query of the wrong dimension', async () => {
    const result = await call('vector.search', { index: 'notes', vector: [1, 2] });
    expect(resultText(result)).toBe('the query vector has 2 numbers; this index takes vectors of 3');
  });

  // JSON cannot carry NaN or Infinity, but an in-process caller can, and the schema check lets them pass.
  it('refuses NaN and Infinity in a query or a new vector as tool errors', async () => {
    expect(resultText(await call('vector.search', { index: 'notes', vector: [1, NaN, 0] }))).toBe('the query vector[1] is NaN; every number must be finite');
    const added = await call('vector.add', { index: 'notes', items: [{ id: 'inf', vector: [Infinity, 0, 0] }] });
    expect(resultText(added)).toBe('the vector of "inf"[0] is Infinity; every number must be finite');
    expect((await search({ index: 'notes', vector: [1, 0, 0], k: 5 })).searched).toBe(2);
  });

  it('refuses every call on an index whose file is corrupt, and says what to do', async () => {
    const result = await call('vector.search', { index: 'broken', vector: [1, 2, 3] });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toBe('vector index "broken" cannot be used: the index file is not a PiMCP vector index (wrong magic bytes) (broken.idx). ' +
      'The node operator restores broken.idx (and broken.idx.log) from a backup, or removes them to start the index empty, and restarts the node.');
    expect(resultText(result)).not.toContain(dir());
    await expect(plugin.ready()).rejects.toThrow('vector index "broken" cannot be used');
    expect((await search({ index: 'frozen', vector: [1, 2, 3] })).results).toEqual([]);
  });

  it('rejects a cancelled search with the reason, not as a tool error', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the client'));
    await expect(call('vector.search', { index: 'notes', vector: [1, 2, 3] }, { signal: controller.signal })).rejects.toThrow('cancelled by the client');
  });

  it('refuses arguments outside its schema', async () => {
    await expect(call('vector.search', { index: 'notes', vector: [1, 2, 3], k: 6 })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(call('vector.search', { index: 'notes', vector: [] })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    const five = Array.from({ length: 5 }, (_, i) => ({ id: `i${i}`, vector: [1, 2, 3] }));
    await expect(call('vector.add', { index: 'notes', items: five })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(call('vector.add', { index: 'notes', items: [{ id: 'x'.repeat(257), vector: [1, 2, 3] }] })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(call('vector.delete', { index: 'notes', ids: [], path: '/x' })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
  });
});
