import type { Tool } from '@modelcontextprotocol/server';
import type { ListedTool } from '../calls/tool-catalog.port';

/** A catalog entry as an MCP Tool: schemas and annotations pass through as the node declared them. */
export function toMcpTool({ name, definition }: ListedTool): Tool {
  return {
    name,
    description: definition.description,
    inputSchema: definition.inputSchema as Tool['inputSchema'],
    ...(definition.outputSchema ? { outputSchema: definition.outputSchema as Tool['outputSchema'] } : {}),
    ...(definition.annotations ? { annotations: { ...definition.annotations } } : {}),
    ...(definition.annotations?.title ? { title: definition.annotations.title } : {}),
  };
}
