/** How much of a file's start decides whether it is binary. */
export const SNIFF_BYTES = 8192;

/** A NUL byte in the first 8 KiB marks a file as binary, as git and grep decide. */
export function looksBinary(sample: Buffer): boolean {
  return sample.subarray(0, SNIFF_BYTES).includes(0);
}

/** Drops an incomplete UTF-8 sequence at the end of `data` (a read that stopped mid-character). */
export function withoutPartialCharacter(data: Buffer): Buffer {
  // Look back over at most 3 continuation bytes (10xxxxxx) for the sequence's lead byte.
  for (let back = 1; back <= Math.min(4, data.length); back++) {
    const byte = data[data.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? data.subarray(0, data.length - back) : data;
  }
  return data;
}
