import { type Clock, systemClock } from '../clock';
import { CapabilityLatency, type CapabilityLatencyOptions } from '../health/capability-latency';
import { NodeHealth, type NodeHealthOptions } from '../health/node-health';
import { RoutingPolicies } from '../policy/routing-policies';
import type { RoutingPolicy } from '../policy/routing-policy';
import { AdmissionQueue, type AdmissionQueueOptions } from '../queue/admission-queue';
import { RetryBudget, type RetryBudgetOptions } from '../retry/retry-budget';
import { Router, type RouterOptions } from '../routing/router';
import { type HedgingOptions, RoutedExecutor } from './routed-executor';

/** Every knob of the routing brain in one place (what a gateway's config maps onto). */
export interface RoutingOptions {
  policies?: ReadonlyMap<string, RoutingPolicy>;
  router?: RouterOptions;
  health?: NodeHealthOptions;
  budget?: RetryBudgetOptions;
  queue?: AdmissionQueueOptions;
  latency?: CapabilityLatencyOptions;
  hedging?: HedgingOptions;
  maxAttempts?: number;
  clock?: Clock;
}

export interface Routing {
  readonly policies: RoutingPolicies;
  readonly health: NodeHealth;
  readonly router: Router;
  readonly budget: RetryBudget;
  readonly queue: AdmissionQueue;
  readonly latency: CapabilityLatency;
  readonly executor: RoutedExecutor;
}

/** Builds the router, its state and the executor with one shared clock. */
export function createRouting(options: RoutingOptions = {}): Routing {
  const clock = options.clock ?? systemClock;
  const policies = new RoutingPolicies(options.policies);
  const health = new NodeHealth(options.health);
  const router = new Router(policies, health, options.router);
  const budget = new RetryBudget(options.budget, clock);
  const queue = new AdmissionQueue(options.queue, clock);
  const latency = new CapabilityLatency(options.latency);
  const executor = new RoutedExecutor({ router, health, budget, queue, latency }, {
    clock,
    ...(options.hedging ? { hedging: options.hedging } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
  return { policies, health, router, budget, queue, latency, executor };
}
