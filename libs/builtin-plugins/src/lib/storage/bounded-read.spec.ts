import { Readable } from 'node:stream';
import { collectAtMost } from './bounded-read';

/** A stream of `chunk`-sized pieces that never ends by itself, counting how many were pulled. */
function endless(chunk: number): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const stream = new Readable({
    highWaterMark: chunk,
    read() {
      pulled++;
      this.push(Buffer.alloc(chunk, 0x61));
    },
  });
  return { stream, pulled: () => pulled };
}

describe(collectAtMost.name, () => {
  it('returns every byte of a stream within the limit', async () => {
    expect((await collectAtMost(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 4, new AbortController().signal))?.toString()).toBe('abcd');
  });

  it('stops reading an endless stream just past the limit and destroys it', async () => {
    const { stream, pulled } = endless(1024);
    expect(await collectAtMost(stream, 10_000, new AbortController().signal)).toBeUndefined();
    expect(stream.destroyed).toBe(true);
    // 10 chunks hold the limit, the 11th crosses it; a few more may sit in the stream's read-ahead.
    expect(pulled()).toBeLessThan(16);
  });

  it('rejects with the reason when aborted while the stream stalls', async () => {
    const stalled = new Readable({ read: () => undefined });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by the client')), 20);
    await expect(collectAtMost(stalled, 100, controller.signal)).rejects.toThrow('cancelled by the client');
    expect(stalled.destroyed).toBe(true);
  });
});
