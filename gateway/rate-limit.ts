/**
 * Requests per minute per subject (or per address for anonymous callers), with
 * rate-limiter-flexible: a window of one minute per key, opened by the key's first request.
 *
 * With REDIS_URL the counts are kept in Redis, so every gateway replica behind a load balancer
 * draws on one allowance per subject; if Redis cannot answer, each replica limits on its own in
 * memory meanwhile (the library's insurance limiter), never refusing a request for Redis's sake.
 * Without Redis the counts are in this process's memory.
 */
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export class RateLimiter {
  private readonly limiter: RateLimiterAbstract | null;

  constructor(perMinute: number, options: { redis?: Redis; keyPrefix?: string } = {}) {
    if (perMinute <= 0) {
      this.limiter = null;
      return;
    }
    const memory = new RateLimiterMemory({ points: perMinute, duration: 60 });
    this.limiter = options.redis
      ? new RateLimiterRedis({
          storeClient: options.redis,
          points: perMinute,
          duration: 60,
          keyPrefix: `${options.keyPrefix ?? 'p06:'}rate`,
          // A command Redis fails (down: the connection fails fast, lib/data-versions.ts
          // connectRedis) is answered by the memory limiter.
          insuranceLimiter: memory,
        })
      : memory;
  }

  /** Counts one request; answers 0 if it is allowed, else the whole seconds to wait. */
  async take(key: string): Promise<number> {
    if (!this.limiter) return 0;
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (err) {
      if (err instanceof RateLimiterRes) return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw err;
    }
  }
}
