import type { Command } from 'commander';
import { interactive, withSpinner } from '../shared/activity';
import { addJsonOption, addRegistryOptions, type JsonOption, type RegistryOptions } from '../shared/endpoints';
import { printJson, printTable } from '../shared/output';
import { registryAdmin } from '../shared/registry-admin.client';

type ToolSetsOptions = RegistryOptions & JsonOption;

/**
 * `pimcp toolsets list|get|set|delete`: named tool sets stored in the registry (ADR 0020). Every gateway follows them
 * within moments; scope `toolset:<name>` grants the patterns, and a stored set replaces a gateway's YAML one of that name.
 */
export function registerToolSetsCommand(program: Command): void {
  const toolsets = program.command('toolsets')
    .description('named tool sets every gateway follows: scope toolset:<name> grants their patterns (least privilege per audience or client)');

  addJsonOption(addRegistryOptions(toolsets.command('list').description('list the tool sets stored in the registry (not the gateways\' YAML ones)')))
    .action(async (options: ToolSetsOptions) => {
      const sets = await withSpinner('reading the registry', interactive(options.json), () => registryAdmin(options).toolSets());
      if (options.json) return printJson(sets);
      printTable(['NAME', 'SCOPE', 'PATTERNS', 'SET AT'], sets.map((s) => [s.name, `toolset:${s.name}`, s.patterns.join(' '), s.at]),
        'No tool sets are stored in the registry. Add one with `pimcp toolsets set <name> <pattern...>`.');
    });

  addJsonOption(addRegistryOptions(toolsets.command('get')
    .description('show one stored tool set')
    .argument('<name>', 'the tool set name, as in the scope toolset:<name>')))
    .action(async (name: string, options: ToolSetsOptions) => {
      const set = await registryAdmin(options).toolSet(name);
      if (options.json) return printJson(set);
      process.stdout.write(`${set.name} (scope toolset:${set.name}, set ${set.at}):\n${set.patterns.map((p) => `  ${p}\n`).join('')}`);
    });

  addJsonOption(addRegistryOptions(toolsets.command('set')
    .description('create or replace a tool set on every gateway (replaces a gateway\'s YAML set of the same name)')
    .argument('<name>', 'letters, digits, ".", "_" and "-"; clients ask for the scope toolset:<name>')
    .argument('<pattern...>', 'tool-name globs such as "shell.*", or scopes such as "prompts:review", "resources:file:///logs/*", "context:read"')))
    .action(async (name: string, patterns: string[], options: ToolSetsOptions) => {
      const result = await registryAdmin(options).setToolSet(name, patterns);
      if (options.json) return printJson(result);
      process.stdout.write(`tool set ${result.name} = ${(result.patterns ?? patterns).join(' ')} (registry revision ${result.revision}); gateways follow within moments.\n`);
    });

  addJsonOption(addRegistryOptions(toolsets.command('delete')
    .description('remove a stored tool set (a gateway\'s YAML set of the same name applies again)')
    .argument('<name>', 'the tool set name')))
    .action(async (name: string, options: ToolSetsOptions) => {
      const result = await registryAdmin(options).deleteToolSet(name);
      if (options.json) return printJson(result);
      process.stdout.write(`tool set ${result.name} removed (registry revision ${result.revision}).\n`);
    });
}
