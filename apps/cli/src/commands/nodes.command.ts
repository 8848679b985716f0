import type { Command } from 'commander';
import { ALL_NODES, type RegistrySnapshot } from '@pimcp/protocol';
import { interactive, withSpinner } from '../shared/activity';
import { addJsonOption, addRegistryOptions, type JsonOption, type RegistryOptions } from '../shared/endpoints';
import { printJson, printTable } from '../shared/output';
import { registryAdmin } from '../shared/registry-admin.client';

type NodesOptions = RegistryOptions & JsonOption;

/** One node as `pimcp nodes list --json` prints it. */
export interface NodeRow {
  nodeId: string;
  labels: Record<string, string>;
  linkAddress: string;
  joinedAt: string;
  draining: boolean;
  capabilities: string[];
  /** Capabilities an operator switched off on this node or everywhere. */
  disabled: string[];
}

/** `pimcp nodes list|drain`: the registry's view of the fleet, over its admin HTTP API. */
export function registerNodesCommand(program: Command): void {
  const nodes = program.command('nodes').description('list the nodes the registry knows, or drain one');

  addJsonOption(addRegistryOptions(nodes.command('list').description('list live nodes: labels, state, tools, link address')))
    .action(async (options: NodesOptions) => {
      const snapshot = await withSpinner('reading the registry', interactive(options.json), () => registryAdmin(options).catalog());
      const rows = nodeRows(snapshot);
      if (options.json) return printJson(rows);
      printTable(
        ['NODE', 'TIER', 'REGION', 'ARCH', 'STATE', 'TOOLS', 'LINK', 'JOINED'],
        rows.map((n) => [
          n.nodeId, n.labels['tier'] ?? '-', n.labels['region'] ?? '-', n.labels['arch'] ?? '-', n.draining ? 'draining' : 'ready',
          `${n.capabilities.length - n.disabled.length}${n.disabled.length ? ` (+${n.disabled.length} off)` : ''}`, n.linkAddress, n.joinedAt,
        ]),
        'No nodes have joined. Start one with `pimcp up` or `node dist/apps/edge-node/main.js`.',
      );
    });

  addJsonOption(addRegistryOptions(nodes.command('drain')
    .description('stop sending new calls to a node; calls in flight finish (the node leaves when it shuts down)')
    .argument('<node-id>', 'the node, as `pimcp nodes list` shows it')))
    .action(async (nodeId: string, options: NodesOptions) => {
      const result = await registryAdmin(options).drain(nodeId);
      if (options.json) return printJson(result);
      process.stdout.write(`node ${result.nodeId} is draining: the gateway sends it no new calls.\n`);
    });
}

export function nodeRows(snapshot: RegistrySnapshot): NodeRow[] {
  const draining = new Set(snapshot.drained.map((d) => d.nodeId));
  return snapshot.nodes
    .map((node) => ({
      nodeId: node.nodeId,
      labels: node.labels,
      linkAddress: node.linkAddress,
      joinedAt: node.joinedAt,
      draining: draining.has(node.nodeId),
      capabilities: [...node.capabilityNames].sort(),
      disabled: node.capabilityNames
        .filter((name) => snapshot.disabled.some((d) => d.name === name && (d.scope === ALL_NODES || d.scope === node.nodeId)))
        .sort(),
    }))
    .sort((a, b) => a.nodeId.localeCompare(b.nodeId));
}
