import { ConfigError } from '@pimcp/config';
import { PimcpError } from '@pimcp/protocol';
import { Logger } from '@nestjs/common';
import type { RoutingPolicyRecord } from '@pimcp/protocol';
import { createRouting, parseRoutingPolicies, parseRoutingPolicy, type Routing, type RoutingPolicy } from '@pimcp/router';
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

/**
 * The policies in force: the gateway's YAML ones, with those an operator set through the registry's admin API on
 * top (one replaces the other per capability). Applied whenever the catalog reports a change of the latter.
 */
export function applyOperatorPolicies(routing: Routing, config: GatewayConfig, records: ReadonlyMap<string, RoutingPolicyRecord>): void {
  const merged = new Map<string, RoutingPolicy>(parseRoutingPolicies(config.routingPolicies));
  for (const [capability, record] of records) {
    try {
      merged.set(capability, parseRoutingPolicy(record.policy, capability));
    } catch (error) {
      // The registry validates with the same rules; a policy written by a newer version may still not parse here.
      new Logger('routing').warn(`ignoring the routing policy of ${capability} from the registry: ${(error as Error).message}`);
    }
  }
  routing.policies.replaceAll(merged);
}
