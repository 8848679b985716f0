/** Drops an incomplete UTF-8 sequence at the end of a cut buffer, so a cap never leaves half a character. */
export function withoutPartialCharacter(data: Buffer): Buffer {
  // A sequence is at most 4 bytes: look back at most 3 bytes for the lead byte of the last character.
  for (let back = 1; back <= Math.min(4, data.length); back++) {
    const byte = data[data.length - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? data.subarray(0, data.length - back) : data;
  }
  return data;
}

/** Cuts `text` to at most `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
