/**
 * The system the benchmark measures: its targets (our gateway with and without its response
 * cache, Hive Gateway, the monolith, the SQL floor), starting them over one data set, and
 * counting what one request made each process do (subgraph fetches, SQL statements), so that
 * run.ts can check that every target answers alike, with one statement per fetch.
 */
import path from 'node:path';
import { envName } from '../../lib/config';
import { SUBGRAPHS } from '../../services/registry';
import { BENCH_SECRETS } from './auth';
import { DEMO_SEED, type BenchData } from './data';
import { freePort, launch, type ProbeCounts, type Service } from './processes';
import { DB_SUBGRAPHS } from './shape';
import { BENCH_TODAY } from './workloads';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const localProbe = require('./probe.cjs') as { read(): ProbeCounts; reset(): void };

const log = (line = '') => process.stderr.write(line + '\n');

export const TARGETS = ['gateway', 'gateway-cached', 'hive-gateway', 'monolith', 'sql'] as const;
/** Run only when named in --targets: Hive Gateway without its merging of identical in-flight subgraph requests (engine against engine). */
export const EXTRA_TARGETS = ['hive-gateway-no-dedupe'] as const;
export type TargetName = (typeof TARGETS)[number] | (typeof EXTRA_TARGETS)[number];

/**
 * The environment that turns the gateway's response cache on (in its own memory): the target
 * starts a second gateway process with it over the same subgraphs, and the verification request
 * plus the warm-up fill the cache before the timed window. `gateway` runs with it off.
 */
export const CACHED_GATEWAY_ENV: Record<string, string> | null = { RESPONSE_CACHE: 'on' };
export const UNCACHED_GATEWAY_ENV: Record<string, string> = { RESPONSE_CACHE: 'off' };

// ---------------------------------------------------------------------------------------------
// The system under test

export interface System {
  subgraphs: Service[];
  fronts: Partial<Record<TargetName, Service>>;
  stop(): Promise<void>;
}

export async function startSystem(data: BenchData, fronts: TargetName[], headers: Record<string, string>, profileDir?: string): Promise<System> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // As the containers run (Dockerfile): graphql-js, Express and Apollo Server skip their
    // development-time checks, which cost a fifth of a subgraph's CPU on these workloads.
    NODE_ENV: 'production',
    ...BENCH_SECRETS,
    DATA_DIR: data.dataDir,
    ...data.dbEnv,
    // Loading is done: a service must never start seeding in the middle of a measurement.
    DEMO_SCALE: '0',
    DEMO_SEED,
    // Every process takes the same day as today: periods, completeness and delivery dates never depend on the clock.
    TODAY: BENCH_TODAY,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    // Closed-loop load from one client would trip a per-caller rate limit within seconds.
    RATE_LIMIT_PER_MINUTE: '0',
  };
  const ports = await Promise.all(SUBGRAPHS.map(() => freePort()));
  SUBGRAPHS.forEach((name, i) => {
    env[`${envName(name)}_PORT`] = String(ports[i]);
    env[`${envName(name)}_URL`] = `http://127.0.0.1:${ports[i]}/graphql`;
  });
  // A folder per process, with V8's own file names: every thread writes a profile (tsx's loader
  // runs in a worker thread), and under one --cpu-prof-name the last to finish overwrote the
  // main thread's (bench/lib/profile.ts mainThreadProfile picks it out).
  const profArgs = (name: string) => (profileDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(profileDir, name)] : []);
  const started: Service[] = [];
  const system: System = {
    subgraphs: [],
    fronts: {},
    stop: async () => {
      await Promise.all(started.map((s) => s.stop()));
    },
  };
  try {
    const t0 = Date.now();
    system.subgraphs = await Promise.all(
      SUBGRAPHS.map((name, i) =>
        launch({ name, entry: `services/${name}/index.ts`, port: ports[i], env, ready: 'health', nodeArgs: profArgs(name) }).then((s) => (started.push(s), s)),
      ),
    );
    const front = async (target: TargetName, entry: string, extraEnv: Record<string, string>, ready: 'health' | 'graphql') => {
      const s = await launch({ name: target, entry, port: await freePort(), env: { ...env, ...extraEnv }, ready, headers, nodeArgs: profArgs(target) });
      started.push(s);
      system.fronts[target] = s;
    };
    const jobs: Promise<void>[] = [];
    if (fronts.includes('gateway')) jobs.push(front('gateway', 'gateway/index.ts', UNCACHED_GATEWAY_ENV, 'health'));
    if (fronts.includes('gateway-cached') && CACHED_GATEWAY_ENV) jobs.push(front('gateway-cached', 'gateway/index.ts', CACHED_GATEWAY_ENV, 'health'));
    if (fronts.includes('hive-gateway')) jobs.push(front('hive-gateway', 'bench/hive/server.ts', {}, 'graphql'));
    if (fronts.includes('hive-gateway-no-dedupe')) jobs.push(front('hive-gateway-no-dedupe', 'bench/hive/server.ts', { HIVE_DEDUPE: 'false' }, 'graphql'));
    if (fronts.includes('monolith')) jobs.push(front('monolith', 'bench/monolith/server.ts', {}, 'graphql'));
    await Promise.all(jobs);
    log(`  ${started.length} processes ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return system;
  } catch (err) {
    await system.stop();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Answers: one checked request per target, counted, compared across targets

/** JSON with object keys sorted: equal data, equal text, whatever the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v,
  );
}

export function firstDifference(a: unknown, b: unknown, at = 'data'): string | null {
  if (canonical(a) === canonical(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`;
}

export interface Counted {
  /** Requests each subgraph received, and SQL statements each ran, for one request. */
  fetches: Record<string, number>;
  sql: Record<string, number>;
  sqlPerFetch: number | null;
}

export async function countAround<T>(services: Service[], inProcess: boolean, act: () => Promise<T>): Promise<{ result: T; counts: Record<string, ProbeCounts> }> {
  await Promise.all(services.map((s) => s.probe('reset')));
  if (inProcess) localProbe.reset();
  const result = await act();
  const counts: Record<string, ProbeCounts> = {};
  for (const s of services) counts[s.name] = await s.probe('read');
  if (inProcess) counts.sql = localProbe.read();
  return { result, counts };
}

export const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

/**
 * Through a gateway: statements over fetches for each subgraph with a database that was
 * fetched, and the worst of them (the issue asks for exactly 1 everywhere). For the monolith
 * and the floor there are no fetches: statements per domain per request, the worst of them.
 */
export function sqlPerFetchOf(target: TargetName, counts: Record<string, ProbeCounts>): Counted {
  if (target === 'monolith' || target === 'sql') {
    const sql = counts[target === 'sql' ? 'sql' : 'monolith'].sql;
    const worst = Object.values(sql).length ? Math.max(...Object.values(sql)) : null;
    return { fetches: {}, sql, sqlPerFetch: worst };
  }
  const fetches: Record<string, number> = {};
  const sql: Record<string, number> = {};
  let worst: number | null = null;
  for (const [name, c] of Object.entries(counts)) {
    // The gateway's own statements (the audit log of person-level reads) are shown, not divided.
    if (name === target) {
      if (sum(c.sql)) sql[name] = sum(c.sql);
      continue;
    }
    if (c.fetches) fetches[name] = c.fetches;
    const n = sum(c.sql);
    if (n) sql[name] = n;
    if (DB_SUBGRAPHS.has(name) && c.fetches > 0) worst = Math.max(worst ?? 0, n / c.fetches);
  }
  return { fetches, sql, sqlPerFetch: worst };
}
