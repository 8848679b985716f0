import { appendFileSync, existsSync, mkdirSync, readFileSync, rmdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError } from '@pimcp/plugin-sdk';
import { tempDir } from '../../test-support/temp-dir.util';
import { VectorFileError } from './vector-file.error';
import { type Neighbour, VectorIndex, type VectorIndexOptions } from './vector-index';

/** xorshift32: the same "random" vectors on every run, and no Math.random (slow inside jest's vm context). */
function randomFloats(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let x = seed | 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

/** Exact cosine k-nearest by sorting every similarity, in float64 from the raw (unnormalised) vectors. */
function naiveNearest(vectors: Float32Array, ids: string[], d: number, query: ArrayLike<number>, k: number): Array<{ id: string; score: number }> {
  const norm = (v: ArrayLike<number>, at: number) => Math.sqrt(Array.from({ length: d }, (_, j) => v[at + j] ** 2).reduce((a, b) => a + b, 0));
  const q = norm(query, 0);
  return ids.map((id, i) => {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += vectors[i * d + j] * query[j];
    return { id, score: dot / (norm(vectors, i * d) * q) };
  }).sort((a, b) => b.score - a.score).slice(0, k);
}

const ids = (neighbours: Neighbour[]) => neighbours.map((n) => n.id);

describe(VectorIndex.name, () => {
  const dir = tempDir('vector-index');
  let counter = 0;
  const options = (overrides: Partial<VectorIndexOptions> = {}): VectorIndexOptions => ({
    path: join(dir(), `index-${++counter}.idx`), dimensions: 8, maxVectors: 1000, readOnly: false, compactLogBytes: 64 * 1024 * 1024, maxMetadataBytes: 256, ...overrides,
  });
  const open = (o: VectorIndexOptions) => VectorIndex.open(o);

  describe('search', () => {
    it('finds the same neighbours, in the same order, as a naive sort of every cosine similarity', async () => {
      const d = 16;
      const n = 2000;
      const vectors = randomFloats(n * d, 7);
      const names = Array.from({ length: n }, (_, i) => `doc-${i}`);
      const index = await open(options({ dimensions: d, maxVectors: n }));
      await index.addBatch(names, vectors);
      const queries = randomFloats(20 * d, 99);
      for (let q = 0; q < 20; q++) {
        const query = queries.subarray(q * d, (q + 1) * d);
        const expected = naiveNearest(vectors, names, d, query, 10);
        const found = await index.search(query, 10);
        expect(ids(found)).toEqual(expected.map((e) => e.id));
        found.forEach((neighbour, i) => expect(neighbour.score).toBeCloseTo(expected[i].score, 5));
      }
      expect(await index.search(queries.subarray(0, d), 5000)).toHaveLength(n);
      await index.close();
    });

    it('finds a stored vector as its own nearest neighbour among 100,000 of 384 dimensions', async () => {
      const d = 384;
      const n = 100_000;
      const o = options({ dimensions: d, maxVectors: n });
      const index = await open(o);
      const chunk = 10_000;
      const probes = new Map<string, Float32Array>();
      for (let c = 0; c < n / chunk; c++) {
        const vectors = randomFloats(chunk * d, 1000 + c);
        const names = Array.from({ length: chunk }, (_, i) => `v${c * chunk + i}`);
        await index.addBatch(names, vectors);
        // Keep a few vectors as queries: the first and last of a chunk, and one in the middle.
        for (const i of [0, 4321, chunk - 1]) probes.set(names[i], vectors.slice(i * d, (i + 1) * d));
      }
      expect(index.size).toBe(n);
      for (const [id, vector] of probes) {
        const [best, second] = await index.search(vector, 2);
        expect(best.id).toBe(id);
        expect(best.score).toBeCloseTo(1, 5);
        expect(second.score).toBeLessThan(0.5);
      }
      // Cosine ignores length: the same direction, scaled, finds the same vector.
      const scaled = Array.from(probes.get('v4321') as Float32Array, (x) => x * 37.5);
      expect(ids(await index.search(scaled, 1))).toEqual(['v4321']);
      // Deleting moves the last vector (v99999) into the freed slot; both stay findable correctly.
      await index.delete(['v4321']);
      expect(ids(await index.search(probes.get('v4321') as Float32Array, 1))).not.toEqual(['v4321']);
      expect(ids(await index.search(probes.get('v99999') as Float32Array, 1))).toEqual(['v99999']);
      const before = await index.search(probes.get('v50000') as Float32Array, 5);
      await index.close();
      const reopened = await open({ ...o, readOnly: true });
      expect(reopened.size).toBe(n - 1);
      expect(await reopened.search(probes.get('v50000') as Float32Array, 5)).toEqual(before);
      await reopened.close();
    }, 120_000);
  });

  it('stops a search between chunks when its signal aborts', async () => {
    // 20,000 vectors of 128 dimensions are two scan chunks: the search yields once, and the abort lands there.
    const index = await open(options({ dimensions: 128, maxVectors: 20_000 }));
    await index.addBatch(Array.from({ length: 20_000 }, (_, i) => `v${i}`), randomFloats(20_000 * 128, 5));
    const controller = new AbortController();
    const search = index.search(randomFloats(128, 6), 3, controller.signal);
    setImmediate(() => controller.abort(new Error('cancelled by the client')));
    await expect(search).rejects.toThrow('cancelled by the client');
    expect(await index.search(randomFloats(128, 6), 3)).toHaveLength(3);
    await index.close();
  });

  it('refuses metadata that is not a JSON object', async () => {
    const index = await open(options());
    await expect(index.add([{ id: 'x', vector: [1, 0, 0, 0, 0, 0, 0, 0], metadata: '"just a string"' }])).rejects.toThrow('the metadata of "x" must be a JSON object');
    await index.close();
  });

  describe('persistence', () => {
    const items = [
      { id: 'a', vector: [1, 0, 0, 0, 0, 0, 0, 0], metadata: '{"title":"first"}' },
      { id: 'b', vector: [1, 1, 0, 0, 0, 0, 0, 0] },
      { id: 'c', vector: [0, 0, 1, 0, 0, 0, 0, 0], metadata: '{"title":"third"}' },
      { id: 'd', vector: [-1, 0.5, 0, 0, 0, 0, 0, 2] },
    ];
    // Cosine with the query: a 0.995, b (after its replacement) 0.989, unit vectors on other axes 0, d -0.434.
    const query = [1, 0, 0.1, 0, 0, 0, 0, 0];

    async function changed(o: VectorIndexOptions): Promise<Neighbour[]> {
      const index = await open(o);
      await index.add(items);
      await index.add([{ id: 'b', vector: [0.9, 0.1, 0, 0, 0, 0, 0, 0], metadata: '{"v":2}' }]);
      await index.delete(['c', 'nope']);
      const results = await index.search(query, 10);
      await index.close();
      return results;
    }

    it.each([
      ['from the log alone', {}],
      ['from a snapshot written after every change', { compactLogBytes: 1 }],
    ])('reopens with the same vectors, ids and metadata, %s', async (_label, overrides) => {
      const o = options(overrides);
      const before = await changed(o);
      expect(ids(before)).toEqual(['a', 'b', 'd']);
      expect(before[1]).toMatchObject({ id: 'b', metadata: '{"v":2}' });
      const reopened = await open(o);
      expect(reopened.size).toBe(3);
      expect(await reopened.search(query, 10)).toEqual(before);
      await reopened.close();
    });

    it('keeps working after reopening: new changes land after the replayed ones', async () => {
      const o = options();
      await changed(o);
      const index = await open(o);
      await index.add([{ id: 'e', vector: [0, 0, 0, 0, 0, 0, 1, 0] }]);
      await index.close();
      const again = await open(o);
      expect(ids(await again.search(query, 10))).toEqual(['a', 'b', 'e', 'd']);
      await again.close();
    });

    it('recovers when the node died between writing a snapshot and starting a new log', async () => {
      const o = options();
      const before = await changed(o);
      const staleLog = readFileSync(`${o.path}.log`);
      const index = await open(o);
      await index.compact();
      await index.close();
      writeFileSync(`${o.path}.log`, staleLog); // as if the node died before the log was replaced
      const reopened = await open(o);
      expect(await reopened.search(query, 10)).toEqual(before);
      await reopened.close();
    });

    it('drops a torn last log record (its call never returned) and cuts it off', async () => {
      const o = options();
      const before = await changed(o);
      const index = await open(o);
      // Three vectors: longer than the record appended after reopening, so uncut leftovers would follow it.
      await index.add(['torn-1', 'torn-2', 'torn-3'].map((id) => ({ id, vector: [1, 0, 0, 0, 0, 0, 0, 0] })));
      await index.close();
      truncateSync(`${o.path}.log`, statSync(`${o.path}.log`).size - 10);
      const reopened = await open(o);
      expect(await reopened.search(query, 10)).toEqual(before);
      await reopened.add([{ id: 'after', vector: [0, 1, 0, 0, 0, 0, 0, 0] }]);
      await reopened.close();
      const third = await open(o);
      expect(ids(await third.search(query, 10))).toEqual(['a', 'b', 'after', 'd']);
      await third.close();
    });

    it('keeps a change whose snapshot could not be written, and says so', async () => {
      const warnings: string[] = [];
      const o = options({ compactLogBytes: 1, onWarning: (message) => warnings.push(message) });
      mkdirSync(`${o.path}.tmp`); // the snapshot's temp file cannot be created: EISDIR
      const index = await open(o);
      await index.add(items);
      expect(warnings).toEqual([`vector index ${o.path}: writing a snapshot failed (EISDIR); changes stay in the log, which keeps growing`]);
      expect(existsSync(o.path)).toBe(false);
      await index.close();
      const reopened = await open(o);
      expect(reopened.size).toBe(4);
      await reopened.close();
    });

    it('takes no more changes when the log could not be replaced after a snapshot', async () => {
      const o = options({ compactLogBytes: 1 });
      const index = await open(o);
      mkdirSync(`${o.path}.log.tmp`); // the new log's temp file cannot be created
      await index.add(items);
      await expect(index.add([{ id: 'later', vector: [1, 0, 0, 0, 0, 0, 0, 0] }])).rejects.toThrow('the index takes no changes until the node restarts: a new log could not be started after a snapshot (EISDIR)');
      expect(ids(await index.search(query, 10))).toEqual(['a', 'b', 'c', 'd']);
      await index.close();
      rmdirSync(`${o.path}.log.tmp`);
      const reopened = await open(o);
      expect(reopened.size).toBe(4);
      await reopened.close();
    });

    it.each([
      ['a truncated snapshot', (path: string) => truncateSync(path, statSync(path).size - 100), /torn or truncated: \d+ bytes where its header promises \d+/],
      ['a snapshot shorter than its header', (path: string) => truncateSync(path, 20), /the index file is torn: 20 bytes, less than a header/],
      ['a flipped byte in the vectors', (path: string) => flipByte(path, statSync(path).size - 50), /the index file is corrupt: its checksum does not match/],
      ['a file of something else', (path: string) => writeFileSync(path, Buffer.alloc(500, 7)), /not a PiMCP vector index/],
    ])('refuses %s with a clear error', async (_label, damage, message) => {
      const o = options({ compactLogBytes: 1 });
      await changed(o);
      damage(o.path);
      await expect(open(o)).rejects.toThrow(VectorFileError);
      await expect(open(o)).rejects.toThrow(message);
    });

    it('refuses a log damaged before its last record', async () => {
      const o = options();
      await changed(o);
      flipByte(`${o.path}.log`, 16 + 12 + 30); // inside the first record's payload
      await expect(open(o)).rejects.toThrow('the index log is corrupt: the record at byte 16 fails its checksum');
    });

    it('refuses a log with garbage after a record, rather than guessing', async () => {
      const o = options();
      await changed(o);
      appendFileSync(`${o.path}.log`, Buffer.alloc(40, 0xab));
      await expect(open(o)).rejects.toThrow(/the record at byte \d+ has a damaged head/);
    });

    it('refuses files written for other dimensions', async () => {
      const o = options({ compactLogBytes: 1 });
      await changed(o);
      await expect(open({ ...o, dimensions: 16 })).rejects.toThrow('the index file holds 8-dimensional vectors but the config says 16');
    });
  });

  describe('refusals', () => {
    let index: VectorIndex;

    beforeAll(async () => {
      index = await open(options({ maxVectors: 3, maxMetadataBytes: 20 }));
      await index.add([{ id: 'one', vector: [1, 2, 3, 4, 5, 6, 7, 8] }]);
    });

    afterAll(() => index.close());

    it.each([
      ['a vector of the wrong dimension', [{ id: 'x', vector: [1, 2, 3] }], 'the vector of "x" has 3 numbers; this index takes vectors of 8'],
      ['NaN', [{ id: 'x', vector: [1, 2, NaN, 4, 5, 6, 7, 8] }], 'the vector of "x"[2] is NaN; every number must be finite'],
      ['Infinity', [{ id: 'x', vector: [1, 2, 3, 4, 5, 6, 7, -Infinity] }], 'the vector of "x"[7] is -Infinity; every number must be finite'],
      ['the zero vector', [{ id: 'x', vector: [0, 0, 0, 0, 0, 0, 0, 0] }], 'the vector of "x" is all zeros; it has no direction'],
      ['an id twice in one call', [{ id: 'x', vector: [1, 0, 0, 0, 0, 0, 0, 0] }, { id: 'x', vector: [0, 1, 0, 0, 0, 0, 0, 0] }], 'id "x" appears twice in this call'],
      ['a lone surrogate in an id', [{ id: 'bad\ud800', vector: [1, 0, 0, 0, 0, 0, 0, 0] }], 'is not well-formed Unicode'],
      ['a control character in an id', [{ id: 'a\nb', vector: [1, 0, 0, 0, 0, 0, 0, 0] }], 'id "a\\nb" holds control characters'],
      ['metadata over the limit', [{ id: 'x', vector: [1, 0, 0, 0, 0, 0, 0, 0], metadata: '{"text":"far too long for it"}' }], 'the metadata of "x" is 30 bytes as JSON; this node keeps at most 20 per vector'],
      ['more vectors than maxVectors', ['p', 'q', 'r'].map((id) => ({ id, vector: [1, 0, 0, 0, 0, 0, 0, 0] })), 'the index holds 1 of at most 3 vectors and this call adds 3 new ones'],
    ])('refuses %s, changing nothing', async (_label, items, message) => {
      await expect(index.add(items)).rejects.toThrow(ToolError);
      await expect(index.add(items)).rejects.toThrow(message);
      expect(index.size).toBe(1);
    });

    it('refuses a query of the wrong dimension, NaN or zeros', async () => {
      await expect(index.search([1, 2], 3)).rejects.toThrow('the query vector has 2 numbers; this index takes vectors of 8');
      await expect(index.search([1, 2, 3, 4, 5, 6, 7, NaN], 3)).rejects.toThrow('the query vector[7] is NaN');
      await expect(index.search(new Array(8).fill(0), 3)).rejects.toThrow('the query vector is all zeros');
    });

    it('replaces the vector of an id that is already stored, within maxVectors', async () => {
      expect(await index.add([{ id: 'one', vector: [0, 0, 0, 0, 0, 0, 0, 1] }])).toEqual({ added: 0, replaced: 1 });
      expect(ids(await index.search([0, 0, 0, 0, 0, 0, 0, 1], 1))).toEqual(['one']);
      expect((await index.search([0, 0, 0, 0, 0, 0, 0, 1], 1))[0].score).toBeCloseTo(1, 6);
    });

    it('refuses changes to a read-only index', async () => {
      const o = options();
      await (await open(o)).close();
      const readOnly = await open({ ...o, readOnly: true });
      await expect(readOnly.add([{ id: 'x', vector: [1, 0, 0, 0, 0, 0, 0, 0] }])).rejects.toThrow('the index is read-only on this node (readOnly is on)');
      await expect(readOnly.delete(['x'])).rejects.toThrow('the index is read-only on this node');
      await readOnly.close();
    });
  });
});

function flipByte(path: string, at: number): void {
  const data = readFileSync(path);
  data[at] ^= 0xff;
  writeFileSync(path, data);
}

