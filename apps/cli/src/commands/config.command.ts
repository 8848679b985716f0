import type { Command } from 'commander';
import { configSections, renderConfigReference } from '../docs/config-reference';

/** `pimcp config reference`: every setting of every app, as the Markdown of docs/configuration.md. */
export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('configuration of the PiMCP apps');
  config
    .command('reference')
    .description('print every setting of every app (variable, type, default, meaning) as Markdown')
    .action(async () => {
      process.stdout.write(renderConfigReference(await configSections()));
    });
}
