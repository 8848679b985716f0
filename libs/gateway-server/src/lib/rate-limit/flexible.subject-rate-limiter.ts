import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateDecision, SubjectRateLimiter } from './subject-rate-limiter.port';

export interface FlexibleRateLimiterOptions {
  requests: number;
  windowSeconds: number;
  /** Counts shared by every replica when given; without it each process counts for itself. */
  redisUrl?: string;
}

const KEY_PREFIX = 'pimcp:v1:ratelimit:subject';

/**
 * Per-subject fixed windows with rate-limiter-flexible: in Redis when the gateway has one (replicas share the
 * budget), in memory otherwise. If Redis is unreachable the in-memory insurance limiter counts meanwhile, so an
 * outage neither lets everything through nor refuses everyone.
 */
export class FlexibleSubjectRateLimiter implements SubjectRateLimiter {
  private readonly logger = new Logger(FlexibleSubjectRateLimiter.name);
  private readonly limiter: RateLimiterMemory | RateLimiterRedis;
  private readonly redis: Redis | undefined;
  readonly requests: number;
  readonly windowSeconds: number;

  constructor(options: FlexibleRateLimiterOptions) {
    this.requests = options.requests;
    this.windowSeconds = options.windowSeconds;
    const memory = new RateLimiterMemory({ keyPrefix: KEY_PREFIX, points: options.requests, duration: options.windowSeconds });
    if (options.redisUrl) {
      // No offline queue: while Redis is down a command fails at once and the insurance limiter answers.
      this.redis = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
      this.redis.on('error', (err: Error) => this.logger.warn(`rate limit store: ${err.message}; counting in memory meanwhile`));
      this.limiter = new RateLimiterRedis({
        storeClient: this.redis, keyPrefix: KEY_PREFIX, points: options.requests, duration: options.windowSeconds, insuranceLimiter: memory,
      });
    } else {
      this.limiter = memory;
    }
  }

  async consume(subject: string): Promise<RateDecision> {
    try {
      await this.limiter.consume(subject, 1);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      // A store error that even the insurance limiter could not absorb: do not turn it into an outage for everyone.
      this.logger.warn(`rate limit check failed: ${(rejection as Error).message}`);
      return { allowed: true };
    }
  }

  async close(): Promise<void> {
    if (this.redis) await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
