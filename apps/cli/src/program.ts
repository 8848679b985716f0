import { Command } from 'commander';
import { registerCertsCommand } from './commands/certs.command';
import { registerConnectCommand } from './commands/connect.command';
import { registerUpCommand } from './commands/up.command';

/** The `pimcp` command tree; each command registers itself from its own file. */
export function buildProgram(): Command {
  const program = new Command('pimcp')
    .description('PiMCP: one MCP endpoint in front of many edge and cloud tool nodes')
    .showHelpAfterError()
    .exitOverride();
  registerUpCommand(program);
  registerConnectCommand(program);
  registerCertsCommand(program);
  return program;
}
