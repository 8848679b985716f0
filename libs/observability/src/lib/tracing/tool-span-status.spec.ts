import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { markToolFailure, markToolResult } from './tool-span-status';

function recordingSpan(): { span: Span; statuses: unknown[] } {
  const statuses: unknown[] = [];
  return { span: { setStatus: (status: unknown) => statuses.push(status) } as unknown as Span, statuses };
}

describe('tool span status', () => {
  it('marks a result with isError as an error and leaves any other result unset', () => {
    const failed = recordingSpan();
    markToolResult(failed.span, { isError: true, content: [] });
    expect(failed.statuses).toEqual([{ code: SpanStatusCode.ERROR, message: 'the tool returned isError' }]);

    const ok = recordingSpan();
    markToolResult(ok.span, { isError: false, content: [] });
    markToolResult(ok.span, { content: [] });
    expect(ok.statuses).toEqual([]);
  });

  it('marks a failure as an error with its message', () => {
    const { span, statuses } = recordingSpan();
    markToolFailure(span, new Error('node gone'));
    markToolFailure(span, 'deadline');
    expect(statuses).toEqual([{ code: SpanStatusCode.ERROR, message: 'node gone' }, { code: SpanStatusCode.ERROR, message: 'deadline' }]);
  });
});
