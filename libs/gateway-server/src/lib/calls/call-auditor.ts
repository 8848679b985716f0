import { Logger } from '@nestjs/common';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { AuditLog, AuditOutcome, AuditRecord } from '@pimcp/audit';
import { argumentsHash } from '@pimcp/node-link';
import { type CallerIdentity, ErrorCode } from '@pimcp/protocol';

/** What the use case learnt while running one call. */
export interface CallTrace {
  requestId: string;
  startedAt: number;
  /** The node last asked to run it. */
  nodeId?: string;
  /** The gateway answered with a tool error itself (arguments failing the schema). */
  invalidArguments?: boolean;
}

export interface AuditedCall {
  name: string;
  arguments: Record<string, unknown> | undefined;
  caller: CallerIdentity;
}

/**
 * Writes one audit record per tools/call, whatever its end. Writing is not awaited by the call and a failed write
 * is logged, not thrown: the audit must not become a way to take tools down. Argument values only when configured.
 */
export class CallAuditor {
  private readonly logger = new Logger(CallAuditor.name);

  constructor(private readonly log: AuditLog, private readonly options: { includeArguments: boolean }) {}

  succeeded(call: AuditedCall, trace: CallTrace, result: Record<string, unknown>): void {
    const outcome: AuditOutcome = trace.invalidArguments ? 'invalid' : result['isError'] === true ? 'tool-error' : 'ok';
    this.write(call, trace, outcome, undefined, Date.now() - trace.startedAt);
  }

  failed(call: AuditedCall, trace: CallTrace, error: unknown): void {
    const data = error instanceof ProtocolError && isObject(error.data) ? error.data : {};
    const code = typeof data['code'] === 'string' ? data['code'] : ErrorCode.Internal;
    const outcome: AuditOutcome = code === ErrorCode.InvocationUnauthorized ? 'refused'
      : error instanceof ProtocolError && error.code === ProtocolErrorCode.InvalidParams ? 'invalid' : 'failed';
    this.write(call, trace, outcome, code, Date.now() - trace.startedAt);
  }

  /**
   * A call the gateway refused at its door (scope, rate limit) before any node was asked; it took no time. With
   * `bodyRead` false the request body was never read, so the record has no arguments hash.
   */
  refused(call: AuditedCall, trace: CallTrace, outcome: 'denied' | 'rate-limited', errorCode: string, bodyRead: boolean): void {
    this.write(call, trace, outcome, errorCode, 0, bodyRead);
  }

  private write(call: AuditedCall, trace: CallTrace, outcome: AuditOutcome, errorCode: string | undefined, durationMs: number, bodyRead = true): void {
    const args = call.arguments ?? {};
    const record: AuditRecord = {
      time: new Date(trace.startedAt).toISOString(),
      requestId: trace.requestId,
      subject: call.caller.subject,
      ...(call.caller.clientId ? { clientId: call.caller.clientId } : {}),
      capability: call.name.slice(0, 256),
      ...(trace.nodeId ? { nodeId: trace.nodeId } : {}),
      ...(bodyRead ? { argumentsHash: argumentsHash(args), ...(this.options.includeArguments ? { arguments: args } : {}) } : {}),
      outcome,
      ...(errorCode ? { errorCode } : {}),
      durationMs,
    };
    this.log.append(record).catch((err: unknown) => this.logger.error(`audit record ${trace.requestId} not written: ${(err as Error)?.message ?? String(err)}`));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
