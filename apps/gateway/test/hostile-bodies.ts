/** Seeded generators of malformed and hostile MCP requests for the fuzz test: the same seed, the same requests. */
export interface HostileRequest {
  kind: string;
  body: Buffer;
  headers: Record<string, string>;
}

/** mulberry32: tiny, fast, and good enough to spread test cases; never for secrets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = [
  'initialize', 'ping', 'tools/list', 'tools/call', 'resources/list', 'resources/read', 'resources/templates/list', 'resources/subscribe',
  'prompts/list', 'prompts/get', 'completion/complete', 'logging/setLevel', 'notifications/initialized', 'notifications/cancelled',
  'server/discover', 'subscriptions/listen', 'no/such', '', 'tools/call\u0000', '__proto__', 'constructor',
];
/** Header values must be printable ASCII (the HTTP client refuses the rest before sending). */
const HEADER_METHODS = METHODS.filter((m) => /^[\x20-\x7e]*$/.test(m));
const TOOLS = ['context.get', 'context.list', 'cluster.map', 'nope.tool', 'pi-1.system.info', '../../etc/passwd', '*', ''];
const VERSIONS = ['2026-07-28', '2025-11-25', '2025-06-18', '2024-11-05', '1999-01-01', 'garbage', ''];

export class HostileRequests {
  private readonly random: () => number;

  constructor(seed: number, private readonly maxBodyBytes: number) {
    this.random = seededRandom(seed);
  }

  next(): HostileRequest {
    const generators: Array<[string, number, () => HostileRequest]> = [
      ['random-bytes', 10, () => this.request(this.bytes(this.int(0, 2048)))],
      ['truncated-json', 12, () => this.request(this.text(this.valid()).slice(0, this.int(1, 200)))],
      ['deep-nesting', 6, () => this.request(this.nested())],
      ['wrong-types', 14, () => this.request(this.wrongTypes())],
      ['batch', 8, () => this.request(JSON.stringify(Array.from({ length: this.int(0, 40) }, () => (this.random() < 0.7 ? this.valid() : this.wrongTypesValue()))))],
      ['giant-string', 2, () => this.request(this.giant())],
      ['unknown-method', 10, () => this.request(JSON.stringify(this.envelope(this.randomString(this.int(0, 64)), this.randomJson(3))))],
      ['plausible-call', 24, () => this.request(JSON.stringify(this.valid()), this.modernHeaders())],
      ['bad-headers', 14, () => this.request(JSON.stringify(this.valid()), this.badHeaders())],
    ];
    const total = generators.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.random() * total;
    for (const [kind, weight, make] of generators) {
      roll -= weight;
      if (roll < 0) return { ...make(), kind };
    }
    return { ...(generators[0] as [string, number, () => HostileRequest])[2](), kind: 'random-bytes' };
  }

  private request(body: string | Buffer, headers: Record<string, string> = this.baseHeaders()): HostileRequest {
    return { kind: '', body: typeof body === 'string' ? Buffer.from(body) : body, headers };
  }

  private baseHeaders(): Record<string, string> {
    return { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  }

  private modernHeaders(): Record<string, string> {
    return { ...this.baseHeaders(), 'mcp-protocol-version': this.pick(VERSIONS), 'mcp-method': this.pick(HEADER_METHODS) };
  }

  private badHeaders(): Record<string, string> {
    const headers: Record<string, string> = { ...this.baseHeaders() };
    const choices: Array<() => void> = [
      () => (headers['content-type'] = this.pick(['text/plain', 'application/json; charset=utf-16', 'application/json; charset=klingon', 'multipart/form-data', '', 'application/*+json'])),
      () => (headers['accept'] = this.pick(['text/html', '', '*/*', 'application/json', 'text/event-stream'])),
      () => (headers['mcp-protocol-version'] = this.headerString(this.int(0, 40))),
      () => (headers['mcp-session-id'] = this.pick([this.headerString(36), '00000000-0000-0000-0000-000000000000', 'x'.repeat(4000)])),
      () => (headers['mcp-method'] = this.pick(HEADER_METHODS)),
      () => (headers['mcp-name'] = this.headerString(this.int(0, 300))),
      () => (headers['content-encoding'] = this.pick(['gzip', 'deflate', 'br', 'identity', 'bogus'])),
      () => (headers['last-event-id'] = this.headerString(this.int(0, 100))),
      () => (headers['x-pad'] = 'y'.repeat(this.int(1, 8000))),
    ];
    for (let i = this.int(1, 4); i > 0; i--) this.pick(choices)();
    return headers;
  }

  private valid(): Record<string, unknown> {
    const method = this.pick(['tools/list', 'tools/call', 'resources/read', 'prompts/get', 'completion/complete', 'resources/list', 'prompts/list', 'ping', 'initialize']);
    const params: Record<string, unknown> = {};
    if (method === 'tools/call') Object.assign(params, { name: this.pick(TOOLS), arguments: this.randomJson(3) });
    if (method === 'resources/read') params['uri'] = this.pick(['context://x', 'context://%zz', 'pi://logs/app', this.randomString(50), 'file:///etc/passwd']);
    if (method === 'prompts/get') params['name'] = this.randomString(this.int(0, 30));
    if (method === 'completion/complete') params['ref'] = this.random() < 0.5 ? { type: 'ref/prompt', name: 'x' } : { type: 'ref/resource', uri: 'context://{id}' };
    if (method === 'initialize') Object.assign(params, { protocolVersion: this.pick(VERSIONS), capabilities: this.randomJson(2), clientInfo: { name: 'fuzz', version: '1' } });
    if (method === 'tools/list' && this.random() < 0.3) params['cursor'] = this.randomString(this.int(0, 40));
    return this.envelope(method, params);
  }

  private envelope(method: string, params: unknown): Record<string, unknown> {
    const withMeta = params && typeof params === 'object' && !Array.isArray(params) && this.random() < 0.6
      ? { ...params, _meta: { 'io.modelcontextprotocol/protocolVersion': this.pick(VERSIONS), 'io.modelcontextprotocol/clientInfo': { name: 'fuzz', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} } }
      : params;
    return { jsonrpc: '2.0', id: this.random() < 0.1 ? undefined : this.int(-5, 1_000_000), method, params: withMeta };
  }

  private wrongTypes(): string {
    return JSON.stringify(this.wrongTypesValue());
  }

  private wrongTypesValue(): unknown {
    const weird = () => this.pick<unknown>([null, true, 0, -1, 1e308, '', 'x', [], {}, [1, 2], { a: { b: [] } }, '__proto__']);
    const message: Record<string, unknown> = { jsonrpc: this.pick<unknown>(['2.0', '1.0', 2, null]), id: weird(), method: this.random() < 0.5 ? this.pick(METHODS) : weird(), params: weird() };
    if (this.random() < 0.2) message['result'] = weird();
    if (this.random() < 0.2) message['error'] = weird();
    if (this.random() < 0.1) return weird();
    return message;
  }

  private nested(): string {
    const depth = this.int(100, Math.floor(this.maxBodyBytes / 2) - 100);
    const [open, close] = this.pick([['[', ']'], ['{"a":', '}']]);
    const inner = '1';
    const wrapped = `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
    const asParams = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"context.get","arguments":${wrapped}}}`;
    return (this.random() < 0.5 ? wrapped : asParams).slice(0, this.maxBodyBytes - 10);
  }

  private giant(): string {
    const overhead = 80;
    const size = Math.max(0, this.maxBodyBytes - overhead + this.int(-2000, 2000));
    return JSON.stringify(this.envelope(this.pick(['tools/call', 'no/such', 'prompts/get']), { name: 'x'.repeat(size) }));
  }

  private randomJson(depth: number): unknown {
    const r = this.random();
    if (depth <= 0 || r < 0.4) return this.pick<unknown>([null, true, this.int(-1e6, 1e6), this.random(), this.randomString(this.int(0, 20))]);
    if (r < 0.7) return Array.from({ length: this.int(0, 5) }, () => this.randomJson(depth - 1));
    return Object.fromEntries(Array.from({ length: this.int(0, 5) }, () => [this.randomString(this.int(0, 10)), this.randomJson(depth - 1)]));
  }

  private text(value: unknown): string {
    return JSON.stringify(value);
  }

  private randomString(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(this.random() < 0.9 ? this.int(0x20, 0x7e) : this.int(0, 0xffff));
    return s;
  }

  private headerString(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(this.int(0x21, 0x7e));
    return s;
  }

  private bytes(length: number): Buffer {
    const buffer = Buffer.alloc(length);
    for (let i = 0; i < length; i++) buffer[i] = this.int(0, 255);
    return buffer;
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }
}
