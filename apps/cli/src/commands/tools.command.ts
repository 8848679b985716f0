import type { Command } from 'commander';
import { interactive, withSpinner } from '../shared/activity';
import { addGatewayOptions, addJsonOption, addRegistryOptions, type GatewayOptions, type JsonOption, type RegistryOptions } from '../shared/endpoints';
import { printJson, printTable } from '../shared/output';
import { registryAdmin } from '../shared/registry-admin.client';
import { groupTools, toolsOfNode } from '../tools/tool-listing';

type ListOptions = GatewayOptions & JsonOption & { node?: string };
type SwitchOptions = RegistryOptions & JsonOption & { node?: string };

/** `pimcp tools list` (what the gateway offers a client) and `pimcp tools enable|disable` (registry switches). */
export function registerToolsCommand(program: Command): void {
  const tools = program.command('tools').description('list the tools the gateway offers; switch a capability on or off');

  addJsonOption(addGatewayOptions(tools.command('list')
    .description('list the tools a client sees through the gateway, each with the nodes that offer it')
    .option('--node <id>', 'list the per-node aliases one node offers (<node>.<tool>), which call that node only')))
    .action(async (options: ListOptions) => {
      const { withGateway } = await import('../shared/gateway-session');
      const listed = await withSpinner('asking the gateway', interactive(options.json), () => withGateway(options, async ({ client }) => (await client.listTools()).tools));
      if (options.node) {
        const aliases = toolsOfNode(listed, options.node);
        if (options.json) return printJson(aliases);
        return printTable(['TOOL', 'DESCRIPTION'], aliases.map((t) => [t.name, oneLine(t.description)]),
          `Node ${options.node} offers no tools through this gateway; \`pimcp nodes list\` shows the nodes.`);
      }
      const rows = groupTools(listed);
      if (options.json) return printJson(rows);
      printTable(['TOOL', 'NODES', 'DESCRIPTION'], rows.map((t) => [t.name, t.nodes.join(',') || '(gateway)', oneLine(t.description)]),
        'The gateway offers no tools: no node has joined, or every tool is switched off.');
    });

  for (const enabled of [true, false]) {
    addJsonOption(addRegistryOptions(tools.command(enabled ? 'enable' : 'disable')
      .description(enabled
        ? 'switch a capability back on, everywhere or on one node'
        : 'switch a capability off, everywhere or on one node (kept across node restarts until enabled)')
      .argument('<capability>', 'the capability name, e.g. system.info (not a <node>.<tool> alias: use --node)')
      .option('--node <id>', 'only on this node')))
      .action(async (capability: string, options: SwitchOptions) => {
        const result = await registryAdmin(options).setCapabilityEnabled(capability, enabled, options.node);
        if (options.json) return printJson(result);
        process.stdout.write(`${result.name} ${enabled ? 'enabled' : 'disabled'} on ${options.node ? `node ${options.node}` : 'every node'} (registry revision ${result.revision}).\n`);
      });
  }
}

function oneLine(text: string | undefined, width = 80): string {
  const line = (text ?? '').split('\n')[0] ?? '';
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
