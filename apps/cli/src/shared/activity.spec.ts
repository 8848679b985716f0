import { Writable } from 'node:stream';
import { pollUntil } from '@pimcp/testing';
import { Activity, interactive } from './activity';

/** A stand-in terminal: what cli-progress draws lands in `text`. */
function fakeTerminal(): NodeJS.WriteStream & { text: string } {
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { stream.text += chunk.toString(); done(); } }) as unknown as NodeJS.WriteStream & { text: string };
  Object.assign(stream, { text: '', isTTY: true, columns: 100, cursorTo: (_x: number, _y?: unknown, cb?: () => void) => { cb?.(); return true; }, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true });
  return stream;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(Activity.name, () => {
  it('draws a progress bar with value/total and the label once the delay has passed', async () => {
    const terminal = fakeTerminal();
    const activity = new Activity('calling slow.tool', true, 20, terminal);
    activity.update(1, 4, 'step one');
    expect(terminal.text).toBe(''); // nothing before the delay: quick commands do not flicker
    activity.update(2, 4, 'step two');
    await pollUntil(() => /2\/4 step two/.test(terminal.text) || undefined, { timeoutMs: 5000, description: `the bar in ${JSON.stringify(terminal.text)}` });
    activity.stop();
  });

  it('spins with a label when no total is known', async () => {
    const terminal = fakeTerminal();
    const activity = new Activity('asking the gateway', true, 0, terminal);
    await pollUntil(() => /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] asking the gateway/.test(terminal.text) || undefined, { timeoutMs: 5000, description: 'the spinner' });
    activity.stop();
  });

  it('draws nothing when not interactive', async () => {
    const terminal = fakeTerminal();
    const activity = new Activity('quiet', false, 0, terminal);
    activity.update(1, 2);
    await wait(50);
    activity.stop();
    expect(terminal.text).toBe('');
  });
});

describe('interactive', () => {
  it('is false with --json or without a terminal', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const ci = process.env['CI'];
    delete process.env['CI'];
    try {
      expect(interactive(false, tty)).toBe(true);
      expect(interactive(true, tty)).toBe(false);
      expect(interactive(false, { isTTY: false } as NodeJS.WriteStream)).toBe(false);
    } finally {
      if (ci !== undefined) process.env['CI'] = ci;
    }
  });
});
