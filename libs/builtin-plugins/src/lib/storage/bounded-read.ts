import { addAbortSignal, type Readable } from 'node:stream';

/**
 * Collects a stream's bytes, or returns undefined as soon as they exceed `maxBytes`: the stream is then
 * destroyed, so an object that grew or whose size was misreported is never buffered past the limit.
 * Aborting `signal` destroys the stream and rejects with the signal's reason.
 */
export async function collectAtMost(stream: Readable, maxBytes: number, signal: AbortSignal): Promise<Buffer | undefined> {
  addAbortSignal(signal, stream);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) return undefined; // leaving the loop destroys the stream
      chunks.push(chunk);
    }
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw err;
  }
  return Buffer.concat(chunks, total);
}
