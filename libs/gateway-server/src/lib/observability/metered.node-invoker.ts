import { ErrorCode, type InvokeRequest, type NodeRequest, PimcpError } from '@pimcp/protocol';
import type { InvokeOptions, NodeInvoker } from '../calls/node-invoker.port';
import type { ToolProvider } from '../calls/tool-catalog.port';
import type { RecentCalls } from '../dashboard/recent-calls';
import type { CallOutcome, GatewayMetrics } from './gateway-metrics';

/** A NodeInvoker that counts and times every invocation (decorator: the call path itself stays unaware). */
export class MeteredNodeInvoker implements NodeInvoker {
  constructor(private readonly inner: NodeInvoker, private readonly metrics: GatewayMetrics, private readonly recent?: RecentCalls) {}

  async invoke(provider: ToolProvider, request: InvokeRequest, options: InvokeOptions): Promise<Record<string, unknown>> {
    const node = provider.nodeId;
    const stopTimer = this.metrics.latency.startTimer({ capability: request.tool, node });
    const started = performance.now();
    this.metrics.inFlight.inc({ node });
    let outcome: CallOutcome = 'failed';
    try {
      const result = await this.inner.invoke(provider, request, options);
      outcome = result['isError'] === true ? 'tool_error' : 'ok';
      return result;
    } catch (error) {
      outcome = options.signal.aborted || (error instanceof PimcpError && error.code === ErrorCode.Cancelled) ? 'cancelled' : 'failed';
      throw error;
    } finally {
      this.metrics.inFlight.dec({ node });
      stopTimer({ outcome });
      this.metrics.calls.inc({ capability: request.tool, node, outcome });
      this.recent?.record({ at: Date.now(), capability: request.tool, node, ms: performance.now() - started, outcome });
    }
  }

  request(provider: ToolProvider, request: NodeRequest, options: { signal: AbortSignal }): Promise<Record<string, unknown>> {
    return this.inner.request(provider, request, options);
  }

  retainOnly(live: readonly Pick<ToolProvider, 'nodeId' | 'linkAddress'>[]): void {
    this.inner.retainOnly(live);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
