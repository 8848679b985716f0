import type { InvokeRequest } from '@pimcp/protocol';
import type { InvokeOptions, NodeInvoker } from '../lib/calls/node-invoker.port';
import type { ToolProvider } from '../lib/calls/tool-catalog.port';

export type Script = (request: InvokeRequest, options: InvokeOptions) => Promise<Record<string, unknown>>;

/** Records what the gateway sent and answers with a per-tool script (unit tier only). */
export class ScriptedNodeInvoker implements NodeInvoker {
  readonly calls: Array<{ provider: ToolProvider; request: InvokeRequest }> = [];
  private readonly scripts = new Map<string, Script>();

  on(tool: string, script: Script): void {
    this.scripts.set(tool, script);
  }

  async invoke(provider: ToolProvider, request: InvokeRequest, options: InvokeOptions): Promise<Record<string, unknown>> {
    this.calls.push({ provider, request });
    const script = this.scripts.get(request.tool);
    if (!script) throw new Error(`no script for ${request.tool}`);
    return script(request, options);
  }

  async close(): Promise<void> {
    this.scripts.clear();
  }
}
