import { existsSync, readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';

export const DEV_TOKEN_FILE = '.pimcp/dev-token';

interface ConnectOptions {
  token?: string;
  tokenFile?: string;
}

/** `pimcp connect <url>`: an MCP stdio server for desktop clients that forwards to the gateway. */
export function registerConnectCommand(program: Command): void {
  program
    .command('connect')
    .description('speak MCP on stdio (for Claude Desktop and other clients) and forward to a PiMCP gateway')
    .argument('<gateway-url>', 'the gateway MCP URL, e.g. http://127.0.0.1:8080/mcp', parseUrl)
    .option('--token <jwt>', 'client token (prefer --token-file or PIMCP_TOKEN: command lines are visible to other users)')
    .option('--token-file <path>', `file holding the client token (default: $PIMCP_TOKEN, then ${DEV_TOKEN_FILE})`)
    .action(async (url: URL, options: ConnectOptions) => {
      const token = resolveToken(options);
      const { StdioHttpBridge } = await import('../bridge/stdio-http-bridge');
      await new StdioHttpBridge({ url, token, log: (line) => process.stderr.write(`pimcp connect: ${line}\n`) }).run();
    });
}

function parseUrl(value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // fall through to the message below
  }
  throw new InvalidArgumentError('expected an http(s) URL such as http://127.0.0.1:8080/mcp');
}

function resolveToken(options: ConnectOptions): string {
  if (options.token) return options.token.trim();
  const file = options.tokenFile ?? (process.env['PIMCP_TOKEN'] ? undefined : DEV_TOKEN_FILE);
  if (!file) return (process.env['PIMCP_TOKEN'] ?? '').trim();
  if (!existsSync(file)) {
    throw new Error(`no client token: ${file} does not exist; pass --token-file, set PIMCP_TOKEN, or run \`pimcp up\` in this folder first`);
  }
  return readFileSync(file, 'utf8').trim();
}
