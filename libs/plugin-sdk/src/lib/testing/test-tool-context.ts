import type { ToolContext } from '../tool-definition';
import { unavailableContext } from '../context/context-handle';

/** A handler context for calling a tool directly in a unit test (a plugin's own tests, the node's). */
export function testToolContext(overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    signal: new AbortController().signal,
    progress: () => undefined,
    requestId: 'r-test',
    caller: { subject: 'test' },
    meta: {},
    context: unavailableContext('test', 'unit tests have no context store'),
    deadline: Date.now() + 10_000,
    logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    ...overrides,
  };
}
