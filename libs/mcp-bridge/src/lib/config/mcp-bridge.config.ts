import { basename, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COST_CLASSES, type CostClass, ErrorCode, PimcpError } from '@pimcp/protocol';
import { z } from 'zod';

/** How long the node waits for a bridged server to start and answer its first listing. */
export const MCP_BRIDGE_DEFAULTS = {
  connectTimeoutMs: 15_000,
  callTimeoutMs: 60_000,
  restartInitialMs: 250,
  restartMaxMs: 30_000,
  costClass: 'standard' as CostClass,
} as const;

const NAME = /^[a-z][a-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A glob over tool names: `*` matches any run of characters. */
const PATTERN = /^[A-Za-z0-9_.*-]+$/;

const common = {
  /** Prepended to tool and prompt names as `<prefix>.<name>`; resource URIs are never rewritten. */
  prefix: z.string().regex(NAME, 'prefix must be one lowercase segment such as "fs" (letters, digits, "_" and "-")').optional(),
  include: z.array(z.string().regex(PATTERN, 'tool patterns are names with "*" wildcards')).max(100).optional(),
  exclude: z.array(z.string().regex(PATTERN, 'tool patterns are names with "*" wildcards')).max(100).optional(),
  costClass: z.enum(COST_CLASSES).optional(),
  connectTimeoutMs: z.number().int().min(100).max(600_000).optional(),
  callTimeoutMs: z.number().int().min(100).max(86_400_000).optional(),
  /** Server→client requests relayed to the caller; the bridge declares the matching client capabilities. */
  clientRequests: z.array(z.enum(['sampling', 'elicitation', 'roots'])).optional(),
  /** Roots the bridge itself answers roots/list with (absolute paths or file:// URIs on the node), instead of any caller's. */
  roots: z.array(z.string().min(1)).min(1).max(100).optional(),
  restart: z.strictObject({
    initialMs: z.number().int().min(10).max(600_000).optional(),
    maxMs: z.number().int().min(10).max(3_600_000).optional(),
  }).optional(),
};

const stdioServer = z.strictObject({
  ...common,
  /** argv: the executable, then its arguments; never a shell string. */
  command: z.array(z.string().min(1)).min(1, 'command needs at least the executable, e.g. ["npx", "-y", "@modelcontextprotocol/server-everything"]'),
  /** Added to the SDK's small safe default environment (HOME, PATH, ...); the node's own secrets are not inherited. */
  env: z.record(z.string().regex(ENV_NAME, 'environment variable names are letters, digits and "_"'), z.string()).optional(),
  cwd: z.string().min(1).optional(),
});

const httpServer = z.strictObject({
  ...common,
  url: z.url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL of a Streamable HTTP MCP endpoint' }),
  /** Header name → the node's environment variable holding its value (tokens stay out of the YAML). */
  headersFromEnv: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'header names are letters, digits and "-"'), z.string().regex(ENV_NAME)).optional(),
});

const serverSchema = z.union([stdioServer, httpServer], { error: 'each server needs either `command` (argv list, stdio) or `url` (Streamable HTTP), not both' });

const configSchema = z.strictObject({
  servers: z.record(z.string().regex(NAME, 'server names are lowercase letters, digits, "_" and "-"'), serverSchema)
    .refine((servers) => Object.keys(servers).length > 0, 'name at least one server'),
});

interface ServerCommon {
  /** The config key; names the server in logs and errors. */
  name: string;
  prefix?: string;
  include: string[];
  exclude: string[];
  costClass: CostClass;
  connectTimeoutMs: number;
  callTimeoutMs: number;
  restart: { initialMs: number; maxMs: number };
  clientRequests: ClientRequestKind[];
  /** Set: the bridge answers the server's roots/list with these (the operator pins its scope); no caller is asked. */
  roots?: BridgedRoot[];
}

export interface BridgedRoot {
  uri: string;
  name: string;
}

export type ClientRequestKind = 'sampling' | 'elicitation' | 'roots';

export interface StdioServerConfig extends ServerCommon {
  transport: 'stdio';
  command: string[];
  env: Record<string, string>;
  cwd?: string;
}

export interface HttpServerConfig extends ServerCommon {
  transport: 'http';
  url: string;
  /** Resolved from the node's environment at parse time; never logged. */
  headers: Record<string, string>;
}

export type BridgedServerConfig = StdioServerConfig | HttpServerConfig;

export interface McpBridgeConfig {
  servers: BridgedServerConfig[];
}

/**
 * Checks pluginConfig["mcp-bridge"] and resolves it: every problem is named by its path, and header values come from
 * the environment so no token sits in the YAML. `env` is the node's environment (injected for tests).
 */
export function parseMcpBridgeConfig(raw: unknown, path = 'pluginConfig["mcp-bridge"]', env: NodeJS.ProcessEnv = process.env): McpBridgeConfig {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const summary = parsed.error.issues.map((issue) => `${[path, ...issue.path.map(String)].join('.')}: ${issue.message}`).join('; ');
    throw new PimcpError(ErrorCode.InvalidRequest, `invalid mcp-bridge config: ${summary}`);
  }
  const problems: string[] = [];
  const servers = Object.entries(parsed.data.servers).map(([name, server]): BridgedServerConfig => {
    const restart = { initialMs: server.restart?.initialMs ?? MCP_BRIDGE_DEFAULTS.restartInitialMs, maxMs: server.restart?.maxMs ?? MCP_BRIDGE_DEFAULTS.restartMaxMs };
    if (restart.maxMs < restart.initialMs) problems.push(`${path}.servers.${name}.restart.maxMs must be at least restart.initialMs`);
    const roots = server.roots?.map((root, i) => resolveRoot(root, `${path}.servers.${name}.roots.${i}`, problems));
    if (roots && server.clientRequests?.includes('roots')) {
      problems.push(`${path}.servers.${name}: either set roots (the bridge answers roots/list) or list "roots" in clientRequests (callers answer), not both`);
    }
    const shared: ServerCommon = {
      name, include: server.include ?? ['*'], exclude: server.exclude ?? [], restart,
      // Roots stay off unless asked for: a server that lists roots at connect time would get none and may narrow its scope.
      clientRequests: server.clientRequests ?? ['sampling', 'elicitation'],
      ...(server.prefix ? { prefix: server.prefix } : {}),
      ...(roots ? { roots: roots.filter((r): r is BridgedRoot => r !== undefined) } : {}),
      costClass: server.costClass ?? MCP_BRIDGE_DEFAULTS.costClass,
      connectTimeoutMs: server.connectTimeoutMs ?? MCP_BRIDGE_DEFAULTS.connectTimeoutMs,
      callTimeoutMs: server.callTimeoutMs ?? MCP_BRIDGE_DEFAULTS.callTimeoutMs,
    };
    if ('command' in server) {
      return { ...shared, transport: 'stdio', command: server.command, env: server.env ?? {}, ...(server.cwd ? { cwd: server.cwd } : {}) };
    }
    const headers: Record<string, string> = {};
    for (const [header, variable] of Object.entries(server.headersFromEnv ?? {})) {
      const value = env[variable];
      if (value === undefined || value === '') problems.push(`${path}.servers.${name}.headersFromEnv.${header}: the environment variable ${variable} is not set`);
      else headers[header] = value;
    }
    return { ...shared, transport: 'http', url: server.url, headers };
  });
  const prefixes = servers.map((s) => s.prefix ?? '');
  if (new Set(prefixes).size < prefixes.length) {
    problems.push(`${path}.servers: two servers share a prefix (or both have none), so their tool names may clash; give each its own prefix`);
  }
  if (problems.length > 0) throw new PimcpError(ErrorCode.InvalidRequest, `invalid mcp-bridge config: ${problems.join('; ')}`);
  return { servers };
}

/** An absolute path or a file:// URI on the node, as the MCP Root the server receives. */
function resolveRoot(raw: string, where: string, problems: string[]): BridgedRoot | undefined {
  if (raw.startsWith('file://')) {
    try {
      return { uri: new URL(raw).href, name: basename(fileURLToPath(raw)) || '/' };
    } catch {
      problems.push(`${where}: "${raw}" is not a valid file:// URI`);
      return undefined;
    }
  }
  if (!isAbsolute(raw)) {
    problems.push(`${where}: "${raw}" must be an absolute path (such as /srv/data) or a file:// URI`);
    return undefined;
  }
  return { uri: pathToFileURL(raw).href, name: basename(raw) || '/' };
}
