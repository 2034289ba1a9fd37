/**
 * The load generator: a fixed number of concurrent loops on loopback, each sending its next
 * request when the previous one is answered (closed loop), bounded in time and in count. Every
 * answer is checked; a bad one fails the run rather than being timed.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  maxRequests: number;
}

export interface LoadResult {
  /** Requests answered in the warm-up, not timed. */
  warmupRequests: number;
  requests: number;
  /** Every timed request's latency, ascending. */
  latencies: number[];
  p50Ms: number;
  p95Ms: number;
  rps: number;
  seconds: number;
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

async function loop(call: () => Promise<void>, concurrency: number, until: () => boolean, latencies: number[] | null): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until()) {
        const t0 = performance.now();
        await call();
        latencies?.push(performance.now() - t0);
      }
    }),
  );
}

/** Runs `call` under load: a warm-up whose timings are dropped, then the measured window. */
export async function runLoad(call: () => Promise<void>, o: LoadOptions): Promise<LoadResult> {
  const warmEnd = performance.now() + o.warmupMs;
  const warm: number[] = [];
  await loop(call, o.concurrency, () => performance.now() >= warmEnd, warm);
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + o.durationMs;
  let started = 0;
  await loop(call, o.concurrency, () => performance.now() >= end || ++started > o.maxRequests, latencies);
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    warmupRequests: warm.length,
    requests: latencies.length,
    latencies,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    rps: latencies.length / seconds,
    seconds,
  };
}

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

/** A keep-alive client with one socket per concurrent loop, like a dashboard's connection pool. */
export function httpClient(url: string, headers: Record<string, string>, sockets: number) {
  let agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const u = new URL(url);
  const post = (payload: string) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      const req = http.request(
        { agent, hostname: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    post,
    /**
     * Drops the idle connections: a server closes those idle longer than its keep-alive timeout
     * (5 s by Node's default), and a request sent on one as it closes fails with ECONNRESET.
     * Called before each round, when the connections have waited for the other targets.
     */
    fresh: () => {
      agent.destroy();
      agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
    },
    close: () => agent.destroy(),
  };
}

/**
 * The check every timed answer passes: HTTP 200, no `errors` member, and the byte length of
 * the verified first answer (the data cannot change during a run; a full parse of a megabyte
 * per answer would load the client more than some targets).
 */
export function checkAnswer(a: HttpAnswer, expectedBytes: number, what: string): void {
  if (a.status !== 200) throw new Error(`${what}: HTTP ${a.status}: ${a.body.toString().slice(0, 500)}`);
  if (a.body.includes('"errors":')) throw new Error(`${what}: errors in answer: ${a.body.toString().slice(0, 500)}`);
  if (a.body.length !== expectedBytes) throw new Error(`${what}: answer of ${a.body.length} bytes, expected ${expectedBytes} like the first`);
}
