import { type CallerIdentity, ErrorCode, type FieldProblem, PimcpError } from '@pimcp/protocol';

export const MAX_REQUEST_ID_LENGTH = 128;
const MAX_TOKEN_LENGTH = 8192;

/** Collects field problems of one link message, then throws them all at once as INVALID_REQUEST. */
export class PayloadProblems {
  private readonly problems: FieldProblem[] = [];

  constructor(private readonly what: string) {}

  need(ok: boolean, path: string, message: string): void {
    if (!ok) this.problems.push({ path, message });
  }

  requestId(value: unknown): void {
    this.need(typeof value === 'string' && value.length > 0 && value.length <= MAX_REQUEST_ID_LENGTH, 'requestId', `must be a string of 1 to ${MAX_REQUEST_ID_LENGTH} characters`);
  }

  deadline(value: unknown): void {
    this.need(typeof value === 'number' && Number.isFinite(value), 'deadline', 'must be epoch milliseconds');
  }

  caller(value: unknown): void {
    this.need(isPlainObject(value) && typeof value['subject'] === 'string', 'caller.subject', 'must be a string');
    this.need(!isPlainObject(value) || value['clientId'] === undefined || typeof value['clientId'] === 'string', 'caller.clientId', 'must be a string when given');
  }

  /** A compact JWS is three base64url parts; 8 KiB is far above any token the gateway signs. */
  token(value: unknown): void {
    this.need(value === undefined || (typeof value === 'string' && value.length <= MAX_TOKEN_LENGTH && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value)), 'invocationToken', 'must be a compact JWS when given');
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    throw new PimcpError(ErrorCode.InvalidRequest, `invalid ${this.what}: ${this.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, this.problems);
  }
}

/** A checked caller, copied field by field so nothing else rides along. */
export function callerOf(value: unknown): CallerIdentity {
  const who = value as Record<string, unknown>;
  return { subject: who['subject'] as string, ...(typeof who['clientId'] === 'string' ? { clientId: who['clientId'] } : {}) };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
