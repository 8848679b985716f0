import type { InvokeRequest, NodeRequest, NodeRequestMethod } from '@pimcp/protocol';
import type { InvokeOptions, NodeInvoker } from '../lib/calls/node-invoker.port';
import type { ToolProvider } from '../lib/calls/tool-catalog.port';

export type Script = (request: InvokeRequest, options: InvokeOptions) => Promise<Record<string, unknown>>;
export type RequestScript = (request: NodeRequest) => Promise<Record<string, unknown>>;

/** Records what the gateway sent and answers with a per-tool (or per-method) script (unit tier only). */
export class ScriptedNodeInvoker implements NodeInvoker {
  readonly calls: Array<{ provider: ToolProvider; request: InvokeRequest }> = [];
  readonly requests: Array<{ provider: ToolProvider; request: NodeRequest }> = [];
  private readonly scripts = new Map<string, Script>();
  private readonly requestScripts = new Map<NodeRequestMethod, RequestScript>();

  on(tool: string, script: Script): void {
    this.scripts.set(tool, script);
  }

  onRequest(method: NodeRequestMethod, script: RequestScript): void {
    this.requestScripts.set(method, script);
  }

  async invoke(provider: ToolProvider, request: InvokeRequest, options: InvokeOptions): Promise<Record<string, unknown>> {
    this.calls.push({ provider, request });
    const script = this.scripts.get(request.tool);
    if (!script) throw new Error(`no script for ${request.tool}`);
    return script(request, options);
  }

  async request(provider: ToolProvider, request: NodeRequest): Promise<Record<string, unknown>> {
    this.requests.push({ provider, request });
    const script = this.requestScripts.get(request.method);
    if (!script) throw new Error(`no script for ${request.method}`);
    return script(request);
  }

  retainOnly(): void {
    // scripted nodes have no links to drop
  }

  async close(): Promise<void> {
    this.scripts.clear();
    this.requestScripts.clear();
  }
}
