import { VectorFileError } from './vector-file.error';

/** Bytes that bring `length` up to a multiple of 4, so the float32 data after it is aligned. */
export function padTo4(length: number): number {
  return (4 - (length % 4)) % 4;
}

/**
 * The id and metadata of each vector, in slot order: `u16 id bytes, id (UTF-8)`, then with metadata
 * `u32 (metadata bytes + 1, 0 for none), metadata (UTF-8 JSON)`. Little-endian throughout.
 */
export function encodeEntries(ids: readonly string[], metadata?: ReadonlyArray<string | undefined>): Buffer {
  const idBytes = ids.map((id) => Buffer.from(id, 'utf8'));
  const metaBytes = metadata ? ids.map((_, i) => (metadata[i] === undefined ? undefined : Buffer.from(metadata[i] as string, 'utf8'))) : [];
  const size = idBytes.reduce((sum, b) => sum + 2 + b.length, 0) + (metadata ? metaBytes.reduce((sum, b) => sum + 4 + (b?.length ?? 0), 0) : 0);
  const out = Buffer.alloc(size);
  let at = 0;
  for (const [i, id] of idBytes.entries()) {
    at = out.writeUInt16LE(id.length, at);
    at += id.copy(out, at);
    if (!metadata) continue;
    const meta = metaBytes[i];
    at = out.writeUInt32LE(meta === undefined ? 0 : meta.length + 1, at);
    if (meta) at += meta.copy(out, at);
  }
  return out;
}

/** Reads `count` entries that must fill `data` exactly; anything else is a corrupt file (`what` names it). */
export function decodeEntries(data: Buffer, count: number, withMetadata: boolean, what: string): { ids: string[]; metadata: Array<string | undefined> } {
  const ids: string[] = [];
  const metadata: Array<string | undefined> = [];
  let at = 0;
  const need = (bytes: number) => {
    if (at + bytes > data.length) throw new VectorFileError(`${what} is corrupt: its id list ends early`);
  };
  for (let i = 0; i < count; i++) {
    need(2);
    const idLength = data.readUInt16LE(at);
    need(2 + idLength);
    ids.push(data.toString('utf8', at + 2, at + 2 + idLength));
    at += 2 + idLength;
    if (!withMetadata) continue;
    need(4);
    const metaLength = data.readUInt32LE(at);
    at += 4;
    if (metaLength === 0) {
      metadata.push(undefined);
      continue;
    }
    need(metaLength - 1);
    metadata.push(data.toString('utf8', at, at + metaLength - 1));
    at += metaLength - 1;
  }
  if (at !== data.length) throw new VectorFileError(`${what} is corrupt: ${data.length - at} stray bytes after its id list`);
  return { ids, metadata };
}
