import { Logger } from '@nestjs/common';
import type { CallToolResult, LoggingMessageNotificationParams, Tool } from '@modelcontextprotocol/client';
import { defineTool, type ToolContext, type ToolDefinition, type ToolLogger, type ToolResult } from '@pimcp/plugin-sdk';
import { manifestLimits, SEMVER_PATTERN } from '@pimcp/protocol';
import type { BridgedServer } from '../connection/bridged-server';
import { toPimcpError } from './bridge-errors';
import { toolNameFilter } from './tool-name-filter';

const logger = new Logger('mcp-bridge');

/**
 * The server's tools as node tools: `<prefix>.<name>` (names the registry cannot take are skipped with a warning),
 * each call forwarded on the shared connection with the caller's abort signal, deadline and progress.
 */
export function bridgedTools(server: BridgedServer): ToolDefinition[] {
  const { config } = server;
  const wanted = toolNameFilter(config.include, config.exclude);
  const version = server.current.version && SEMVER_PATTERN.test(server.current.version) ? server.current.version : '1.0.0';
  const tools: ToolDefinition[] = [];
  for (const tool of server.current.tools.filter((t) => wanted(t.name))) {
    const name = config.prefix ? `${config.prefix}.${tool.name}` : tool.name;
    try {
      tools.push(defineTool({
        name,
        description: (tool.description || tool.title || tool.name).slice(0, manifestLimits.descriptionMaxLength),
        inputSchema: tool.inputSchema as Record<string, unknown>,
        ...(tool.outputSchema ? { outputSchema: tool.outputSchema as Record<string, unknown> } : {}),
        ...annotationsOf(tool),
        version,
        costClass: config.costClass,
        handler: (args, ctx) => callTool(server, tool.name, args, ctx),
      }, { schemas: 'full' })); // another server's schemas: one the registry would refuse must not stop the node's join
    } catch (err) {
      logger.warn(`${config.name}: not offering tool "${tool.name}" as "${name}": ${(err as Error).message}`);
    }
  }
  return tools;
}

async function callTool(server: BridgedServer, name: string, args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult> {
  const timeout = Math.max(1, Math.min(ctx.deadline - Date.now(), server.config.callTimeoutMs));
  try {
    const result: CallToolResult = await server.use(
      (client) => client.callTool({ name, arguments: args }, {
        signal: ctx.signal,
        timeout,
        onprogress: (p) => ctx.progress(p.progress, p.total, p.message),
      }),
      { log: (params) => relayLog(ctx.logger, params), ...(ctx.requestClient ? { requestClient: ctx.requestClient } : {}) },
    );
    return result as ToolResult;
  } catch (err) {
    throw toPimcpError(err, ctx.signal, `${server.config.name}/${name}`);
  }
}

/** A child's logging message, at its level, to the caller (as notifications/message) and the node's log. */
export function relayLog(target: ToolLogger, params: LoggingMessageNotificationParams): void {
  const text = typeof params.data === 'string' ? params.data : JSON.stringify(params.data);
  const line = params.logger ? `${params.logger}: ${text}` : text;
  if (['error', 'critical', 'alert', 'emergency'].includes(params.level)) target.error(line);
  else if (params.level === 'warning') target.warn(line);
  else target.log(line);
}

function annotationsOf(tool: Tool): Pick<ToolDefinition, 'annotations'> {
  const a = tool.annotations ?? {};
  const title = tool.title ?? a.title;
  const picked = {
    ...(title ? { title: title.slice(0, manifestLimits.titleMaxLength) } : {}),
    ...(typeof a.readOnlyHint === 'boolean' ? { readOnlyHint: a.readOnlyHint } : {}),
    ...(typeof a.destructiveHint === 'boolean' ? { destructiveHint: a.destructiveHint } : {}),
    ...(typeof a.idempotentHint === 'boolean' ? { idempotentHint: a.idempotentHint } : {}),
    ...(typeof a.openWorldHint === 'boolean' ? { openWorldHint: a.openWorldHint } : {}),
  };
  return Object.keys(picked).length > 0 ? { annotations: picked } : {};
}
