import { Command } from 'commander';
import { registerConfigCommand } from './commands/config.command';
import { registerAuditCommand } from './commands/audit.command';
import { registerBenchCommand } from './commands/bench.command';
import { registerCallCommand } from './commands/call.command';
import { registerCertsCommand } from './commands/certs.command';
import { registerConnectCommand } from './commands/connect.command';
import { registerCtxCommand } from './commands/ctx.command';
import { registerNodesCommand } from './commands/nodes.command';
import { registerTokenCommand } from './commands/token.command';
import { registerToolsCommand } from './commands/tools.command';
import { registerToolSetsCommand } from './commands/toolsets.command';
import { registerUpCommand } from './commands/up.command';
import { EXIT_CODE_MEANINGS } from './shared/cli-error';
import { resolveCaFile, trustCaFile } from './shared/trusted-ca';

/** The `pimcp` command tree; each command registers itself from its own file. */
export function buildProgram(): Command {
  const program = new Command('pimcp')
    .description('PiMCP: one MCP endpoint in front of many edge and cloud tool nodes')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText('after', helpFooter())
    // --ca-file is a program option that every command takes; show it in each command's help too.
    .configureHelp({ showGlobalOptions: true })
    .option('--ca-file <path>', 'also trust this CA (PEM) for HTTPS: the gateway, registry and context-sync of `pimcp up --tls` (default: $PIMCP_CA_FILE, else the CA of the `pimcp up --tls` running in this folder)')
    .hook('preAction', (command) => {
      const caFile = resolveCaFile(command.opts<{ caFile?: string }>().caFile);
      if (caFile) trustCaFile(caFile);
    });
  registerUpCommand(program);
  registerConnectCommand(program);
  registerConfigCommand(program);
  registerAuditCommand(program);
  registerNodesCommand(program);
  registerToolsCommand(program);
  registerToolSetsCommand(program);
  registerCallCommand(program);
  registerCtxCommand(program);
  registerTokenCommand(program);
  registerBenchCommand(program);
  registerCertsCommand(program);
  return program;
}

function helpFooter(): string {
  const codes = Object.entries(EXIT_CODE_MEANINGS).map(([code, meaning]) => `  ${code}  ${meaning}`).join('\n');
  return `
With \`npm start\` (pimcp up) running in this folder, the other commands find it by themselves
(.pimcp/endpoints.json and .pimcp/dev-token). Elsewhere set:
  PIMCP_GATEWAY_URL          the gateway MCP URL (or --gateway)
  PIMCP_REGISTRY_ADMIN_URL   the registry admin API (or --registry)
  PIMCP_TOKEN                a client token, or PIMCP_TOKEN_FILE / --token-file naming a file that holds one
  PIMCP_CA_FILE              a CA to trust for HTTPS (or --ca-file), e.g. .pimcp/certs/ca.crt of \`pimcp up --tls\`

Exit codes:
${codes}`;
}
