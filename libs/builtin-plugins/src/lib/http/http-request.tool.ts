import { lookup } from 'node:dns/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { defineTool, ToolError, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { clip, withoutPartialCharacter } from '../common/utf8-boundary';
import { AddressPolicy } from './address-policy';
import { exchangeOnce, type ExchangeResponse } from './http-exchange';
import { FORBIDDEN_REQUEST_HEADERS, HTTP_METHODS, type HttpAllowRule, type HttpMethod, type HttpRequestConfig } from './http-request.config';

/** Resolves a host name to every address it has; replaceable in tests. */
export type HostResolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface HttpRequestDeps {
  resolveHost?: HostResolver;
}

interface HttpRequestArgs extends Record<string, unknown> {
  url: string;
  method?: HttpMethod;
  headers?: Record<string, string>;
  body?: string;
  bodyEncoding?: 'utf8' | 'base64';
}

interface Target {
  address: string;
  family: 4 | 6;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TEXT_TYPES = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|yaml|x-ndjson)\b)/i;
const systemResolver: HostResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * Sends one HTTP request to an allowlisted host. Every hop (redirects are followed by hand, only within
 * the same host) is checked against the allowlist, its host name is resolved here and every address
 * judged by the AddressPolicy, and the connection goes to the vetted address. Bodies are capped both ways.
 */
export function httpRequestTool(config: HttpRequestConfig, deps: HttpRequestDeps = {}): ToolDefinition {
  const policy = new AddressPolicy(config.allowPrivateAddresses);
  const resolveHost = deps.resolveHost ?? systemResolver;
  const methods = HTTP_METHODS.filter((m) => config.allow.some((rule) => rule.methods.has(m)));
  return defineTool<HttpRequestArgs>({
    name: 'http.request',
    description: describeTool(config, methods),
    inputSchema: {
      type: 'object',
      properties: {
        url: { type: 'string', minLength: 1, maxLength: 2048, description: 'Absolute http(s) URL of an allowed host.' },
        method: { type: 'string', enum: methods, default: methods.includes('GET') ? 'GET' : methods[0] },
        headers: {
          type: 'object', maxProperties: 32, additionalProperties: { type: 'string', maxLength: 4096 },
          description: `Request headers; allowed names: ${[...config.requestHeaders].join(', ') || 'none'}.`,
        },
        ...(config.maxRequestBytes > 0 ? {
          body: { type: 'string', maxLength: Math.ceil(config.maxRequestBytes / 3) * 4, description: `At most ${config.maxRequestBytes} bytes once decoded.` },
          bodyEncoding: { type: 'string', enum: ['utf8', 'base64'], default: 'utf8' },
        } : {}),
      },
      required: ['url'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        url: { type: 'string', description: 'The URL that answered, after redirects.' },
        status: { type: 'integer' },
        statusText: { type: 'string' },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        body: { type: 'string' },
        bodyEncoding: { type: 'string', enum: ['utf8', 'base64'] },
        bytes: { type: 'integer', description: 'Body bytes returned.' },
        truncated: { type: 'boolean', description: 'The body was longer than the node returns; the rest was not read.' },
        redirects: { type: 'integer' },
        durationMs: { type: 'integer' },
      },
      required: ['url', 'status', 'headers', 'body', 'bodyEncoding', 'bytes', 'truncated', 'redirects', 'durationMs'],
    },
    annotations: { title: 'HTTP request to an allowed host', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    version: '1.0.0',
    costClass: 'standard',
    handler: async (args, ctx) => {
      const started = performance.now();
      const timeoutMs = Math.max(1, Math.min(config.timeoutMs, ctx.deadline - Date.now()));
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = AbortSignal.any([ctx.signal, timeout]);
      let url = parseUrl(args.url);
      const host = url.hostname;
      let method: HttpMethod = args.method ?? 'GET';
      let body = requestBody(config, args);
      const callerHeaders = requestHeaders(config, args.headers ?? {});
      try {
        for (let hop = 0; ; hop++) {
          const rule = ruleFor(config, url, method);
          const target = await vet(url, policy, resolveHost, signal);
          const headers: Record<string, string> = { ...callerHeaders, ...rule.headers, ...(body ? { 'content-length': String(body.length) } : {}) };
          const response = await exchangeOnce({ url, method, headers, body, ...target, signal, maxResponseBytes: config.maxResponseBytes });
          const location = response.headers.location;
          if (!REDIRECTS.has(response.status) || location === undefined || config.maxRedirects === 0) {
            return toResult(config, url, response, hop, Math.round(performance.now() - started));
          }
          if (hop >= config.maxRedirects) throw new ToolError(`${host} redirected more than ${config.maxRedirects} times; request the final URL directly`);
          url = nextHop(url, location, host);
          // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
          if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
            method = 'GET';
            body = undefined;
          }
        }
      } catch (err) {
        if (err instanceof ToolError) throw err;
        if (ctx.signal.aborted) throw ctx.signal.reason;
        if (timeout.aborted) throw new ToolError(`no complete answer from ${host} within ${timeoutMs} ms; try again later or ask for less`);
        const code = (err as NodeJS.ErrnoException).code;
        throw new ToolError(`the request to ${url.origin} failed: ${code ?? (err as Error).message}`);
      }
    },
  });
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ToolError(`"${clip(raw, 200)}" is not an absolute URL; give one such as https://api.example.com/v1/items`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ToolError(`only http and https URLs are allowed, not ${url.protocol}`);
  if (url.username || url.password) throw new ToolError('URLs with credentials (user:password@) are refused; the node adds any credentials a host needs');
  url.hash = '';
  return url;
}

/** The rule allowing this request, or a ToolError saying which part is not allowed. */
function ruleFor(config: HttpRequestConfig, url: URL, method: HttpMethod): HttpAllowRule {
  const forHost = config.allow.filter((rule) => rule.host.matches(url.hostname));
  if (forHost.length === 0) {
    const hosts = config.allow.map((rule) => rule.host.source).join(', ');
    throw new ToolError(`http.request may not reach ${url.hostname} from this node; allowed hosts: ${hosts}. The node operator adds hosts under http.request allow.`);
  }
  const scheme = url.protocol.slice(0, -1) as 'http' | 'https';
  const port = Number(url.port || (scheme === 'https' ? 443 : 80));
  const forScheme = forHost.filter((rule) => rule.schemes.has(scheme));
  if (forScheme.length === 0) throw new ToolError(`${scheme} to ${url.hostname} is not allowed; use ${scheme === 'http' ? 'https' : 'http'}`);
  const defaultPort = (rule: HttpAllowRule) => (rule.ports.size > 0 ? rule.ports.has(port) : port === (scheme === 'https' ? 443 : 80));
  const forPort = forScheme.filter(defaultPort);
  if (forPort.length === 0) throw new ToolError(`port ${port} of ${url.hostname} is not allowed on this node`);
  const rule = forPort.find((r) => r.methods.has(method));
  if (!rule) {
    const allowed = [...new Set(forPort.flatMap((r) => [...r.methods]))].join(', ');
    throw new ToolError(`${method} to ${url.hostname} is not allowed; allowed methods for this host: ${allowed}`);
  }
  return rule;
}

/** Resolves the URL's host and checks every address; the first one is where the request goes. */
async function vet(url: URL, policy: AddressPolicy, resolveHost: HostResolver, signal: AbortSignal): Promise<Target> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await abortable(resolveHost(host), signal);
    } catch (err) {
      if (signal.aborted) throw err;
      throw new ToolError(`${host} could not be resolved (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (addresses.length === 0) throw new ToolError(`${host} has no addresses`);
  // All or nothing: a name with one private address among public ones is refused, not half-used.
  for (const { address } of addresses) {
    const refusal = policy.refusal(address);
    if (refusal) {
      const via = address === host ? '' : ` (${host} resolves to it)`;
      throw new ToolError(`refused to connect to ${host}: ${refusal}${via}; http.request reaches only public addresses unless the node operator allows a range in http.request allowPrivateAddresses`);
    }
  }
  const [first] = addresses;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** Where a redirect leads; only the same host, and never from https down to http. */
function nextHop(current: URL, location: string, host: string): URL {
  let next: URL;
  try {
    next = parseUrl(new URL(location, current).href);
  } catch (err) {
    const why = err instanceof ToolError ? err.message : 'it is not a valid URL';
    throw new ToolError(`${host} redirected to ${JSON.stringify(clip(location, 200))}, which is refused: ${why}`);
  }
  if (next.hostname !== host) {
    throw new ToolError(`${host} redirected to ${next.hostname}; http.request follows redirects only within the same host. Request ${clip(next.href, 300)} directly if that host is allowed.`);
  }
  if (current.protocol === 'https:' && next.protocol === 'http:') throw new ToolError(`${host} redirected from https to plain http; refused`);
  return next;
}

function requestBody(config: HttpRequestConfig, args: HttpRequestArgs): Buffer | undefined {
  if (args.body === undefined) return undefined;
  const body = Buffer.from(args.body, args.bodyEncoding === 'base64' ? 'base64' : 'utf8');
  if (body.length > config.maxRequestBytes) throw new ToolError(`the body is ${body.length} bytes; this node sends at most ${config.maxRequestBytes}`);
  return body;
}

function requestHeaders(config: HttpRequestConfig, headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (FORBIDDEN_REQUEST_HEADERS.has(lower) || !config.requestHeaders.has(lower)) {
      throw new ToolError(`header "${clip(name, 100)}" may not be set; allowed headers: ${[...config.requestHeaders].join(', ') || 'none'}`);
    }
    if (/[\r\n\0]/.test(value)) throw new ToolError(`header "${name}" contains a line break or NUL byte`);
    out[lower] = value;
  }
  return out;
}

function toResult(config: HttpRequestConfig, url: URL, response: ExchangeResponse, redirects: number, durationMs: number): ToolResult {
  const headers = pickHeaders(response.headers, config.responseHeaders);
  const text = asText(response);
  const body = text ?? response.body.toString('base64');
  const structured = {
    url: url.href, status: response.status, statusText: response.statusText, headers, body, bodyEncoding: text === undefined ? 'base64' : 'utf8',
    bytes: response.body.length, truncated: response.truncated, redirects, durationMs,
  };
  const cut = response.truncated ? `\n[body cut at ${config.maxResponseBytes} bytes]` : '';
  const shown = text ?? `[${response.body.length} bytes of binary data; base64 in structuredContent.body]`;
  return { content: [{ type: 'text', text: `HTTP ${response.status} ${response.statusText} from ${url.href}\n\n${shown}${cut}` }], structuredContent: structured };
}

/** The body as text when it is declared textual (or undeclared) and is valid UTF-8; otherwise undefined. */
function asText(response: ExchangeResponse): string | undefined {
  const type = String(response.headers['content-type'] ?? '');
  const encoding = String(response.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' || (type !== '' && !TEXT_TYPES.test(type))) return undefined;
  const data = response.truncated ? withoutPartialCharacter(response.body) : response.body;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return undefined;
  }
}

function pickHeaders(headers: IncomingHttpHeaders, names: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && names.has(name)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function describeTool(config: HttpRequestConfig, methods: readonly string[]): string {
  const hosts = config.allow.slice(0, 40).map((rule) => `${rule.host.source} (${[...rule.methods].join('/')})`).join(', ');
  return 'Send one HTTP request from this node to an allowed host and get the status, selected headers and body ' +
    `(text, or base64 for binary; at most ${config.maxResponseBytes} bytes). Allowed: ${hosts}. Methods: ${methods.join(', ')}. ` +
    'Redirects are followed only within the same host; private and loopback addresses are refused unless the node allows them.';
}
