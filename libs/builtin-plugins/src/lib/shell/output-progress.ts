import { StringDecoder } from 'node:string_decoder';
import type { ToolContext } from '@pimcp/plugin-sdk';

const MESSAGE_CHARS = 1000;

/**
 * Streams a running command's output to the caller as progress notifications: the progress value is
 * the bytes written so far (so it always increases), the message the latest output. At most one
 * notification per interval, so a chatty program cannot flood the link.
 */
export class OutputProgress {
  private bytes = 0;
  private reported = 0;
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  constructor(private readonly ctx: ToolContext, private readonly intervalMs = 250) {}

  add(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    this.bytes += chunk.length;
    const text = this.decoders[stream].write(chunk);
    this.pending += stream === 'stderr' && text ? `[stderr] ${text}` : text;
    // Only the tail is ever sent; keep memory flat however much arrives between flushes.
    if (this.pending.length > 4 * MESSAGE_CHARS) this.pending = this.pending.slice(-2 * MESSAGE_CHARS);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Sends what is pending now; call once the command has ended. */
  close(): void {
    this.flush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.bytes === this.reported) return;
    this.reported = this.bytes;
    const text = this.pending.trimEnd();
    this.pending = '';
    const message = text.length > MESSAGE_CHARS ? `…${text.slice(-MESSAGE_CHARS)}` : text;
    this.ctx.progress(this.bytes, undefined, message || `${this.bytes} bytes of output`);
  }
}
