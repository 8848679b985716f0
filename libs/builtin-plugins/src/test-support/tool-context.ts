import { type ToolContext, unavailableContext } from '@pimcp/plugin-sdk';

/** A handler context for calling a tool directly in a unit test. */
export function toolContext(overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    signal: new AbortController().signal,
    progress: () => undefined,
    requestId: 'r-test',
    caller: { subject: 'test' },
    meta: {},
    context: unavailableContext('test', 'unit tests have no context store'),
    deadline: Date.now() + 30_000,
    logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    ...overrides,
  };
}
