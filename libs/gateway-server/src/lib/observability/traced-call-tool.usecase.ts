import { SpanKind } from '@opentelemetry/api';
import { contextFromMeta } from '@pimcp/observability';
import { CallToolUseCase, type CallToolInput, NODE_META_KEY } from '../calls/call-tool.usecase';
import { inToolSpan } from './tool-span';

/**
 * tools/call with a server span that continues the client's trace when its `_meta` carries `traceparent`
 * (a no-op when tracing is not started). Attempts on nodes are child spans (TracedNodeInvoker).
 */
export class TracedCallToolUseCase extends CallToolUseCase {
  override execute(input: CallToolInput): Promise<Record<string, unknown>> {
    return inToolSpan(`tools/call ${input.name}`, {
      kind: SpanKind.SERVER,
      attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': input.name, 'enduser.id': input.caller.subject },
    }, contextFromMeta(input.meta), async (span) => {
      const result = await super.execute(input);
      const node = (result['_meta'] as Record<string, unknown> | undefined)?.[NODE_META_KEY];
      if (typeof node === 'string') span.setAttribute('pimcp.node.id', node);
      return result;
    });
  }
}
