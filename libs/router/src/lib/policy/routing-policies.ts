import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { capabilityKeyProblem, MAX_ROUTING_POLICIES, parseRoutingPolicy, routingPolicyToPlain, type RoutingPolicyInput } from './parse-routing-policies';
import { DEFAULT_POLICY_KEY, DEFAULT_ROUTING_POLICY, type RoutingPolicy } from './routing-policy';

/**
 * The routing policy of each capability, read by the router on every call. Loaded from YAML at boot
 * (`replaceAll(parseRoutingPolicies(yaml))`) and changed by the admin API (`set`). A capability without its own
 * policy gets the `*` policy, else the default (score only); an own policy replaces `*` entirely, it is not merged.
 */
export class RoutingPolicies {
  private policies: Map<string, RoutingPolicy>;

  constructor(initial: ReadonlyMap<string, RoutingPolicy> = new Map()) {
    this.policies = new Map(initial);
  }

  get(capability: string): RoutingPolicy {
    return this.policies.get(capability) ?? this.policies.get(DEFAULT_POLICY_KEY) ?? DEFAULT_ROUTING_POLICY;
  }

  /** The capability's own policy, if it has one (not the `*` fallback). */
  own(capability: string): RoutingPolicy | undefined {
    return this.policies.get(capability);
  }

  /** Validates and stores a policy from the admin API; throws INVALID_REQUEST naming every bad field. */
  set(capability: string, input: unknown): RoutingPolicy {
    const keyProblem = capabilityKeyProblem(capability);
    if (keyProblem) throw new PimcpError(ErrorCode.InvalidRequest, keyProblem, [{ path: 'capability', message: keyProblem }]);
    const policy = parseRoutingPolicy(input, capability);
    if (!this.policies.has(capability) && this.policies.size >= MAX_ROUTING_POLICIES) {
      throw new PimcpError(ErrorCode.InvalidRequest, `at most ${MAX_ROUTING_POLICIES} routing policies are allowed; delete unused ones first`);
    }
    this.policies.set(capability, policy);
    return policy;
  }

  delete(capability: string): boolean {
    return this.policies.delete(capability);
  }

  /** Swaps in a whole parsed set (a reloaded YAML file) in one step. */
  replaceAll(policies: ReadonlyMap<string, RoutingPolicy>): void {
    this.policies = new Map(policies);
  }

  /** Every own policy as plain data, sorted by capability (for the admin API). */
  toPlain(): Record<string, RoutingPolicyInput> {
    return Object.fromEntries([...this.policies.keys()].sort().map((name) => [name, routingPolicyToPlain(this.policies.get(name) as RoutingPolicy)]));
  }

  get size(): number {
    return this.policies.size;
  }
}
