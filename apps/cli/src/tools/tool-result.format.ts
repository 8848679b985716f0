import type { CallToolResult, ContentBlock } from '@modelcontextprotocol/client';

/**
 * How `pimcp call` prints a result: structuredContent as indented JSON (the machine-readable answer), else
 * each content block, text as text and binary content as a one-line summary.
 */
export function formatToolResult(result: Pick<CallToolResult, 'content' | 'structuredContent'>): string {
  if (result.structuredContent !== undefined) return `${JSON.stringify(result.structuredContent, null, 2)}\n`;
  const blocks = (result.content ?? []).map(formatBlock);
  return blocks.length === 0 ? '' : `${blocks.join('\n')}\n`;
}

function formatBlock(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text.replace(/\n$/, '');
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType}, ${base64Bytes(block.data)} bytes]`;
    case 'resource': {
      const resource = block.resource as { uri: string; text?: string; blob?: string };
      return resource.text ?? `[resource ${resource.uri}${resource.blob ? `, ${base64Bytes(resource.blob)} bytes` : ''}]`;
    }
    case 'resource_link':
      return `[link ${block.uri}${block.name ? ` (${block.name})` : ''}]`;
    default:
      return JSON.stringify(block);
  }
}

function base64Bytes(data: string): number {
  return Buffer.byteLength(data, 'base64');
}
