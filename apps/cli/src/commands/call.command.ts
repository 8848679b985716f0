import type { Command } from 'commander';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { Activity, interactive } from '../shared/activity';
import { CliError } from '../shared/cli-error';
import { addGatewayOptions, addJsonOption, type GatewayOptions, type JsonOption } from '../shared/endpoints';
import { collect, duration } from '../shared/option-parsers';
import { printJson } from '../shared/output';
import { buildToolArguments } from '../tools/tool-arguments';
import { formatToolResult } from '../tools/tool-result.format';

interface CallOptions extends GatewayOptions, JsonOption {
  arg?: string[];
  jsonArgs?: string;
  target?: string;
  context?: string;
  timeout: number;
}

/** `pimcp call <tool>`: one tool call through the gateway, with progress, printed for people or scripts. */
export function registerCallCommand(program: Command): void {
  addJsonOption(addGatewayOptions(program.command('call')
    .description('call a tool through the gateway and print its result (structured content as JSON, text as text)')
    .argument('<tool>', 'the tool name (system.info), or <node>.<tool> for one node')
    .option('--arg <key=value>', 'an argument; repeat for more. Numbers, booleans and JSON are parsed where the tool\'s input schema says so', collect)
    .option('--json-args <object>', 'arguments as one JSON object (--arg values win)')
    .option('--target <selector>', 'route to matching nodes: a node id or labels such as region=tokyo,tier=edge')
    .option('--context <id>', 'the shared context the tool works in (_meta io.pimcp/context)')
    .option('--timeout <duration>', 'give up after this long without an answer or progress (30, 90s, 5m)', duration, 60)
    .addHelpText('after', '\nExamples:\n  pimcp call system.info\n  pimcp call file.search --arg pattern=\'*.log\' --arg maxResults=20\n  pimcp call context.put --json-args \'{"context":"demo","key":"plan","value":{"step":1}}\'\n\nExit codes: 0 ok, 1 the tool reported an error, 2 usage, 3 gateway unreachable, 4 token refused.')))
    .action(async (name: string, options: CallOptions) => {
      const { findTool, withGateway } = await import('../shared/gateway-session');
      const result = await withGateway(options, async (session) => {
        const tool = await findTool(session, name);
        const args = buildToolArguments(tool.inputSchema, options.arg ?? [], options.jsonArgs);
        const meta = { ...(options.target ? { 'io.pimcp/target': options.target } : {}), ...(options.context ? { 'io.pimcp/context': options.context } : {}) };
        const activity = new Activity(`calling ${name}`, interactive(options.json));
        try {
          return await session.client.callTool(
            { name, arguments: args, ...(Object.keys(meta).length ? { _meta: meta } : {}) },
            {
              timeout: options.timeout * 1000,
              resetTimeoutOnProgress: true,
              onprogress: (p) => activity.update(p.progress, p.total, p.message ?? `calling ${name}`),
            },
          );
        } finally {
          activity.stop();
        }
      });
      printResult(name, result as CallToolResult, options.json === true);
    });
}

function printResult(name: string, result: CallToolResult, json: boolean): void {
  if (json) printJson(result);
  else if (!result.isError) process.stdout.write(formatToolResult(result));
  if (result.isError) {
    throw CliError.failure(`${name} reported an error${json ? '' : `: ${formatToolResult({ content: result.content }).trim() || '(no message)'}`}`);
  }
}
