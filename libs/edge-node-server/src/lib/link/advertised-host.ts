import { networkInterfaces } from 'node:os';
import type { EdgeNodeConfig } from '../config/edge-node.config';

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * The host the gateway should dial: PIMCP_NODE_ADVERTISE_HOST, else the link host, else (for a wildcard
 * link host) this machine's first non-loopback IPv4 address, falling back to loopback on a machine without one.
 */
export function advertisedHost(config: Pick<EdgeNodeConfig, 'advertiseHost' | 'linkHost'>, interfaces = networkInterfaces()): string {
  if (config.advertiseHost) return config.advertiseHost;
  if (!WILDCARDS.has(config.linkHost)) return config.linkHost;
  for (const addresses of Object.values(interfaces)) {
    const external = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (external) return external.address;
  }
  return '127.0.0.1';
}
