import { existsSync, readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { CliError, ExitCode } from './cli-error';
import { DEV_TOKEN_FILE, readUpEndpoints, type UpEndpoints } from './state-files';

/** The defaults of `pimcp up` (PIMCP_GATEWAY_PORT and PIMCP_REGISTRY_HTTP_PORT unset). */
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8080/mcp';
export const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:8081';

export interface GatewayOptions {
  gateway?: URL;
  tokenFile?: string;
}

export interface RegistryOptions {
  registry?: URL;
}

export interface JsonOption {
  json?: boolean;
}

type Env = Record<string, string | undefined>;

export function addGatewayOptions(command: Command): Command {
  return command
    .option('--gateway <url>', `gateway MCP URL (default: $PIMCP_GATEWAY_URL, else the \`pimcp up\` running in this folder, else ${DEFAULT_GATEWAY_URL})`, parseHttpUrl)
    .option('--token-file <path>', `file holding the client token (default: $PIMCP_TOKEN, else the file $PIMCP_TOKEN_FILE names, else ${DEV_TOKEN_FILE})`);
}

export function addRegistryOptions(command: Command): Command {
  return command.option(
    '--registry <url>',
    `registry admin API URL (default: $PIMCP_REGISTRY_ADMIN_URL, else the \`pimcp up\` running in this folder, else ${DEFAULT_REGISTRY_URL})`,
    parseHttpUrl,
  );
}

export function addJsonOption(command: Command): Command {
  return command.option('--json', 'print JSON for scripts instead of tables (no spinners or colours)');
}

export function parseHttpUrl(value: string): URL {
  const url = tryHttpUrl(value);
  if (!url) throw new InvalidArgumentError('expected an http(s) URL such as http://127.0.0.1:8080/mcp');
  return url;
}

export function resolveGatewayUrl(options: GatewayOptions, env: Env = process.env, up: UpEndpoints | undefined = readUpEndpoints()): URL {
  if (options.gateway) return options.gateway;
  return fromEnv(env, 'PIMCP_GATEWAY_URL') ?? new URL(up?.mcpUrl ?? DEFAULT_GATEWAY_URL);
}

/** The admin API's base URL; the catalog URL `pimcp up` prints (…/v1/catalog) is accepted too. */
export function resolveRegistryUrl(options: RegistryOptions, env: Env = process.env, up: UpEndpoints | undefined = readUpEndpoints()): URL {
  const url = options.registry ?? fromEnv(env, 'PIMCP_REGISTRY_ADMIN_URL') ?? new URL(up?.registryAdminUrl ?? DEFAULT_REGISTRY_URL);
  const base = new URL(url.href);
  base.pathname = base.pathname.replace(/\/v1\/catalog\/?$/, '').replace(/\/+$/, '') || '/';
  return base;
}

/** The client token; never echoed in messages. */
export function resolveToken(options: GatewayOptions, env: Env = process.env): string {
  if (!options.tokenFile && env['PIMCP_TOKEN']?.trim()) return env['PIMCP_TOKEN'].trim();
  const file = options.tokenFile ?? (env['PIMCP_TOKEN_FILE'] || DEV_TOKEN_FILE);
  if (!existsSync(file)) {
    throw new CliError(
      ExitCode.AuthRefused,
      `no client token: ${file} does not exist. Run this in the folder where \`pimcp up\` (npm start) runs, ` +
        'pass --token-file, set PIMCP_TOKEN, or mint one with `pimcp token mint`',
    );
  }
  const token = readFileSync(file, 'utf8').trim();
  if (!token) throw new CliError(ExitCode.AuthRefused, `no client token: ${file} is empty`);
  return token;
}

function fromEnv(env: Env, name: string): URL | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  const url = tryHttpUrl(value);
  if (!url) throw CliError.usage(`${name} must be an http(s) URL such as ${name === 'PIMCP_GATEWAY_URL' ? DEFAULT_GATEWAY_URL : DEFAULT_REGISTRY_URL}`);
  return url;
}

function tryHttpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
