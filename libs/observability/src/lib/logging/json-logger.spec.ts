import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonLoggingParams } from './json-logger';
import { nestLogLevels } from './nest-log-levels';
import { loggingConfig } from './logging.config';

type GenReqId = (request: IncomingMessage, response: ServerResponse) => string;

function requestIdFor(header: string | undefined): { id: string; echoed: unknown } {
  const params = jsonLoggingParams('test', loggingConfig.load({ env: {} }));
  const genReqId = (params.pinoHttp as { genReqId: GenReqId }).genReqId;
  const headers: Record<string, unknown> = {};
  const response = { setHeader: (name: string, value: unknown) => (headers[name] = value) } as unknown as ServerResponse;
  const id = genReqId({ headers: header === undefined ? {} : { 'x-request-id': header } } as IncomingMessage, response);
  return { id, echoed: headers['x-request-id'] };
}

describe('JSON logging', () => {
  it('keeps a plain request id the caller sent and echoes it', () => {
    expect(requestIdFor('req-42.a:b')).toEqual({ id: 'req-42.a:b', echoed: 'req-42.a:b' });
  });

  it('replaces a missing, long or odd request id with a fresh UUID (no log injection through the header)', () => {
    for (const header of [undefined, 'x'.repeat(200), 'a\nb', '{"json":1}']) {
      const { id, echoed } = requestIdFor(header);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(echoed).toBe(id);
    }
  });

  it('redacts credentials and logs paths without query strings', () => {
    const pinoHttp = jsonLoggingParams('test', loggingConfig.load({ env: {} })).pinoHttp as {
      redact: { paths: string[] }; serializers: { req(req: unknown): unknown };
    };
    expect(pinoHttp.redact.paths).toEqual(expect.arrayContaining(['req.headers.authorization', 'req.headers.cookie']));
    expect(pinoHttp.serializers.req({ id: '1', method: 'GET', url: '/mcp?access_token=abc' })).toEqual({ id: '1', method: 'GET', path: '/mcp' });
  });

  it('maps PIMCP_LOG_LEVEL to Nest levels for the text format', () => {
    expect(nestLogLevels('warn')).toEqual(['fatal', 'error', 'warn']);
    expect(nestLogLevels('info')).toEqual(['fatal', 'error', 'warn', 'log']);
    expect(nestLogLevels('debug')).toEqual(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']);
  });

  it('refuses an unknown format or level, saying what is accepted', () => {
    expect(() => loggingConfig.load({ env: { PIMCP_LOG_FORMAT: 'xml' } })).toThrow(/PIMCP_LOG_FORMAT.*text or json/);
    expect(() => loggingConfig.load({ env: { PIMCP_LOG_LEVEL: 'loud' } })).toThrow(/PIMCP_LOG_LEVEL/);
  });
});
