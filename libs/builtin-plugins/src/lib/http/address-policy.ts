import ipaddr from 'ipaddr.js';

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Decides which resolved addresses http.request may connect to: public unicast only, unless an operator
 * allowed a range. Loopback, private (RFC 1918), link-local (169.254.169.254, the cloud metadata
 * service), unique-local, carrier-grade NAT, unspecified, multicast, broadcast, reserved, and IPv6 forms
 * that embed or tunnel IPv4 (NAT64, 6to4, Teredo) are refused. IPv4-mapped IPv6 is judged as the IPv4.
 */
export class AddressPolicy {
  constructor(private readonly allowed: readonly Cidr[]) {}

  /** Why `address` is refused, or undefined when it may be reached. */
  refusal(address: string): string | undefined {
    let ip: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      ip = ipaddr.process(address); // ::ffff:a.b.c.d becomes a.b.c.d
    } catch {
      return `${address} is not an IP address`;
    }
    if (this.allowed.some(([range, bits]) => range.kind() === ip.kind() && (ip as ipaddr.IPv4).match(range as ipaddr.IPv4, bits))) return undefined;
    const range = ip.range();
    if (range === 'unicast') return undefined;
    return `${ip.toString()} is a ${describeRange(range)} address`;
  }
}

function describeRange(range: string): string {
  const names: Record<string, string> = {
    loopback: 'loopback', private: 'private', linkLocal: 'link-local', uniqueLocal: 'unique-local (private IPv6)',
    unspecified: 'unspecified', multicast: 'multicast', broadcast: 'broadcast', carrierGradeNat: 'carrier-grade NAT',
    reserved: 'reserved', rfc6052: 'NAT64', '6to4': '6to4', teredo: 'Teredo',
  };
  return names[range] ?? `special-purpose (${range})`;
}
