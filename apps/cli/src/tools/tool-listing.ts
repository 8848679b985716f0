import type { Tool } from '@modelcontextprotocol/client';

/** A tool as `pimcp tools list` shows it: the federated name and the nodes whose aliases offer it. */
export interface ListedTool {
  name: string;
  title?: string;
  description?: string;
  /** Nodes with a `<node>.<name>` alias; empty for tools the gateway serves itself (context.*, cluster.map). */
  nodes: string[];
  readOnly: boolean;
}

/** A node id has no dots (NODE_ID_PATTERN), so an alias is `<first segment>.<a listed tool name>`. */
export function splitAlias(name: string, federated: ReadonlySet<string>): { nodeId: string; tool: string } | undefined {
  const dot = name.indexOf('.');
  if (dot <= 0) return undefined;
  const tool = name.slice(dot + 1);
  return federated.has(tool) ? { nodeId: name.slice(0, dot), tool } : undefined;
}

/** Folds the gateway's list (each tool once, plus `<node>.<tool>` per node) into one row per tool with its nodes. */
export function groupTools(tools: Tool[]): ListedTool[] {
  const names = new Set(tools.map((t) => t.name));
  const nodesOf = new Map<string, string[]>();
  const federated: Tool[] = [];
  for (const tool of tools) {
    const alias = splitAlias(tool.name, names);
    if (alias) nodesOf.set(alias.tool, [...(nodesOf.get(alias.tool) ?? []), alias.nodeId]);
    else federated.push(tool);
  }
  return federated
    .map((tool) => ({
      name: tool.name,
      ...(tool.title ? { title: tool.title } : {}),
      ...(tool.description ? { description: tool.description } : {}),
      nodes: (nodesOf.get(tool.name) ?? []).sort(),
      readOnly: tool.annotations?.readOnlyHint === true,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The aliases one node offers, as `<node>.<tool>` names. */
export function toolsOfNode(tools: Tool[], nodeId: string): Tool[] {
  const names = new Set(tools.map((t) => t.name));
  return tools.filter((t) => splitAlias(t.name, names)?.nodeId === nodeId).sort((a, b) => a.name.localeCompare(b.name));
}
