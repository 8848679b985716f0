import { ErrorCode } from '@pimcp/protocol';
import { parseNodeRequest } from './parse-node-request';

describe(parseNodeRequest.name, () => {
  const valid = { requestId: 'q-1', method: 'prompts/get', params: { name: 'p' }, deadline: 1, caller: { subject: 's', clientId: 'c', extra: 1 } };

  it('returns a typed copy, dropping unknown caller fields', () => {
    expect(parseNodeRequest(valid)).toEqual({ requestId: 'q-1', method: 'prompts/get', params: { name: 'p' }, deadline: 1, caller: { subject: 's', clientId: 'c' } });
  });

  it('names every problem at once', () => {
    expect(() => parseNodeRequest({ ...valid, method: 'tools/call', params: [], deadline: 'soon', caller: {} })).toThrow(expect.objectContaining({
      code: ErrorCode.InvalidRequest,
      problems: [
        { path: 'method', message: expect.stringContaining('resources/read') },
        { path: 'params', message: 'must be a JSON object' },
        { path: 'deadline', message: 'must be epoch milliseconds' },
        { path: 'caller.subject', message: 'must be a string' },
      ],
    }));
    expect(() => parseNodeRequest('x')).toThrow('node request must be a JSON object');
  });
});
