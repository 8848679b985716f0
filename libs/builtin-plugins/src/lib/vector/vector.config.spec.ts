import { join } from 'node:path';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { tempDir } from '../../test-support/temp-dir.util';
import { parseVectorConfig } from './vector.config';
import { vectorPlugin } from './vector.plugin';

function problemsOf(raw: unknown): Array<{ path: string; message: string }> {
  try {
    parseVectorConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(PimcpError);
    expect((err as PimcpError).code).toBe(ErrorCode.InvalidRequest);
    return (err as PimcpError).problems;
  }
  throw new Error('the config was accepted');
}

describe('parseVectorConfig', () => {
  const dir = tempDir('vector-config');

  it.each([undefined, null, {}, { indexes: {} }])('names no index for an absent or empty section (%p): the plugin offers no tool', (raw) => {
    expect(vectorPlugin(parseVectorConfig(raw)).tools).toEqual([]);
  });

  it('makes indexes read-only by default: only vector.search is offered', async () => {
    const config = parseVectorConfig({ indexes: { notes: { path: join(dir(), 'notes.idx'), dimensions: 384 } } });
    expect(config.indexes.get('notes')).toEqual({ name: 'notes', path: join(dir(), 'notes.idx'), dimensions: 384, maxVectors: 100_000, readOnly: true });
    expect(config).toMatchObject({ maxK: 100, maxBatch: 256, maxMetadataBytes: 1024, compactLogBytes: 64 * 1024 * 1024 });
    const plugin = vectorPlugin(config);
    expect(plugin.tools?.map((t) => t.name)).toEqual(['vector.search']);
    await plugin.close();
  });

  it('offers vector.add and vector.delete when one index is writable', async () => {
    const plugin = vectorPlugin(parseVectorConfig({ indexes: { notes: { path: join(dir(), 'rw.idx'), dimensions: 4, readOnly: false } } }));
    expect(plugin.tools?.map((t) => t.name)).toEqual(['vector.search', 'vector.add', 'vector.delete']);
    await plugin.close();
  });

  it('lists every problem with its field path', () => {
    const problems = problemsOf({
      indexes: {
        'bad name': { path: join(dir(), 'a.idx'), dimensions: 4 },
        relative: { path: 'vectors/notes.idx', dimensions: 4 },
        nofolder: { path: join(dir(), 'missing', 'x.idx'), dimensions: 4 },
        nodims: { path: join(dir(), 'b.idx') },
        huge: { path: join(dir(), 'c.idx'), dimensions: 4096, maxVectors: 1_000_000 },
        twin: { path: join(dir(), 'c.idx'), dimensions: 4, hnsw: true },
      },
      maxK: 5000,
      cache: 1,
    });
    expect([...new Set(problems.map((p) => p.path))].sort()).toEqual([
      'cache', 'indexes.huge', 'indexes.nodims.dimensions', 'indexes.nofolder.path', 'indexes.relative.path', 'indexes.twin.hnsw', 'indexes["bad name"]', 'maxK',
    ]);
    const message = (path: string) => problems.find((p) => p.path === path)?.message;
    expect(message('indexes.huge')).toBe('dimensions × maxVectors × 4 bytes is 15625 MiB; one index holds at most 2048 MiB of vectors');
    expect(message('indexes.nofolder.path')).toBe(`its folder ${join(dir(), 'missing')} does not exist on this node`);
  });

  it('refuses two indexes on one file', () => {
    const problems = problemsOf({ indexes: { a: { path: join(dir(), 'same.idx'), dimensions: 4 }, b: { path: join(dir(), 'same.idx'), dimensions: 8 } } });
    expect(problems).toEqual([{ path: 'indexes.b.path', message: 'is also the file of indexes.a; two indexes would overwrite each other' }]);
  });

  it('prefixes paths with where the section sits in the node config', () => {
    expect(() => parseVectorConfig({ maxK: 'many' }, 'plugins.vector')).toThrow(/plugins\.vector\.maxK/);
  });
});
