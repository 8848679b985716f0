import { ErrorCode, type PimcpError } from '@pimcp/protocol';
import { parseHttpRequestConfig } from './http-request.config';
import { httpRequestPlugin } from './http-request.plugin';

describe('parseHttpRequestConfig', () => {
  it.each([undefined, null, {}])('allows no host for an absent or empty section (%p): the plugin offers no tool', (raw) => {
    const config = parseHttpRequestConfig(raw);
    expect(config.allow).toEqual([]);
    expect(config.allowPrivateAddresses).toEqual([]);
    expect(httpRequestPlugin(config).tools).toEqual([]);
  });

  it('defaults to https on its default port and the small header lists', () => {
    const config = parseHttpRequestConfig({ allow: [{ host: 'api.example.com', methods: ['GET'] }] });
    expect([...config.allow[0].schemes]).toEqual(['https']);
    expect(config.allow[0].ports.size).toBe(0);
    expect(config.requestHeaders.has('authorization')).toBe(false);
    expect(config.responseHeaders.has('set-cookie')).toBe(false);
  });

  it('lists every problem with its field path', () => {
    let error: PimcpError | undefined;
    try {
      parseHttpRequestConfig({
        allow: [
          { host: '*.com', methods: ['GET'] },
          { host: 'ok.example.com', methods: ['FETCH'], schemes: ['ftp'], ports: [70000], headers: { Host: 'evil' } },
          { methods: ['GET'] },
        ],
        allowPrivateAddresses: ['10.0.0.0/33', 'lan'],
        requestHeaders: ['accept', 'Transfer-Encoding'],
        followRedirects: true,
      });
    } catch (err) {
      error = err as PimcpError;
    }
    expect(error?.code).toBe(ErrorCode.InvalidRequest);
    expect(error?.problems.map((p) => p.path)).toEqual(expect.arrayContaining([
      'allow[0].host', 'allow[1].methods', 'allow[1].schemes', 'allow[1].ports', 'allow[1].headers.Host', 'allow[2].host',
      'allowPrivateAddresses[0]', 'allowPrivateAddresses[1]', 'requestHeaders[1]', 'followRedirects',
    ]));
  });
});
