import { type FileHandle, open } from 'node:fs/promises';

/** Reads exactly `target.length` bytes at `position`, or returns false when the file ends first. */
export async function readFully(handle: FileHandle, target: Uint8Array, position: number, chunkBytes = 8 * 1024 * 1024): Promise<boolean> {
  for (let done = 0; done < target.length;) {
    const { bytesRead } = await handle.read(target, done, Math.min(chunkBytes, target.length - done), position + done);
    if (bytesRead === 0) return false;
    done += bytesRead;
  }
  return true;
}

/** Writes all of `data` at `position`, however many writes that takes (a write may be short). */
export async function writeFully(handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < data.length;) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    if (bytesWritten === 0) throw new Error('the disk accepted no more bytes');
    done += bytesWritten;
  }
}

/** Makes a rename durable: the folder's entry list must reach the disk too. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
