// class-transformer's @Type reads design-time metadata.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import ipaddr from 'ipaddr.js';
import { ConfigProblems, isEmptyConfig } from '../common/config-problems';
import type { Cidr } from './address-policy';
import { HostPattern } from './host-pattern';

const MIB = 1024 * 1024;
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
const SCHEMES = ['http', 'https'] as const;
type Scheme = (typeof SCHEMES)[number];
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** Headers the node always sets itself; neither callers nor the config may set them. */
export const FORBIDDEN_REQUEST_HEADERS = new Set([
  'host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer',
  'proxy-authorization', 'proxy-connection', 'expect',
]);

export const HTTP_REQUEST_DEFAULTS = {
  timeoutMs: 10_000,
  maxRequestBytes: 64 * 1024,
  maxResponseBytes: 1 * MIB,
  maxRedirects: 3,
  requestHeaders: ['accept', 'accept-language', 'content-type', 'if-none-match', 'if-modified-since', 'user-agent'],
  responseHeaders: [
    'content-type', 'content-length', 'content-encoding', 'content-language', 'last-modified', 'etag', 'cache-control',
    'expires', 'date', 'location', 'retry-after',
  ],
} as const;

class HttpAllowRuleDto {
  @IsString() @MaxLength(253)
  host!: string;

  @IsArray() @ArrayMinSize(1) @IsIn(HTTP_METHODS, { each: true, message: `methods must be among ${HTTP_METHODS.join(', ')}` })
  methods!: string[];

  @IsOptional() @IsArray() @ArrayMinSize(1) @IsIn(SCHEMES, { each: true, message: 'schemes are http and/or https' })
  schemes?: string[];

  @IsOptional() @IsArray() @ArrayMinSize(1) @IsInt({ each: true }) @Min(1, { each: true }) @Max(65535, { each: true })
  ports?: number[];

  @IsOptional() @IsObject({ message: 'headers must map header names to values' })
  headers?: Record<string, unknown>;
}

class HttpRequestConfigDto {
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => HttpAllowRuleDto)
  allow?: HttpAllowRuleDto[];

  @IsOptional() @IsArray() @ArrayMaxSize(64) @IsString({ each: true })
  allowPrivateAddresses?: string[];

  @IsOptional() @IsInt() @Min(100) @Max(600_000)
  timeoutMs?: number;

  @IsOptional() @IsInt() @Min(0) @Max(64 * MIB)
  maxRequestBytes?: number;

  @IsOptional() @IsInt() @Min(1024) @Max(64 * MIB)
  maxResponseBytes?: number;

  @IsOptional() @IsInt() @Min(0) @Max(10)
  maxRedirects?: number;

  @IsOptional() @IsArray() @ArrayMaxSize(64) @Matches(HEADER_NAME, { each: true, message: 'requestHeaders entries must be header names' })
  requestHeaders?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(64) @Matches(HEADER_NAME, { each: true, message: 'responseHeaders entries must be header names' })
  responseHeaders?: string[];
}

/** Which requests to one host (or family of hosts) are allowed. */
export interface HttpAllowRule {
  readonly host: HostPattern;
  readonly methods: ReadonlySet<HttpMethod>;
  readonly schemes: ReadonlySet<Scheme>;
  /** Empty: the default port of each allowed scheme. */
  readonly ports: ReadonlySet<number>;
  /** Sent with every request this rule allows (e.g. an API key); callers cannot override them. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface HttpRequestConfig {
  readonly allow: readonly HttpAllowRule[];
  /** Non-public address ranges that may be reached anyway (e.g. a LAN sensor hub); none by default. */
  readonly allowPrivateAddresses: readonly Cidr[];
  readonly timeoutMs: number;
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
  readonly maxRedirects: number;
  /** Lowercase names of headers callers may set. */
  readonly requestHeaders: ReadonlySet<string>;
  /** Lowercase names of response headers returned to callers. */
  readonly responseHeaders: ReadonlySet<string>;
}

/**
 * Validates the `http.request` section of a node's config. Throws INVALID_REQUEST listing every problem
 * with its field path. An absent or empty section allows no host: the plugin then offers no tool.
 */
export function parseHttpRequestConfig(raw: unknown, at = ''): HttpRequestConfig {
  const problems = new ConfigProblems('http.request', at);
  const config = (isEmptyConfig(raw) ? new HttpRequestConfigDto() : problems.dto(HttpRequestConfigDto, raw, '')) ?? new HttpRequestConfigDto();
  const allow = listOf(config.allow).map((rule, i) => parseRule(problems, rule, `allow[${i}]`));
  const allowPrivateAddresses = listOf(config.allowPrivateAddresses).flatMap((cidr, i): Cidr[] => {
    const range = parseRange(cidr);
    if (range) return [range];
    problems.add(`allowPrivateAddresses[${i}]`, `"${String(cidr)}" is not an address or CIDR range (e.g. 192.168.1.0/24)`);
    return [];
  });
  const requestHeaders = new Set<string>();
  listOf(config.requestHeaders ?? HTTP_REQUEST_DEFAULTS.requestHeaders).forEach((name, i) => {
    const lower = String(name).toLowerCase();
    if (FORBIDDEN_REQUEST_HEADERS.has(lower)) problems.add(`requestHeaders[${i}]`, `${name} is always set by the node itself`);
    requestHeaders.add(lower);
  });
  problems.throwIfAny();
  return {
    allow,
    allowPrivateAddresses,
    timeoutMs: config.timeoutMs ?? HTTP_REQUEST_DEFAULTS.timeoutMs,
    maxRequestBytes: config.maxRequestBytes ?? HTTP_REQUEST_DEFAULTS.maxRequestBytes,
    maxResponseBytes: config.maxResponseBytes ?? HTTP_REQUEST_DEFAULTS.maxResponseBytes,
    maxRedirects: config.maxRedirects ?? HTTP_REQUEST_DEFAULTS.maxRedirects,
    requestHeaders,
    responseHeaders: new Set(listOf(config.responseHeaders ?? HTTP_REQUEST_DEFAULTS.responseHeaders).map((h) => String(h).toLowerCase())),
  };
}

function parseRule(problems: ConfigProblems, rule: HttpAllowRuleDto, at: string): HttpAllowRule {
  const host = HostPattern.parse(rule?.host);
  // A host that is no string at all is already reported by the DTO.
  if (typeof host === 'string' && typeof rule?.host === 'string') problems.add(`${at}.host`, host);
  const headers: Record<string, string> = {};
  for (const [name, value, path] of problems.entries(rule?.headers, `${at}.headers`)) {
    if (!HEADER_NAME.test(name) || FORBIDDEN_REQUEST_HEADERS.has(name.toLowerCase())) problems.add(path, 'is not a header the config may set');
    else if (typeof value !== 'string' || /[\r\n\0]/.test(value)) problems.add(path, 'must be a single-line string');
    else headers[name.toLowerCase()] = value;
  }
  return {
    host: typeof host === 'string' ? HostPattern.never() : host,
    methods: new Set(listOf(rule?.methods) as HttpMethod[]),
    schemes: new Set(listOf(rule?.schemes ?? ['https']) as Scheme[]),
    ports: new Set(listOf(rule?.ports)),
    headers,
  };
}

/** An address (`10.0.0.5`) or range (`10.0.0.0/8`, `fd00::/8`). */
function parseRange(value: unknown): Cidr | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    if (value.includes('/')) return ipaddr.parseCIDR(value);
    const ip = ipaddr.parse(value);
    return [ip, ip.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** A list field read defensively: its DTO has already reported anything that is not a list. */
function listOf<T>(value: readonly T[] | undefined): T[] {
  return Array.isArray(value) ? [...value] : [];
}
