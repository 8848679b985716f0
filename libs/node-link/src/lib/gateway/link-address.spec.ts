import { ErrorCode } from '@pimcp/protocol';
import { parseLinkAddress } from './link-address';

describe(parseLinkAddress.name, () => {
  it('reads host and port, IPv6 included', () => {
    expect(parseLinkAddress('tcp://10.0.0.5:7600')).toEqual({ host: '10.0.0.5', port: 7600 });
    expect(parseLinkAddress('tcp://pi-1.local:7600')).toEqual({ host: 'pi-1.local', port: 7600 });
    expect(parseLinkAddress('tcp://[::1]:7600')).toEqual({ host: '::1', port: 7600 });
  });

  it.each([
    ['another scheme', 'http://10.0.0.5:80', 'tcp:// or redis://'],
    ['no port', 'tcp://10.0.0.5', 'needs a host and a port'],
    ['not a URL', 'pi-1:7600x', 'uses pi-1:'],
    ['garbage', '::', 'is not a URL'],
  ])('refuses %s with NODE_UNAVAILABLE', (_label, address, message) => {
    expect(() => parseLinkAddress(address)).toThrow(message);
    expect(() => parseLinkAddress(address)).toThrow(expect.objectContaining({ code: ErrorCode.NodeUnavailable }));
  });
});
