import { Worker } from 'node:worker_threads';
import { ToolError } from '@pimcp/plugin-sdk';

// Inline (eval) source, so a bundle needs no second file. The thread only runs the caller's pattern.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const regex = new RegExp(workerData.source, workerData.flags);
parentPort.on('message', (lines) => {
  const hits = [];
  for (let i = 0; i < lines.length; i++) if (regex.test(lines[i])) hits.push(i);
  parentPort.postMessage(hits);
});
`;

/**
 * Runs a caller's regular expression on its own thread. JavaScript regexes backtrack, so a pattern such
 * as `(a+)+$` can spin for hours on one line; on the node's main thread that would stall every call and
 * the heartbeat. Here a batch that outlives its budget terminates the thread and fails the call.
 */
export class RegexLineWorker {
  private readonly worker: Worker;
  private failure: Error | undefined;

  constructor(source: string, flags: string, private readonly budgetMs: number) {
    this.worker = new Worker(SOURCE, { eval: true, workerData: { source, flags }, resourceLimits: { maxOldGenerationSizeMb: 64 } });
    this.worker.unref();
    this.worker.on('error', (err) => (this.failure = err));
  }

  /** Indexes of the lines the pattern matches; rejects with a ToolError when the batch takes too long. */
  matching(lines: string[], signal: AbortSignal): Promise<Set<number>> {
    if (this.failure) return Promise.reject(new ToolError(`the regular expression could not run: ${this.failure.message}`));
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const done = (outcome: () => void) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.worker.off('message', onMessage);
        this.worker.off('error', onError);
        outcome();
      };
      const onMessage = (hits: number[]) => done(() => resolve(new Set(hits)));
      const onError = (err: Error) => done(() => reject(new ToolError(`the regular expression could not run: ${err.message}`)));
      const onAbort = () => done(() => {
        void this.worker.terminate();
        reject(signal.reason);
      });
      const timer = setTimeout(() => done(() => {
        void this.worker.terminate();
        this.failure = new Error('it was stopped after exceeding its time budget');
        reject(new ToolError(`the regular expression took longer than ${this.budgetMs} ms on ${lines.length} lines; make it simpler (avoid nested repetition such as (a+)+) or use "contains"`));
      }), this.budgetMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.worker.on('message', onMessage);
      this.worker.once('error', onError);
      this.worker.postMessage(lines);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
