import type { ServerContext } from '@modelcontextprotocol/server';
import type { CallerIdentity } from '@pimcp/protocol';

/** Who made a request, as the bearer token said; the token itself never leaves the gateway. */
export function callerOf(ctx: ServerContext): CallerIdentity {
  const auth = ctx.http?.authInfo;
  const subject = typeof auth?.extra?.['subject'] === 'string' ? (auth.extra['subject'] as string) : 'anonymous';
  return { subject, ...(auth?.clientId ? { clientId: auth.clientId } : {}) };
}
