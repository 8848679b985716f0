import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { readFully, syncFolder, writeFully } from './file-io';
import { decodeEntries, encodeEntries, padTo4 } from './vector-entries.codec';
import { VectorFileError } from './vector-file.error';
import { VectorSet } from './vector-set';

/*
 * Snapshot file, little-endian:
 *   0  "PIMCPVEC"   8  u32 version (1)   12 u32 dimensions   16 u32 count   20 u32 0
 *   24 u64 sequence number of the last change it holds   32 u64 bytes of the entries
 *   40 entries (ids and metadata, see vector-entries.codec), zero padding to a multiple of 4,
 *      count × dimensions float32 (unit vectors, slot order), u32 CRC-32 of every byte before it.
 */
const MAGIC = Buffer.from('PIMCPVEC');
const VERSION = 1;
const HEADER_BYTES = 40;
const CHUNK_BYTES = 8 * 1024 * 1024;

/** Writes the set as a snapshot: to a temp file, fsynced, then renamed over `path`, so a crash leaves the old one whole. */
export async function writeSnapshot(path: string, set: VectorSet, lastSeq: number): Promise<void> {
  const { ids, metadata } = set.entries();
  const entries = encodeEntries(ids, metadata);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(VERSION, 8);
  header.writeUInt32LE(set.dimensions, 12);
  header.writeUInt32LE(set.size, 16);
  header.writeBigUInt64LE(BigInt(lastSeq), 24);
  header.writeBigUInt64LE(BigInt(entries.length), 32);
  const pad = Buffer.alloc(padTo4(entries.length));
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w', 0o644);
  try {
    let crc = 0;
    let position = 0;
    const write = async (part: Uint8Array) => {
      await writeFully(handle, part, position);
      position += part.length;
      crc = crc32(part, crc);
    };
    for (const part of [header, entries, pad]) await write(part);
    const floats = set.vectorBytes();
    for (let at = 0; at < floats.length; at += CHUNK_BYTES) await write(floats.subarray(at, Math.min(floats.length, at + CHUNK_BYTES)));
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32LE(crc >>> 0, 0);
    await writeFully(handle, trailer, position);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await syncFolder(dirname(path));
}

/** Loads a snapshot, or returns undefined when there is none; a file that is not whole and correct is refused. */
export async function readSnapshot(path: string, dimensions: number, maxVectors: number): Promise<{ set: VectorSet; lastSeq: number } | undefined> {
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
  if (!handle) return undefined;
  try {
    const size = (await handle.stat()).size;
    const read = async (bytes: number | Uint8Array, position: number): Promise<Buffer> => {
      const target = typeof bytes === 'number' ? Buffer.alloc(bytes) : bytes;
      if (!(await readFully(handle, target, position, CHUNK_BYTES))) throw new VectorFileError('the index file is torn: it ends early');
      return Buffer.from(target.buffer, target.byteOffset, target.length);
    };
    if (size < HEADER_BYTES + 4) throw new VectorFileError(`the index file is torn: ${size} bytes, less than a header`);
    const header = await read(HEADER_BYTES, 0);
    if (!header.subarray(0, 8).equals(MAGIC)) throw new VectorFileError('the index file is not a PiMCP vector index (wrong magic bytes)');
    if (header.readUInt32LE(8) !== VERSION) throw new VectorFileError(`the index file has format version ${header.readUInt32LE(8)}; this node reads version ${VERSION}`);
    const fileDimensions = header.readUInt32LE(12);
    if (fileDimensions !== dimensions) {
      throw new VectorFileError(`the index file holds ${fileDimensions}-dimensional vectors but the config says ${dimensions}; fix dimensions or remove the file`);
    }
    const count = header.readUInt32LE(16);
    if (count > maxVectors) throw new VectorFileError(`the index file holds ${count} vectors, more than maxVectors (${maxVectors}); raise maxVectors`);
    const entriesBytes = Number(header.readBigUInt64LE(32));
    const floatsAt = HEADER_BYTES + entriesBytes + padTo4(entriesBytes);
    const expected = floatsAt + count * dimensions * 4 + 4;
    if (size !== expected) throw new VectorFileError(`the index file is torn or truncated: ${size} bytes where its header promises ${expected}`);
    const front = await read(floatsAt - HEADER_BYTES, HEADER_BYTES);
    const set = new VectorSet(dimensions, maxVectors);
    const floats = await read(set.bytesFor(count), floatsAt);
    const trailer = await read(4, expected - 4);
    const crc = crc32(floats, crc32(front, crc32(header))) >>> 0;
    if (crc !== trailer.readUInt32LE(0)) throw new VectorFileError('the index file is corrupt: its checksum does not match its contents');
    const { ids, metadata } = decodeEntries(front.subarray(0, entriesBytes), count, true, 'the index file');
    if (new Set(ids).size !== ids.length) throw new VectorFileError('the index file is corrupt: an id appears twice');
    set.adopt(ids, metadata);
    return { set, lastSeq: Number(header.readBigUInt64LE(24)) };
  } finally {
    await handle.close();
  }
}
