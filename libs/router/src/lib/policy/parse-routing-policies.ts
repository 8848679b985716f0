/** Turns routing policies from YAML or the admin API into validated, parsed policies, reporting every problem. */
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { CAPABILITY_NAME_PATTERN, ErrorCode, type FieldProblem, manifestLimits, PimcpError } from '@pimcp/protocol';
import { LabelSelector } from '../selectors/label-selector';
import { RoutingPolicyDto } from './routing-policy.dto';
import { DEFAULT_POLICY_KEY, DEFAULT_PREFER_WEIGHT, type PreferRule, type RoutingPolicy } from './routing-policy';

/** The plain shape of one policy (as `routingPolicyToPlain` returns it). */
export interface RoutingPolicyInput {
  prefer?: (string | { selector: string; weight?: number })[];
  require?: string[];
  spread?: boolean;
  pin?: string;
  offloadInputBytes?: number;
  hedge?: boolean;
  maxQueued?: number;
  queueTimeoutMs?: number;
}

/** Policies per capability; more are refused (they are held in memory on every gateway). */
export const MAX_ROUTING_POLICIES = 10_000;

/**
 * Parses `{ "<capability>": policy, "*": defaultPolicy }` (a YAML mapping). Throws INVALID_REQUEST listing every
 * problem with its path, e.g. `file.search.require[0]: label selector "region=": ...`.
 */
export function parseRoutingPolicies(input: unknown): ReadonlyMap<string, RoutingPolicy> {
  if (!isPlainObject(input)) {
    throw invalid('routing policies', [{ path: '', message: 'routing policies must be a mapping of capability name to policy, e.g. {"file.search": {"spread": true}}' }]);
  }
  const entries = Object.entries(input);
  if (entries.length > MAX_ROUTING_POLICIES) {
    throw invalid('routing policies', [{ path: '', message: `at most ${MAX_ROUTING_POLICIES} routing policies are allowed, got ${entries.length}` }]);
  }
  const problems: FieldProblem[] = [];
  const policies = new Map<string, RoutingPolicy>();
  for (const [name, plain] of entries) {
    const nameProblem = capabilityKeyProblem(name);
    if (nameProblem) problems.push({ path: name, message: nameProblem });
    const result = checkPolicy(plain, name);
    problems.push(...result.problems);
    if (result.policy && !nameProblem) policies.set(name, result.policy);
  }
  if (problems.length > 0) throw invalid('routing policies', problems);
  return policies;
}

/** Parses one policy (the admin API's body). Paths are relative to the policy, e.g. `prefer[1].weight`. */
export function parseRoutingPolicy(input: unknown, capability?: string): RoutingPolicy {
  const result = checkPolicy(input, '');
  if (!result.policy || result.problems.length > 0) {
    throw invalid(capability ? `routing policy for ${capability}` : 'routing policy', result.problems);
  }
  return result.policy;
}

/** Why `name` cannot key a routing policy, if it cannot. */
export function capabilityKeyProblem(name: string): string | undefined {
  if (name === DEFAULT_POLICY_KEY) return undefined;
  if (name.length > manifestLimits.capabilityNameMaxLength || !CAPABILITY_NAME_PATTERN.test(name)) {
    return `"${name}" is not a capability name (lowercase dotted segments such as "file.search") or "${DEFAULT_POLICY_KEY}" for the default`;
  }
  return undefined;
}

/** The policy as plain data (for the admin API's GET and for writing YAML back). */
export function routingPolicyToPlain(policy: RoutingPolicy): RoutingPolicyInput {
  return {
    ...(policy.prefer.length > 0 ? { prefer: policy.prefer.map((p) => ({ selector: p.selector.toString(), weight: p.weight })) } : {}),
    ...(policy.require.length > 0 ? { require: policy.require.map((s) => s.toString()) } : {}),
    ...(policy.spread ? { spread: true } : {}),
    ...(policy.pin !== undefined ? { pin: policy.pin } : {}),
    ...(policy.offloadInputBytes !== undefined ? { offloadInputBytes: policy.offloadInputBytes } : {}),
    ...(policy.hedge !== undefined ? { hedge: policy.hedge } : {}),
    ...(policy.maxQueued !== undefined ? { maxQueued: policy.maxQueued } : {}),
    ...(policy.queueTimeoutMs !== undefined ? { queueTimeoutMs: policy.queueTimeoutMs } : {}),
  };
}

function checkPolicy(input: unknown, at: string): { policy?: RoutingPolicy; problems: FieldProblem[] } {
  // An empty YAML entry (`file.search:`) reads as null: no policy beyond the defaults.
  const plain = input === null ? {} : input;
  if (!isPlainObject(plain)) {
    return { problems: [{ path: at, message: 'a routing policy must be a mapping with prefer, require, spread, pin, ... fields' }] };
  }
  const dto = plainToInstance(RoutingPolicyDto, withPreferShorthand(plain));
  const problems = flatten(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }), at);
  const prefer: PreferRule[] = [];
  dto.prefer?.forEach((rule, i) => {
    if (!rule || typeof rule.selector !== 'string' || rule.selector === '') return;
    const parsed = LabelSelector.tryParse(rule.selector);
    if (parsed.ok) prefer.push({ selector: parsed.selector, weight: rule.weight ?? DEFAULT_PREFER_WEIGHT });
    else problems.push({ path: join(at, `prefer[${i}].selector`), message: parsed.message });
  });
  const require: LabelSelector[] = [];
  dto.require?.forEach((text, i) => {
    if (typeof text !== 'string') return;
    const parsed = LabelSelector.tryParse(text);
    if (parsed.ok) require.push(parsed.selector);
    else problems.push({ path: join(at, `require[${i}]`), message: parsed.message });
  });
  if (dto.pin !== undefined && dto.spread === true) {
    problems.push({ path: join(at, 'spread'), message: 'spread and pin exclude each other: a pinned capability has one node to spread over' });
  }
  if (problems.length > 0) return { problems };
  const policy: RoutingPolicy = {
    prefer,
    require,
    spread: dto.spread ?? false,
    ...(dto.pin !== undefined ? { pin: dto.pin } : {}),
    ...(dto.offloadInputBytes !== undefined ? { offloadInputBytes: dto.offloadInputBytes } : {}),
    ...(dto.hedge !== undefined ? { hedge: dto.hedge } : {}),
    ...(dto.maxQueued !== undefined ? { maxQueued: dto.maxQueued } : {}),
    ...(dto.queueTimeoutMs !== undefined ? { queueTimeoutMs: dto.queueTimeoutMs } : {}),
  };
  return { policy: Object.freeze(policy), problems };
}

/** `prefer: ["gpu=true"]` means `prefer: [{selector: "gpu=true"}]`. */
function withPreferShorthand(plain: Record<string, unknown>): Record<string, unknown> {
  const prefer = plain['prefer'];
  if (!Array.isArray(prefer)) return plain;
  return { ...plain, prefer: prefer.map((rule: unknown) => (typeof rule === 'string' ? { selector: rule } : rule)) };
}

function flatten(errors: ValidationError[], parent: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : join(parent, error.property);
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

function join(parent: string, child: string): string {
  return parent ? `${parent}.${child}` : child;
}

function invalid(what: string, problems: FieldProblem[]): PimcpError {
  const summary = problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
  return new PimcpError(ErrorCode.InvalidRequest, `invalid ${what}: ${summary}`, problems);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
