import { randomBytes, randomUUID } from 'node:crypto';
import {
  createRequestStateCodec, type InputRequests, inputRequired, ProtocolError, ProtocolErrorCode, type RequestStateCodec, type ServerContext,
} from '@modelcontextprotocol/server';
import type { ClientRequestEvent, LogEvent, ProgressEvent } from '@pimcp/protocol';
import { callerOf, subjectKeyOf } from './caller-of';

/** What a parked call needs from the round (the HTTP request) that currently carries it. */
export interface CallHooks {
  signal: AbortSignal;
  onProgress(event: ProgressEvent): void;
  onLog(event: LogEvent): void;
  onClientRequest(event: ClientRequestEvent): Promise<Record<string, unknown>>;
}

/** How one round of a parked call relays to its client: each retried tools/call is a new request with its own ctx. */
export interface RoundRelay {
  progress(event: ProgressEvent): void;
  log(event: LogEvent): void;
}

interface FlowState {
  flow: string;
}

export interface InputRequiredCallsOptions {
  /** How long a call waits for the client to retry with its answers before it is cancelled. */
  waitMs: number;
}

type Outcome = { result: Record<string, unknown> } | { error: unknown };

/**
 * 2026-07-28 clients get no server→client requests: a tool's request of its client (a bridged server's sampling,
 * elicitation or roots/list) is returned as an `input_required` result instead. The call keeps running on its node,
 * parked here; the client's retry (same tools/call with `inputResponses` and the echoed `requestState`) answers the
 * waiting requests and carries the call on until it ends or asks again. The state is HMAC-sealed and bound to the
 * caller; it names a call parked in this gateway process, so a retry that reaches another replica is refused.
 */
export class InputRequiredCalls {
  private readonly calls = new Map<string, ParkedCall>();
  /** The codec's verify goes into the Server's `requestState.verify` hook: the SDK refuses forged or expired state. */
  readonly codec: RequestStateCodec<FlowState>;

  constructor(private readonly options: InputRequiredCallsOptions) {
    this.codec = createRequestStateCodec<FlowState>({
      key: randomBytes(32),
      ttlSeconds: Math.ceil(options.waitMs / 1000),
      bind: (ctx) => callerKey(ctx),
    });
  }

  get parked(): number {
    return this.calls.size;
  }

  /** Runs one round of a tools/call: a new call (no state), or the retry of a parked one (its answers inside). */
  async round(ctx: ServerContext, relay: RoundRelay, start: (hooks: CallHooks) => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const state = ctx.mcpReq.requestState<FlowState>();
    let call: ParkedCall;
    if (state === undefined) {
      call = new ParkedCall(randomUUID(), this.options.waitMs, (id) => this.calls.delete(id));
      this.calls.set(call.id, call);
      call.start(start);
    } else {
      const parked = typeof state === 'object' ? this.calls.get(state.flow) : undefined;
      if (!parked) {
        throw new ProtocolError(ProtocolErrorCode.InvalidParams,
          'this tools/call continues a call this gateway no longer holds (it ended, waited too long for the answers, or ran on another gateway replica); call the tool again without requestState');
      }
      call = parked;
      call.answer(ctx.mcpReq.inputResponses ?? {});
    }
    const next = await call.nextRound(ctx.mcpReq.signal, relay);
    if ('requests' in next) return inputRequired({ inputRequests: next.requests, requestState: await this.codec.mint({ flow: call.id }, ctx) }) as never;
    if ('error' in next) throw next.error;
    return next.result;
  }

  close(): void {
    for (const call of this.calls.values()) call.cancel('the gateway is shutting down');
  }
}

/** One call in flight across several rounds: its node invocation runs on, and its requests of the client queue here. */
class ParkedCall {
  private readonly abort = new AbortController();
  private readonly waiting = new Map<string, { request: { method: string; params: Record<string, unknown> }; sent: boolean; settle: (answer: { result?: Record<string, unknown>; error?: unknown }) => void }>();
  private outcome: Outcome | undefined;
  private relay: RoundRelay | undefined;
  private wake: (() => void) | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private sequence = 0;

  constructor(readonly id: string, private readonly waitMs: number, private readonly forget: (id: string) => void) {}

  start(run: (hooks: CallHooks) => Promise<Record<string, unknown>>): void {
    run({
      signal: this.abort.signal,
      onProgress: (event) => this.relay?.progress(event),
      onLog: (event) => this.relay?.log(event),
      onClientRequest: (event) => new Promise((resolve, reject) => {
        this.waiting.set(String(++this.sequence), {
          request: { method: event.method, params: event.params }, sent: false,
          settle: ({ result, error }) => (result ? resolve(result) : reject(error)),
        });
        this.wake?.();
      }),
    }).then((result) => this.finish({ result }), (error: unknown) => this.finish({ error }));
  }

  /** The client's answers, keyed as we asked; a missing answer is asked again in the next round. */
  answer(responses: Record<string, unknown>): void {
    for (const [key, pending] of this.waiting) {
      const response = responses[key];
      if (!pending.sent || !isObject(response)) continue;
      this.waiting.delete(key);
      pending.settle({ result: response });
    }
  }

  /** Waits until the call ends or needs the client; while it waits the round's client gets its progress and logs. */
  async nextRound(signal: AbortSignal, relay: RoundRelay): Promise<Outcome | { requests: InputRequests }> {
    clearTimeout(this.expiry);
    this.relay = relay;
    const cancel = () => this.cancel('the client cancelled the call');
    signal.addEventListener('abort', cancel, { once: true });
    try {
      while (!this.outcome && this.waiting.size === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    } finally {
      this.wake = undefined;
      this.relay = undefined;
      signal.removeEventListener('abort', cancel);
    }
    if (this.outcome) {
      this.forget(this.id);
      return this.outcome;
    }
    const requests: InputRequests = {};
    for (const [key, pending] of this.waiting) {
      pending.sent = true;
      requests[key] = pending.request as InputRequests[string];
    }
    this.expiry = setTimeout(() => this.cancel(`the client did not answer within ${this.waitMs} ms`), this.waitMs);
    this.expiry.unref();
    return { requests };
  }

  cancel(why: string): void {
    const error = new ProtocolError(ProtocolErrorCode.InvalidRequest, `PiMCP cancelled the call: ${why}`);
    for (const pending of this.waiting.values()) pending.settle({ error });
    this.waiting.clear();
    this.abort.abort(error);
    this.forget(this.id);
  }

  /** Kept until a round collects it (or the wait expires): a call may end while its client is still answering. */
  private finish(outcome: Outcome): void {
    this.outcome = outcome;
    this.wake?.();
  }
}

/** Binds the state to the authenticated principal (issuer, subject, client), so no one else can continue someone's call. */
function callerKey(ctx: ServerContext): string {
  return `${subjectKeyOf(ctx.http?.authInfo)}\0${callerOf(ctx).clientId ?? ''}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
