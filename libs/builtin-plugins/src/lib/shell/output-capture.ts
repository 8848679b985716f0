import { withoutPartialCharacter } from '../common/utf8-boundary';

/** Keeps the first `max` bytes of one output stream and counts the rest, so a cap can say what it cut. */
export class OutputCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  /** Every byte the stream produced, kept or not. */
  total = 0;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.kept >= this.max) return;
    const part = chunk.subarray(0, this.max - this.kept);
    this.chunks.push(part);
    this.kept += part.length;
  }

  get truncated(): boolean {
    return this.total > this.kept;
  }

  text(): string {
    const data = Buffer.concat(this.chunks);
    return (this.truncated ? withoutPartialCharacter(data) : data).toString('utf8');
  }
}
