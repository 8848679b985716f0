import { type ToolContext, type ToolLogger, unavailableContext } from '@pimcp/plugin-sdk';

export interface RecordedCall {
  context: ToolContext;
  controller: AbortController;
  progress: Array<{ progress: number; total?: number; message?: string }>;
  logs: string[];
}

/** A ToolContext as a node gives one to a handler, recording what the handler relays. */
export function recordedCall(deadlineMs = 20_000): RecordedCall {
  const controller = new AbortController();
  const progress: RecordedCall['progress'] = [];
  const logs: string[] = [];
  const logger: ToolLogger = {
    log: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warning ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  const context: ToolContext = {
    signal: controller.signal,
    progress: (p, total, message) => progress.push({ progress: p, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) }),
    logger,
    requestId: `test-${Math.random().toString(36).slice(2)}`,
    caller: { subject: 'test' },
    deadline: Date.now() + deadlineMs,
    meta: {},
    context: unavailableContext('test', 'tests have no context store'),
  };
  return { context, controller, progress, logs };
}
