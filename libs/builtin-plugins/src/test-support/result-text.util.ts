import type { ToolResult } from '@pimcp/plugin-sdk';

/** The text of a result's first content block. */
export function resultText(result: ToolResult): string {
  return String((result.content?.[0] as { text?: unknown } | undefined)?.text);
}
