import { Worker } from 'node:worker_threads';
import { ToolError } from '@pimcp/plugin-sdk';

/** Lines longer than this are cut before matching: bounds the text one match sees. */
export const MAX_LINE_CHARS = 2000;

export interface LineMatch {
  line: number;
  text: string;
}

// Inline (eval) source so the webpack bundle needs no second file. The thread only runs the pattern.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const regex = new RegExp(workerData.source, workerData.flags);
parentPort.on('message', ({ text, max }) => {
  const hits = [];
  const lines = text.split('\\n');
  for (let i = 0; i < lines.length && hits.length < max; i++) {
    const line = lines[i].length > ${MAX_LINE_CHARS} ? lines[i].slice(0, ${MAX_LINE_CHARS}) : lines[i];
    if (regex.test(line)) hits.push({ line: i + 1, text: line.trimEnd() });
  }
  parentPort.postMessage(hits);
});
`;

/**
 * Runs a caller's regular expression on its own thread. JavaScript regexes backtrack, so a hostile
 * pattern such as `(a+)+$` can spin for hours; on the node's main thread that would stop every call
 * and the heartbeat. Here a match that outlives its budget terminates the thread and fails the search.
 */
export class RegexWorker {
  private readonly worker: Worker;
  private broken: Error | undefined;

  constructor(source: string, flags: string, private readonly budgetMs: number) {
    this.worker = new Worker(SOURCE, { eval: true, workerData: { source, flags }, resourceLimits: { maxOldGenerationSizeMb: 64 } });
    this.worker.unref();
    this.worker.on('error', (err) => (this.broken = err));
  }

  /** The matching lines of `text` (at most `max`); rejects with a ToolError when the pattern takes too long. */
  match(text: string, max: number, signal: AbortSignal, shown: string): Promise<LineMatch[]> {
    if (this.broken) return Promise.reject(new ToolError(`the regular expression could not run: ${this.broken.message}`));
    return new Promise((resolve, reject) => {
      const done = (outcome: () => void) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.worker.off('message', onMessage);
        this.worker.off('error', onError);
        outcome();
      };
      const onMessage = (hits: LineMatch[]) => done(() => resolve(hits));
      const onError = (err: Error) => done(() => reject(new ToolError(`the regular expression could not run: ${err.message}`)));
      const onAbort = () => done(() => {
        void this.worker.terminate();
        reject(signal.reason);
      });
      const timer = setTimeout(() => done(() => {
        void this.worker.terminate();
        reject(new ToolError(`the regular expression took longer than ${this.budgetMs} ms on "${shown}"; make it simpler (avoid nested repetition such as (a+)+)`));
      }), this.budgetMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.worker.on('message', onMessage);
      this.worker.once('error', onError);
      this.worker.postMessage({ text, max });
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
