import ipaddr from 'ipaddr.js';
import { AddressPolicy } from './address-policy';

describe(AddressPolicy.name, () => {
  describe('refusal', () => {
    const strict = new AddressPolicy([]);

    it.each([
      ['127.0.0.1', 'loopback'], ['127.8.9.10', 'loopback'], ['::1', 'loopback'],
      ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['192.168.1.1', 'private'],
      ['169.254.169.254', 'link-local'], ['fe80::1', 'link-local'], ['fd00::1', 'unique-local'],
      ['0.0.0.0', 'unspecified'], ['::', 'unspecified'], ['224.0.0.1', 'multicast'], ['ff02::1', 'multicast'],
      ['255.255.255.255', 'broadcast'], ['100.64.0.1', 'carrier-grade NAT'], ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:169.254.169.254', 'link-local'], ['64:ff9b::a00:1', 'NAT64'], ['2002:c0a8:101::1', '6to4'], ['240.0.0.1', 'reserved'],
    ])('refuses %s as %s', (address, kind) => {
      expect(strict.refusal(address)).toContain(`${kind}`);
    });

    it.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111'])('allows the public address %s', (address) => {
      expect(strict.refusal(address)).toBeUndefined();
    });

    it('allows exactly the ranges an operator names, IPv4-mapped forms included', () => {
      const lan = new AddressPolicy([ipaddr.parseCIDR('192.168.1.0/24')]);
      expect(lan.refusal('192.168.1.20')).toBeUndefined();
      expect(lan.refusal('::ffff:192.168.1.20')).toBeUndefined();
      expect(lan.refusal('192.168.2.20')).toContain('private');
      expect(lan.refusal('127.0.0.1')).toContain('loopback');
    });

    it('refuses what is not an address', () => {
      expect(strict.refusal('example.com')).toContain('is not an IP address');
    });
  });
});
