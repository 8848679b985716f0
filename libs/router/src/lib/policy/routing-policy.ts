/** A validated routing policy, selectors parsed (what the router reads on every call). */
import type { LabelSelector } from '../selectors/label-selector';

export interface PreferRule {
  readonly selector: LabelSelector;
  readonly weight: number;
}

export interface RoutingPolicy {
  readonly prefer: readonly PreferRule[];
  readonly require: readonly LabelSelector[];
  readonly spread: boolean;
  readonly pin?: string;
  readonly offloadInputBytes?: number;
  readonly hedge?: boolean;
  readonly maxQueued?: number;
  readonly queueTimeoutMs?: number;
}

/** The policy of a capability nobody configured: score only. */
export const DEFAULT_ROUTING_POLICY: RoutingPolicy = Object.freeze({ prefer: [], require: [], spread: false });

export const DEFAULT_PREFER_WEIGHT = 10;

/** The key whose policy applies to every capability without its own. */
export const DEFAULT_POLICY_KEY = '*';
