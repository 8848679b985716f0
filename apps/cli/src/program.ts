import { Command } from 'commander';
import { registerConfigCommand } from './commands/config.command';
import { registerAuditCommand } from './commands/audit.command';
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
  registerConfigCommand(program);
  registerAuditCommand(program);
  return program;
}
