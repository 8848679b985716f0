import type { RegistrySnapshot } from '@pimcp/protocol';

/** Minimal client for the registry's admin HTTP API, as an operator's script would use it. */
export class AdminHttpClient {
  constructor(private readonly baseUrl: string) {}

  async catalog(): Promise<RegistrySnapshot> {
    return (await this.request('GET', '/v1/catalog')).body as unknown as RegistrySnapshot;
  }

  async request(method: string, path: string, body?: unknown, rawBody?: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {},
      body: rawBody ?? (body !== undefined ? JSON.stringify(body) : undefined),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
}
