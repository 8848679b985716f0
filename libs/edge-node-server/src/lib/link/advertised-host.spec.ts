import type { NetworkInterfaceInfo } from 'node:os';
import { advertisedHost } from './advertised-host';

const nic = (address: string, internal: boolean, family: 'IPv4' | 'IPv6' = 'IPv4') => ({ address, internal, family }) as NetworkInterfaceInfo;
const interfaces = { lo: [nic('127.0.0.1', true)], eth0: [nic('fe80::1', false, 'IPv6'), nic('192.168.1.20', false)] };

describe(advertisedHost.name, () => {
  it('prefers PIMCP_NODE_ADVERTISE_HOST, then the link host', () => {
    expect(advertisedHost({ advertiseHost: 'pi-1.lan', linkHost: '0.0.0.0' }, interfaces)).toBe('pi-1.lan');
    expect(advertisedHost({ advertiseHost: '', linkHost: '10.0.0.5' }, interfaces)).toBe('10.0.0.5');
  });

  it('advertises the first external IPv4 address for a wildcard link host, never 0.0.0.0', () => {
    expect(advertisedHost({ advertiseHost: '', linkHost: '0.0.0.0' }, interfaces)).toBe('192.168.1.20');
    expect(advertisedHost({ advertiseHost: '', linkHost: '::' }, interfaces)).toBe('192.168.1.20');
    expect(advertisedHost({ advertiseHost: '', linkHost: '0.0.0.0' }, { lo: [nic('127.0.0.1', true)] })).toBe('127.0.0.1');
  });
});
