import { Presets, SingleBar } from 'cli-progress';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Spinners and bars go to stderr, only on a terminal and never with --json, so stdout stays clean for pipes. */
export function interactive(json: boolean | undefined, stream: NodeJS.WriteStream = process.stderr): boolean {
  return !json && stream.isTTY === true && !process.env['CI'];
}

/**
 * Shows a spinner (no total known) or a progress bar (total known) on stderr once work has taken over
 * a second; silent when not interactive. Built on cli-progress, which redraws one line in place.
 */
export class Activity {
  private bar?: SingleBar;
  private readonly timer?: NodeJS.Timeout;
  private spin?: NodeJS.Timeout;
  private frame = 0;
  private state: { label: string; value: number; total?: number };

  constructor(label: string, private readonly enabled: boolean, delayMs = 1000, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.state = { label, value: 0 };
    if (enabled) this.timer = setTimeout(() => this.show(), delayMs);
  }

  /** Progress as a count of total; without a total the spinner shows the count and the label. */
  update(value: number, total?: number, label?: string): void {
    this.state = { label: label ?? this.state.label, value, ...(total !== undefined ? { total } : {}) };
    if (!this.bar) return;
    if (total !== undefined && this.bar.getTotal() !== total) this.bar.setTotal(total);
    this.bar.update(value, this.payload());
  }

  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.spin);
    this.bar?.stop();
    this.bar = undefined;
  }

  private show(): void {
    const withTotal = this.state.total !== undefined;
    this.bar = new SingleBar(
      {
        format: withTotal ? '{bar} {value}/{total} {label}' : '{spinner} {label} {count}',
        clearOnComplete: true,
        hideCursor: true,
        stream: this.stream,
      },
      Presets.shades_classic,
    );
    this.bar.start(this.state.total ?? 0, this.state.value, this.payload());
    if (!withTotal) {
      this.spin = setInterval(() => {
        this.frame = (this.frame + 1) % FRAMES.length;
        this.bar?.update(this.payload());
      }, 100);
      this.spin.unref();
    }
  }

  private payload(): Record<string, string> {
    return { label: this.state.label, spinner: FRAMES[this.frame] ?? '', count: this.count() };
  }

  private count(): string {
    if (this.state.total !== undefined) return `${this.state.value}/${this.state.total}`;
    return this.state.value > 0 ? String(this.state.value) : '';
  }
}

/** Runs work under a spinner that appears only if it takes over a second. */
export async function withSpinner<T>(label: string, enabled: boolean, work: () => Promise<T>): Promise<T> {
  const activity = new Activity(label, enabled);
  try {
    return await work();
  } finally {
    activity.stop();
  }
}
