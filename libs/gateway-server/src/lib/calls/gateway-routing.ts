import { ConfigError } from '@pimcp/config';
import { PimcpError } from '@pimcp/protocol';
import { createRouting, parseRoutingPolicies, type Routing } from '@pimcp/router';
import type { GatewayConfig } from '../config/gateway.config';

/** The router as this gateway's settings shape it (docs/routing.md); a bad policy stops the gateway at boot. */
export function createGatewayRouting(config: GatewayConfig): Routing {
  let policies;
  try {
    policies = parseRoutingPolicies(config.routingPolicies);
  } catch (error) {
    if (error instanceof PimcpError) {
      throw new ConfigError([`PIMCP_GATEWAY_ROUTING_POLICIES (or "routingPolicies" in PIMCP_CONFIG): ${error.message}`]);
    }
    throw error;
  }
  return createRouting({
    policies,
    router: { defaultMaxConcurrent: config.defaultMaxConcurrent, offloadInputBytes: config.offloadInputBytes },
    queue: { maxWaiting: config.maxQueued, maxWaitMs: config.queueTimeoutMs },
    health: { halfOpenAfterMs: config.breakerHalfOpenMs },
    hedging: { enabled: config.hedging },
  });
}
