import type { AuthInfo, ServerContext } from '@modelcontextprotocol/server';
import type { CallerIdentity } from '@pimcp/protocol';

/** Who made a request, as the bearer token said; the token itself never leaves the gateway. */
export function callerOf(ctx: ServerContext): CallerIdentity {
  return callerOfAuth(ctx.http?.authInfo);
}

/** The same, from the verified token a middleware sees (`req.auth`). */
export function callerOfAuth(auth: AuthInfo | undefined): CallerIdentity {
  const subject = stringClaim(auth, 'subject') ?? 'anonymous';
  return { subject, ...(auth?.clientId ? { clientId: auth.clientId } : {}) };
}

/** One key per subject and issuer, so two issuers' "alice" are counted (rate limit) and throttled (audit) apart. */
export function subjectKeyOf(auth: AuthInfo | undefined): string {
  return `${stringClaim(auth, 'issuer') ?? ''}|${callerOfAuth(auth).subject}`;
}

function stringClaim(auth: AuthInfo | undefined, name: 'subject' | 'issuer'): string | undefined {
  const value = auth?.extra?.[name];
  return typeof value === 'string' ? value : undefined;
}
