/**
 * Requests per minute per subject (or per address for anonymous callers), as a sliding
 * one-minute window of counts per second. In memory: each gateway replica limits on its own, so
 * behind a load balancer of N replicas a subject gets up to N times the limit.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { second: number; counts: number[] }>();

  constructor(private readonly perMinute: number) {}

  /** Counts one request; returns 0 if it is allowed, else the seconds to wait. */
  take(key: string, now = Date.now()): number {
    if (this.perMinute <= 0) return 0;
    const second = Math.floor(now / 1000);
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = { second, counts: new Array(60).fill(0) }));
    for (let s = w.second + 1; s <= second && s <= w.second + 60; s++) w.counts[s % 60] = 0;
    w.second = second;
    const used = w.counts.reduce((a, b) => a + b, 0);
    if (used >= this.perMinute) {
      // The oldest second still counted frees up first.
      for (let s = second - 59; s <= second; s++) if (w.counts[((s % 60) + 60) % 60] > 0) return Math.max(1, s + 60 - second);
      return 60;
    }
    w.counts[second % 60]++;
    if (this.windows.size > 100_000) this.windows.clear();
    return 0;
  }
}
