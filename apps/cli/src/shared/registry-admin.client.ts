import type { RegistrySnapshot, ToolSetRecord } from '@pimcp/protocol';
import { CliError, ExitCode } from './cli-error';
import { type RegistryOptions, resolveRegistryUrl } from './endpoints';
import { httpRefusal, isNetworkError, unreachable } from './service-errors';

export interface CapabilitySwitchResult {
  name: string;
  scope: string;
  enabled: boolean;
  revision: number;
}

export interface ToolSetWriteResult {
  name: string;
  patterns?: string[];
  revision: number;
}

/** The registry's error body (README "Using the registry"). */
interface RegistryErrorBody {
  code?: string;
  message?: string;
  problems?: Array<{ path: string; message: string }>;
}

/** The registry admin HTTP API (`/v1/catalog`, capability switches, drain, tool sets), as the CLI uses it. */
export class RegistryAdminClient {
  constructor(private readonly baseUrl: URL, private readonly adminToken?: string, private readonly timeoutMs = 10_000) {}

  catalog(): Promise<RegistrySnapshot> {
    return this.request<RegistrySnapshot>('GET', 'v1/catalog');
  }

  setCapabilityEnabled(name: string, enabled: boolean, node?: string): Promise<CapabilitySwitchResult> {
    return this.request('POST', `v1/capabilities/${encodeURIComponent(name)}/${enabled ? 'enable' : 'disable'}`, node ? { node } : {});
  }

  drain(nodeId: string): Promise<{ nodeId: string; draining: true }> {
    return this.request('POST', `v1/nodes/${encodeURIComponent(nodeId)}/drain`);
  }

  async toolSets(): Promise<ToolSetRecord[]> {
    return (await this.request<{ toolSets: ToolSetRecord[] }>('GET', 'v1/tool-sets')).toolSets;
  }

  toolSet(name: string): Promise<ToolSetRecord> {
    return this.request('GET', `v1/tool-sets/${encodeURIComponent(name)}`);
  }

  setToolSet(name: string, patterns: readonly string[]): Promise<ToolSetWriteResult> {
    return this.request('PUT', `v1/tool-sets/${encodeURIComponent(name)}`, { patterns });
  }

  deleteToolSet(name: string): Promise<ToolSetWriteResult> {
    return this.request('DELETE', `v1/tool-sets/${encodeURIComponent(name)}`);
  }

  private async request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.baseUrl.href.endsWith('/') ? this.baseUrl : new URL(`${this.baseUrl.href}/`));
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(hasBody(method) ? { 'content-type': 'application/json' } : {}),
          ...(this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {}),
        },
        ...(hasBody(method) ? { body: JSON.stringify(body ?? {}) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      if (isNetworkError(error) || (error as Error).name === 'TimeoutError') throw unreachable('registry', this.baseUrl, error);
      throw error;
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (response.ok) {
      if (parsed === undefined) throw httpRefusal('registry', this.baseUrl, response.status, 'the answer is not JSON');
      return parsed as T;
    }
    const error = parsed as RegistryErrorBody | undefined;
    // Only the registry's own JSON errors are its verdict; anything else is some other server at that URL.
    if (!error?.code || response.status === 401 || response.status === 403) {
      throw httpRefusal('registry', this.baseUrl, response.status, error?.message ?? '');
    }
    const problems = (error.problems ?? []).map((p) => `\n  ${p.path}: ${p.message}`).join('');
    throw new CliError(response.status === 400 ? ExitCode.Usage : ExitCode.Failure, `the registry refused: ${error.message ?? error.code}${problems}`);
  }
}

function hasBody(method: string): boolean {
  return method === 'POST' || method === 'PUT';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The admin client for the resolved registry URL; PIMCP_REGISTRY_ADMIN_TOKEN, when set, goes as a bearer token. */
export function registryAdmin(options: RegistryOptions): RegistryAdminClient {
  return new RegistryAdminClient(resolveRegistryUrl(options), process.env['PIMCP_REGISTRY_ADMIN_TOKEN']?.trim() || undefined);
}
