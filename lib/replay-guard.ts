/**
 * The single use of the identities the gateway forwards (lib/auth.ts `signInternalIdentity`):
 * a subgraph remembers every token id it has accepted until the token expires, and refuses one
 * it has seen. Every replica of a subgraph must share that memory, or a request captured on its
 * way to one replica could be replayed to another: with REDIS_URL the ids are kept in Redis
 * (`SET NX` with the token's remaining lifetime); without it, in this process (one process per
 * subgraph, as `npm start` runs them).
 */
import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';

/** The store of used ids could not answer: whether a token was used before is unknown. */
export class ReplayGuardUnavailable extends Error {
  constructor(cause: unknown) {
    super(`the replay guard's store is unreachable (${(cause as Error)?.message ?? cause})`);
    this.name = 'ReplayGuardUnavailable';
  }
}

export interface ReplayGuard {
  /**
   * Records `id` as used until `expiresAt` (ms since the epoch); answers false if it was used
   * before. Throws ReplayGuardUnavailable when that cannot be known.
   */
  firstUse(id: string, expiresAt: number): Promise<boolean>;
}

/**
 * Ids in this process's memory. At most `max` are kept (a million: 60 s of 16,000 requests a
 * second to one subgraph); past that the oldest would be forgotten before they expire.
 */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen: LRUCache<string, true>;

  constructor(max = 1_000_000) {
    this.seen = new LRUCache<string, true>({ max, ttlAutopurge: false });
  }

  async firstUse(id: string, expiresAt: number): Promise<boolean> {
    if (this.seen.get(id)) return false;
    this.seen.set(id, true, { ttl: Math.max(1, expiresAt - Date.now()) });
    return true;
  }
}

/** Ids in Redis, shared by every replica: one `SET key 1 PX <ms> NX` per request. */
export class RedisReplayGuard implements ReplayGuard {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  async firstUse(id: string, expiresAt: number): Promise<boolean> {
    let answer: string | null;
    try {
      answer = await this.redis.set(this.prefix + id, '1', 'PX', Math.max(1, expiresAt - Date.now()), 'NX');
    } catch (err) {
      throw new ReplayGuardUnavailable(err);
    }
    return answer === 'OK';
  }
}
