import { ErrorCode, PimcpError } from '@pimcp/protocol';

export interface ReplayCacheOptions {
  /** Most token ids remembered at once; past it new invocations are refused rather than the cache growing. */
  maxEntries: number;
  now?: () => number;
}

/**
 * The token ids (jti) this node has accepted, each kept until its token expires: a token seen twice is a replay.
 * Bounded in memory; when full of unexpired ids it refuses (a clear error) instead of forgetting an id early,
 * since forgetting would let that token be replayed.
 */
export class ReplayCache {
  private readonly expiries = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: ReplayCacheOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) throw new Error('ReplayCache maxEntries must be a whole number above 0');
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.expiries.size;
  }

  /** Records the id until expiresAt (epoch ms); throws INVOCATION_UNAUTHORIZED for an id already seen, NODE_UNAVAILABLE when full. */
  claim(jti: string, expiresAt: number): void {
    const now = this.now();
    const seen = this.expiries.get(jti);
    if (seen !== undefined && seen > now) throw new PimcpError(ErrorCode.InvocationUnauthorized, 'invocation token was already used (replay refused)');
    if (this.expiries.size >= this.options.maxEntries) this.sweep(now);
    if (this.expiries.size >= this.options.maxEntries) {
      throw new PimcpError(ErrorCode.NodeUnavailable,
        `this node's invocation replay cache is full (${this.options.maxEntries} unexpired tokens); retry shortly or raise PIMCP_NODE_INVOCATION_REPLAY_CACHE_SIZE`).notStarted();
    }
    this.expiries.delete(jti);
    this.expiries.set(jti, expiresAt);
  }

  private sweep(now: number): void {
    for (const [jti, expiresAt] of this.expiries) if (expiresAt <= now) this.expiries.delete(jti);
  }
}
