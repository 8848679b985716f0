import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

export interface ExchangeRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** The vetted address to connect to: the host name is never looked up again. */
  address: string;
  family: 4 | 6;
  signal: AbortSignal;
  maxResponseBytes: number;
}

export interface ExchangeResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body went on past maxResponseBytes; the rest was not read. */
  truncated: boolean;
}

/**
 * One HTTP(S) request and its response, connected to the address the caller vetted. The custom `lookup`
 * answers with that address, so a DNS answer that changes between the check and the connection (DNS
 * rebinding) is never used; TLS still verifies the certificate against the URL's host name. No agent
 * (no pooled sockets), no proxy, no automatic redirects, and at most `maxResponseBytes` of body read.
 */
export function exchangeOnce(request: ExchangeRequest): Promise<ExchangeResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [{ address: request.address, family: request.family }]);
      else callback(null, request.address, request.family);
    };
    const { url } = request;
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request({
      protocol: url.protocol,
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: request.headers,
      agent: false,
      lookup,
      signal: request.signal,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (truncated: boolean) => settle(() => resolve({
        status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks), truncated,
      }));
      res.on('data', (chunk: Buffer) => {
        const room = request.maxResponseBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          done(true);
          req.destroy(); // stop the download: the rest is never read
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => done(false));
      res.on('error', (err) => settle(() => reject(err)));
    });
    req.on('error', (err) => settle(() => reject(err)));
    req.end(request.body);
  });
}
