import { type FileHandle, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { readFully, syncFolder, writeFully } from './file-io';
import { decodeEntries, encodeEntries, padTo4 } from './vector-entries.codec';
import { VectorFileError } from './vector-file.error';

/*
 * Append log, little-endian: a header "PIMCPVLG", u32 version (1), u32 dimensions; then one record per
 * change: u32 payload bytes, u32 CRC-32 of the payload, u32 CRC-32 of those 8 bytes, and the payload:
 *   u8 op (1 add, 2 delete), 3 zero bytes, u32 count, u64 sequence number, u64 entry bytes,
 *   entries (ids, and metadata for adds), zero padding to a multiple of 4, count × d float32 (adds).
 * Sequence numbers run on across snapshots: replay skips what the snapshot already holds.
 */
const MAGIC = Buffer.from('PIMCPVLG');
const VERSION = 1;
const HEADER_BYTES = 16;
const RECORD_HEAD_BYTES = 12;
const PAYLOAD_HEAD_BYTES = 24;

export enum LogOp {
  Add = 1,
  Delete = 2,
}

export interface LogRecord {
  readonly op: LogOp;
  readonly seq: number;
  readonly ids: readonly string[];
  readonly metadata: ReadonlyArray<string | undefined>;
  /** Adds: ids.length unit vectors, back to back. */
  readonly vectors: Float32Array;
}

/** An encoded record; an add's unit vectors are written into `vectors` before it is appended. */
export interface PendingRecord {
  readonly bytes: Buffer;
  readonly vectors: Float32Array;
}

export function addRecord(dimensions: number, ids: readonly string[], metadata: ReadonlyArray<string | undefined>): PendingRecord {
  return encode(LogOp.Add, dimensions, ids, encodeEntries(ids, metadata));
}

export function deleteRecord(ids: readonly string[]): PendingRecord {
  return encode(LogOp.Delete, 0, ids, encodeEntries(ids));
}

function encode(op: LogOp, dimensions: number, ids: readonly string[], entries: Buffer): PendingRecord {
  const floatsAt = RECORD_HEAD_BYTES + PAYLOAD_HEAD_BYTES + entries.length + padTo4(entries.length);
  const floatCount = op === LogOp.Add ? ids.length * dimensions : 0;
  // Buffer.alloc never hands out a slice of the shared pool: byteOffset is 0 and floatsAt is aligned.
  const bytes = Buffer.alloc(floatsAt + floatCount * 4);
  bytes.writeUInt8(op, RECORD_HEAD_BYTES);
  bytes.writeUInt32LE(ids.length, RECORD_HEAD_BYTES + 4);
  bytes.writeBigUInt64LE(BigInt(entries.length), RECORD_HEAD_BYTES + 16);
  entries.copy(bytes, RECORD_HEAD_BYTES + PAYLOAD_HEAD_BYTES);
  return { bytes, vectors: new Float32Array(bytes.buffer, bytes.byteOffset + floatsAt, floatCount) };
}

/** Seals a record once its vectors are written: its sequence number, lengths and checksums go in. */
function seal(record: PendingRecord, seq: number): Buffer {
  const { bytes } = record;
  bytes.writeBigUInt64LE(BigInt(seq), RECORD_HEAD_BYTES + 8);
  bytes.writeUInt32LE(bytes.length - RECORD_HEAD_BYTES, 0);
  bytes.writeUInt32LE(crc32(bytes.subarray(RECORD_HEAD_BYTES)) >>> 0, 4);
  bytes.writeUInt32LE(crc32(bytes.subarray(0, 8)) >>> 0, 8);
  return bytes;
}

/** The open append log of a writable index. Every append is fsynced before it returns. */
export class VectorLog {
  private broken = false;

  private constructor(private readonly handle: FileHandle, private size: number) {}

  /** Replaces the log at `path` with an empty one (temp file, fsync, rename) and opens it for appends. */
  static async start(path: string, dimensions: number): Promise<VectorLog> {
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header.writeUInt32LE(VERSION, 8);
    header.writeUInt32LE(dimensions, 12);
    const temp = `${path}.tmp`;
    const created = await open(temp, 'w', 0o644);
    try {
      await writeFully(created, header, 0);
      await created.sync();
    } finally {
      await created.close();
    }
    await rename(temp, path);
    await syncFolder(dirname(path));
    return VectorLog.resume(path, HEADER_BYTES);
  }

  /** Opens an existing log for appends; `validBytes` from replay: a torn tail beyond it is cut off first. */
  static async resume(path: string, validBytes: number): Promise<VectorLog> {
    const handle = await open(path, 'r+');
    try {
      if ((await handle.stat()).size !== validBytes) {
        await handle.truncate(validBytes);
        await handle.sync();
      }
      return new VectorLog(handle, validBytes);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  get bytes(): number {
    return this.size;
  }

  /** Appends `record` as change `seq`, durably. After a failed write the log is cut back to its last good record. */
  async append(record: PendingRecord, seq: number): Promise<void> {
    if (this.broken) throw new VectorFileError('the index log could not be repaired after a failed write; restart the node');
    const bytes = seal(record, seq);
    try {
      await writeFully(this.handle, bytes, this.size);
      await this.handle.datasync();
    } catch (err) {
      // A partial record left behind would make the next one unreadable; cut it off, or stop writing.
      await this.handle.truncate(this.size).catch(() => {
        this.broken = true;
      });
      throw err;
    }
    this.size += bytes.length;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/**
 * Applies the records of the log at `path` that come after `afterSeq`, in order. The last record may be
 * torn (a crash while it was written; its call never returned) and is then left out: `validBytes` says
 * where the good records end. Anything else that is wrong refuses the index.
 */
export async function replayLog(path: string, dimensions: number, afterSeq: number, apply: (record: LogRecord) => void): Promise<{ seq: number; validBytes: number } | undefined> {
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
  if (!handle) return undefined;
  try {
    const size = (await handle.stat()).size;
    const header = Buffer.alloc(HEADER_BYTES);
    if (!(await readFully(handle, header, 0)) || !header.subarray(0, 8).equals(MAGIC)) throw new VectorFileError('the index log is not a PiMCP vector log (bad header)');
    if (header.readUInt32LE(8) !== VERSION) throw new VectorFileError(`the index log has format version ${header.readUInt32LE(8)}; this node reads version ${VERSION}`);
    if (header.readUInt32LE(12) !== dimensions) {
      throw new VectorFileError(`the index log holds ${header.readUInt32LE(12)}-dimensional vectors but the config says ${dimensions}`);
    }
    let at = HEADER_BYTES;
    let seq = afterSeq;
    while (at < size) {
      const payload = await readRecord(handle, at, size);
      if (!payload) break; // torn tail
      const record = decodePayload(payload, dimensions);
      if (record.seq > afterSeq) {
        if (record.seq !== seq + 1) throw new VectorFileError(`the index log is corrupt: change ${seq + 1} is missing (found ${record.seq})`);
        apply(record);
        seq = record.seq;
      }
      at += RECORD_HEAD_BYTES + payload.length;
    }
    return { seq, validBytes: at };
  } finally {
    await handle.close();
  }
}

/** The payload of the record at `at`; undefined for a torn last record; a VectorFileError for damage before the end. */
async function readRecord(handle: FileHandle, at: number, size: number): Promise<Buffer | undefined> {
  if (size - at < RECORD_HEAD_BYTES) return undefined;
  const head = Buffer.alloc(RECORD_HEAD_BYTES);
  await readFully(handle, head, at);
  if ((crc32(head.subarray(0, 8)) >>> 0) !== head.readUInt32LE(8)) {
    throw new VectorFileError(`the index log is corrupt: the record at byte ${at} has a damaged head`);
  }
  const length = head.readUInt32LE(0);
  const end = at + RECORD_HEAD_BYTES + length;
  if (end > size) return undefined;
  const payload = Buffer.alloc(length);
  if (!(await readFully(handle, payload, at + RECORD_HEAD_BYTES))) return undefined;
  if ((crc32(payload) >>> 0) !== head.readUInt32LE(4)) {
    if (end === size) return undefined;
    throw new VectorFileError(`the index log is corrupt: the record at byte ${at} fails its checksum`);
  }
  return payload;
}

function decodePayload(payload: Buffer, dimensions: number): LogRecord {
  if (payload.length < PAYLOAD_HEAD_BYTES) throw new VectorFileError('the index log is corrupt: a record is too short');
  const op = payload.readUInt8(0);
  const count = payload.readUInt32LE(4);
  const seq = Number(payload.readBigUInt64LE(8));
  const entriesBytes = Number(payload.readBigUInt64LE(16));
  if (op !== LogOp.Add && op !== LogOp.Delete) throw new VectorFileError(`the index log is corrupt: unknown operation ${op}`);
  const floatsAt = PAYLOAD_HEAD_BYTES + entriesBytes + padTo4(entriesBytes);
  const floatCount = op === LogOp.Add ? count * dimensions : 0;
  if (payload.length !== floatsAt + floatCount * 4) throw new VectorFileError('the index log is corrupt: a record has the wrong length');
  const { ids, metadata } = decodeEntries(payload.subarray(PAYLOAD_HEAD_BYTES, PAYLOAD_HEAD_BYTES + entriesBytes), count, op === LogOp.Add, 'the index log');
  return { op, seq, ids, metadata, vectors: new Float32Array(payload.buffer, payload.byteOffset + floatsAt, floatCount) };
}
