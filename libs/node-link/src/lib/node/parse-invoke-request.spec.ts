import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { parseInvokeRequest } from './parse-invoke-request';

const valid = { requestId: 'r-1', tool: 'file.read', arguments: { path: 'a' }, deadline: 1_800_000_000_000, caller: { subject: 'ann', clientId: 'claude' } };

function problems(input: unknown): string[] {
  try {
    parseInvokeRequest(input);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(PimcpError);
    expect((err as PimcpError).code).toBe(ErrorCode.InvalidRequest);
    return (err as PimcpError).problems.map((p) => p.path);
  }
}

describe(parseInvokeRequest.name, () => {
  it('returns a typed copy without unknown keys, arguments defaulting to {}', () => {
    expect(parseInvokeRequest({ ...valid, extra: 1 })).toEqual(valid);
    const withoutArguments: Record<string, unknown> = { ...valid };
    delete withoutArguments['arguments'];
    expect(parseInvokeRequest(withoutArguments).arguments).toEqual({});
  });

  it('names every bad field', () => {
    expect(problems({ requestId: '', tool: 7, arguments: [], deadline: 'soon', caller: { clientId: 3 }, meta: 'x' }))
      .toEqual(['requestId', 'tool', 'arguments', 'deadline', 'caller.subject', 'caller.clientId', 'meta']);
  });

  it('refuses anything but an object', () => {
    expect(() => parseInvokeRequest(null)).toThrow('invoke request must be a JSON object');
    expect(() => parseInvokeRequest([valid])).toThrow('invoke request must be a JSON object');
  });
});
