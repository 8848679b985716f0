import { ProtocolError, type ServerContext } from '@modelcontextprotocol/server';
import type { AccessPolicy } from '../auth/access-policy';
import { type Capability, scopeFor } from '../auth/scope-grants';

/** JSON-RPC code of a request refused for want of a scope (the HTTP layer answers 403 with the same code). */
export const INSUFFICIENT_SCOPE_CODE = -32003;

/** Throws when the caller's token does not allow `capability`; the handler then never reaches a node. */
export function requireCapability(policy: AccessPolicy, ctx: ServerContext, capability: Capability): void {
  if (policy.grantsOf(ctx.http?.authInfo).allows(capability)) return;
  const scope = scopeFor(capability);
  throw new ProtocolError(INSUFFICIENT_SCOPE_CODE, `Insufficient scope: this needs the scope "${scope}", which this token does not carry`, { scope });
}

/** Whether the caller may see `capability` in a listing. */
export function canSee(policy: AccessPolicy, ctx: ServerContext, capability: Capability): boolean {
  return policy.grantsOf(ctx.http?.authInfo).allows(capability);
}
