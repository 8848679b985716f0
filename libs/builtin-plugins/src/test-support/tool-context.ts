import { type ToolContext, testToolContext } from '@pimcp/plugin-sdk';

/** The SDK's unit-test handler context, with a longer deadline: some plugin specs run real child processes. */
export function toolContext(overrides: Partial<ToolContext> = {}): ToolContext {
  return testToolContext({ deadline: Date.now() + 30_000, ...overrides });
}
