/**
 * `npm run bench`: the workloads (issue 5, targets of issue 17) against every target, side by side, on data of a
 * chosen scale. See bench/README.md for what it measures and how.
 *
 *   npm run bench -- --quick
 *   npm run bench -- --scale 1e6 [--duration 10] [--warmup 2] [--concurrency 4] [--rounds 5]
 *                    [--targets gateway,hive-gateway,monolith,sql] [--workloads W1,W1N,W2]
 *   npm run bench -- --scale 1e5 --profile W1 [--profile-target gateway]
 *   npm run bench -- --scale 1e7 --load-only
 *   npm run bench -- --scale 1e6 --db mysql   (the data in MySQL/MariaDB: BENCH_MYSQL_URL, default the local server)
 *   npm run bench -- --scale 1e6 --render      (the day's Markdown again, from its JSON)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../lib/db';
import { SUBGRAPHS } from '../services/registry';
import { benchHeaders, callerOf, type BenchCaller } from './lib/auth';
import { BENCH_DBS, ensureData, openDataDbs, parseRows, type BenchData, type BenchDb } from './lib/data';
import { floorAnswer } from './lib/floor';
import { checkAnswer, httpClient, percentile, runLoad, type LoadResult } from './lib/load';
import { ROOT, RssWatch } from './lib/processes';
import { mainThreadProfile, monotonicMicros, summariseProfile } from './lib/profile';
import { BENCH_TODAY, WORKLOAD_NAMES, workloads, type WorkloadName } from './lib/workloads';
import { cpuOf, fmt, fmtRps, markdownTable, targetChecks, today, type Row } from './lib/report';

export { markdownTable, type Row };

import { CACHED_GATEWAY_ENV, countAround, EXTRA_TARGETS, firstDifference, sqlPerFetchOf, startSystem, sum, TARGETS, type Counted, type TargetName } from './lib/system';

export { TARGETS, type TargetName };

interface Options {
  rows: number;
  quick: boolean;
  durationS: number;
  warmupS: number;
  concurrency: number;
  maxRequests: number;
  /** Each window is taken in this many turns, alternating between targets. */
  rounds: number;
  targets: TargetName[];
  workloads: WorkloadName[];
  profile: WorkloadName | null;
  loadOnly: boolean;
  /** Rewrite the Markdown of the day's results of this scale from their JSON, measuring nothing. */
  render: boolean;
  /** Appended to the results' file name: runs with other settings (`quick`, `c1`) keep files of their own. */
  tag: string | null;
  profileTarget: 'gateway' | 'gateway-cached' | 'hive-gateway' | 'monolith';
  db: BenchDb;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
    return v;
  };
  const known = ['--scale', '--quick', '--tag', '--render', '--rounds', '--duration', '--warmup', '--concurrency', '--max-requests', '--targets', '--workloads', '--profile', '--profile-target', '--load-only', '--db', '--help'];
  for (const a of argv) if (a.startsWith('--') && !known.includes(a)) throw new Error(`Unknown option ${a}; known: ${known.join(' ')}`);
  if (argv.includes('--help')) {
    console.log(fs.readFileSync(__filename, 'utf8').split('*/')[0]);
    process.exit(0);
  }
  const quick = argv.includes('--quick');
  const list = <T extends string>(name: string, all: readonly T[], extra: readonly T[] = []): T[] => {
    const v = value(name);
    if (!v) return [...all];
    const items = v.split(',').map((s) => s.trim()) as T[];
    const bad = items.filter((s) => !all.includes(s) && !extra.includes(s));
    if (bad.length) throw new Error(`${name}: unknown ${bad.join(', ')}; known: ${all.join(', ')}`);
    return items;
  };
  const num = (name: string, fallback: number, min: number) => {
    const v = value(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}, got ${v}`);
    return n;
  };
  const profile = value('--profile') as WorkloadName | undefined;
  if (profile && !WORKLOAD_NAMES.includes(profile)) throw new Error(`--profile takes a workload (${WORKLOAD_NAMES.join(', ')})`);
  const db = (value('--db') ?? 'sqlite') as BenchDb;
  if (!BENCH_DBS.includes(db)) throw new Error(`--db: ${BENCH_DBS.join(' or ')}, got ${db}`);
  const profileTarget = (value('--profile-target') ?? 'gateway') as Options['profileTarget'];
  if (!['gateway', 'gateway-cached', 'hive-gateway', 'monolith'].includes(profileTarget)) throw new Error('--profile-target: gateway, gateway-cached, hive-gateway or monolith');
  return {
    rows: parseRows(value('--scale') ?? '1e5'),
    quick,
    durationS: num('--duration', quick ? 1.5 : 10, 0.1),
    warmupS: num('--warmup', quick ? 0.3 : 2, 0),
    concurrency: Math.round(num('--concurrency', 4, 1)),
    maxRequests: Math.round(num('--max-requests', 50_000, 1)),
    rounds: Math.round(num('--rounds', quick ? 1 : 5, 1)),
    targets: list<TargetName>('--targets', TARGETS, EXTRA_TARGETS),
    workloads: list('--workloads', WORKLOAD_NAMES),
    profile: profile ?? null,
    loadOnly: argv.includes('--load-only'),
    render: argv.includes('--render'),
    tag: value('--tag') ?? (quick ? 'quick' : value('--concurrency') && Number(value('--concurrency')) !== 4 ? `c${Number(value('--concurrency'))}` : null),
    profileTarget,
    db,
  };
}

const log = (line = '') => process.stderr.write(line + '\n');


// ---------------------------------------------------------------------------------------------
// The two modes: the comparison, and a CPU profile of one target

async function compare(o: Options, data: BenchData, headers: Record<string, string>): Promise<void> {
  const W = workloads(data.citizenId);
  const live = o.targets.filter((t) => t !== 'gateway-cached' || CACHED_GATEWAY_ENV);
  const httpTargets = live.filter((t) => t !== 'sql');
  log(`Starting ${SUBGRAPHS.length} subgraphs and ${httpTargets.join(', ') || 'no HTTP target'}…`);
  // Interrupted while starting, the children see their IPC channel close and exit (probe.cjs).
  const system = await startSystem(data, httpTargets, headers);
  let dbs: Record<string, Db> | null = null;
  const stopOnSignal = () => void system.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  const rows: Row[] = [];
  const failures: string[] = [];
  try {
    if (live.includes('sql')) dbs = await openDataDbs(data);
    // One client per target and caller: aggregates as an analyst, a citizen as an officer (bench/lib/auth.ts).
    const clientsOf = async (caller: BenchCaller) => {
      const callerHeaders = await benchHeaders(caller);
      return Object.fromEntries(httpTargets.map((t) => [t, httpClient(system.fronts[t]!.url, callerHeaders, o.concurrency)]));
    };
    const clientsBy = { analyst: await clientsOf('analyst'), officer: await clientsOf('officer') };
    for (const w of o.workloads) {
      const clients = clientsBy[callerOf(w) as 'analyst' | 'officer'];
      const body = JSON.stringify({ query: W[w].query });
      log(`\n${w}: ${W[w].description}`);
      // One request per target, checked, counted and compared before anything is timed.
      const answers = new Map<TargetName, { data: unknown; bytes: number; counted: Counted }>();
      for (const t of live) {
        const services = t === 'sql' ? [] : [...system.subgraphs, system.fronts[t]!];
        const { result, counts } = await countAround(services, t === 'sql', async () => {
          if (t === 'sql') return { data: await floorAnswer(dbs!, w, data.citizenId), bytes: 0 };
          const a = await clients[t].post(body);
          const text = a.body.toString();
          if (a.status !== 200) throw new Error(`${t} ${w}: HTTP ${a.status}: ${text.slice(0, 1000)}`);
          const json = JSON.parse(text) as { data?: unknown; errors?: unknown };
          if (json.errors) throw new Error(`${t} ${w}: errors: ${JSON.stringify(json.errors).slice(0, 1000)}`);
          return { data: json.data, bytes: a.body.length };
        });
        answers.set(t, { ...result, counted: sqlPerFetchOf(t, counts) });
      }
      const [ref, ...others] = [...answers.entries()];
      for (const [t, a] of others) {
        const diff = firstDifference(ref[1].data, a.data);
        if (diff) throw new Error(`${w}: ${t} answers differently from ${ref[0]}, so the comparison would be meaningless:\n  ${diff}`);
      }
      if (ref) log(`  the ${answers.size} targets agree (${(Buffer.byteLength(JSON.stringify(ref[1].data)) / 1024).toFixed(0)} KiB of data)`);

      // The window of each target is cut into rounds taken in turn, so that other work on the
      // machine, which comes and goes, weighs on every target alike.
      interface Tally { latencies: number[]; seconds: number; answered: number; cpuMs: Record<string, number>; rss: Record<string, number> }
      const tallies = new Map<TargetName, Tally>();
      // A target that fails under load (an error, a bad answer) is dropped from this workload and
      // reported; the others go on, and the run ends with a failure status.
      const failed = new Map<TargetName, string>();
      for (let round = 0; round < o.rounds; round++) {
        for (const t of live) {
          if (failed.has(t)) continue;
          const a = answers.get(t)!;
          const front = system.fronts[t];
          const watched = front ? [front, ...(t === 'monolith' ? [] : system.subgraphs)] : [];
          const watch = new RssWatch(watched.map((s) => ({ name: s.name, pid: s.pid })));
          const call =
            t === 'sql'
              ? async () => void (await floorAnswer(dbs!, w, data.citizenId))
              : async () => checkAnswer(await clients[t].post(body), a.bytes, `${t} ${w}`);
          if (t !== 'sql') clients[t].fresh();
          const clientCpu0 = process.cpuUsage();
          watch.start();
          let r: LoadResult;
          try {
            r = await runLoad(call, {
              concurrency: o.concurrency,
              warmupMs: round === 0 ? o.warmupS * 1000 : 0,
              durationMs: (o.durationS * 1000) / o.rounds,
              maxRequests: Math.ceil(o.maxRequests / o.rounds),
            });
          } catch (err) {
            watch.stop();
            const message = (err instanceof Error ? err.message : String(err)).slice(0, 300);
            failed.set(t, message);
            failures.push(`${w} ${t}: ${message}`);
            log(`  ${t} FAILED in round ${round + 1}: ${message}`);
            continue;
          }
          const rss = watch.stop();
          const clientCpu = process.cpuUsage(clientCpu0);
          const tally = tallies.get(t) ?? { latencies: [], seconds: 0, answered: 0, cpuMs: {}, rss: {} };
          tally.latencies.push(...r.latencies);
          tally.seconds += r.seconds;
          tally.answered += r.requests + r.warmupRequests;
          for (const [k, ms] of [...Object.entries(watch.cpuMs()), ['client', (clientCpu.user + clientCpu.system) / 1000] as [string, number]]) tally.cpuMs[k] = (tally.cpuMs[k] ?? 0) + ms;
          for (const [k, mb] of Object.entries(rss)) tally.rss[k] = Math.max(tally.rss[k] ?? 0, mb);
          tallies.set(t, tally);
        }
      }

      for (const t of o.targets) {
        const base = { workload: w, workloadDescription: W[w].description, target: t, factRows: data.factRows, concurrency: o.concurrency, warmupS: o.warmupS, durationS: o.durationS, rounds: o.rounds, scale: data.label, demoScale: data.demoScale };
        if (!live.includes(t)) {
          rows.push({ ...base, p50Ms: null, p95Ms: null, rps: null, sqlPerFetch: null, rssMb: null, note: 'not implemented yet (the gateway has no response cache)' });
          log(`  ${t.padEnd(15)} not implemented yet`);
          continue;
        }
        if (failed.has(t)) {
          rows.push({ ...base, p50Ms: null, p95Ms: null, rps: null, sqlPerFetch: null, rssMb: null, note: `FAILED under load: ${failed.get(t)}` });
          continue;
        }
        const a = answers.get(t)!;
        const front = system.fronts[t];
        const tally = tallies.get(t)!;
        const latencies = tally.latencies.sort((x, y) => x - y);
        const cpuMsPerRequest = Object.fromEntries(Object.entries(tally.cpuMs).map(([k, ms]) => [k, round(ms / tally.answered, 2)]));
        const subgraphRssMb = front && t !== 'monolith' ? Object.fromEntries(system.subgraphs.map((s) => [s.name, tally.rss[s.name]])) : undefined;
        const rssMb = front ? tally.rss[front.name] : null;
        const row: Row = {
          ...base,
          p50Ms: round(percentile(latencies, 50), 2),
          p95Ms: round(percentile(latencies, 95), 2),
          rps: round(latencies.length / tally.seconds, 1),
          sqlPerFetch: a.counted.sqlPerFetch === null ? null : round(a.counted.sqlPerFetch, 3),
          rssMb,
          subgraphRssMb,
          totalRssMb: rssMb === null ? null : rssMb + (subgraphRssMb ? sum(subgraphRssMb) : 0),
          cpuMsPerRequest,
          fetches: a.counted.fetches,
          sqlStatements: a.counted.sql,
          requests: latencies.length,
          seconds: round(tally.seconds, 2),
          loadAvg1m: round(os.loadavg()[0], 2),
        };
        rows.push(row);
        const cpuTotal = cpuOf(row);
        log(
          `  ${t.padEnd(22)} p50 ${fmt(row.p50Ms).padStart(7)} ms  p95 ${fmt(row.p95Ms).padStart(7)} ms  ${fmtRps(row.rps).padStart(6)} req/s  ` +
            `CPU ${fmt(cpuTotal, 1).padStart(6)} ms/req  SQL/fetch ${fmt(row.sqlPerFetch, 2)}  RSS ${fmt(rssMb, 0)} MB  load ${row.loadAvg1m}`,
        );
      }
    }
    for (const set of Object.values(clientsBy)) for (const c of Object.values(set)) c.close();
  } finally {
    process.off('SIGINT', stopOnSignal);
    if (dbs) for (const db of Object.values(dbs)) await db.destroy();
    await system.stop();
  }

  writeResults(o, data, rows, false);
  if (failures.length) {
    log(`\n${failures.length} target(s) failed under load:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

const resultsDir = path.join(ROOT, 'bench', 'results');
const resultsBase = (o: Options, data: BenchData) => path.join(resultsDir, `${today()}-${data.label}${o.tag ? `-${o.tag.replace(/[^A-Za-z0-9_-]/g, '')}` : ''}`);

/** Writes (or, with `renderOnly`, re-renders from the JSON already written) the day's results of a scale. */
function writeResults(o: Options, data: BenchData, rows: Row[], renderOnly: boolean): void {
  fs.mkdirSync(resultsDir, { recursive: true });
  const base = resultsBase(o, data);
  // A run of some targets or workloads updates their rows of the day's file and keeps the others.
  if (!renderOnly && fs.existsSync(`${base}.json`)) {
    const kept = (JSON.parse(fs.readFileSync(`${base}.json`, 'utf8')) as Row[]).filter((old) => !rows.some((r) => r.workload === old.workload && r.target === old.target));
    const order = [...TARGETS, ...EXTRA_TARGETS] as string[];
    rows.push(...kept);
    rows.sort((a, b) => a.workload.localeCompare(b.workload) || order.indexOf(a.target) - order.indexOf(b.target));
  }
  if (!renderOnly) fs.writeFileSync(`${base}.json`, JSON.stringify(rows, null, 2) + '\n');
  const cpu = os.cpus();
  const loads = rows.flatMap((r) => (r.loadAvg1m === undefined ? [] : [r.loadAvg1m]));
  // The settings the rows were measured with (a merged file may mix runs: the first one's are shown).
  const run = rows.find((r) => r.durationS !== undefined) ?? { concurrency: o.concurrency, warmupS: o.warmupS, durationS: o.durationS, rounds: o.rounds, maxRequests: o.maxRequests };
  const rounds = run.rounds ?? 1;
  const md = [
    `## Benchmark ${today()}, ${data.label} fact rows (${data.factRows.toLocaleString('en-US')}: ${Object.entries(data.rowsByDomain).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}; demo scale ${data.demoScale})`,
    '',
    `${cpu.length} × ${cpu[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${data.db === 'mysql' ? `MySQL (${data.serverVersion ?? 'MariaDB'}, one database per domain)` : 'SQLite'}. ` +
      `Closed loop on loopback, concurrency ${run.concurrency}, ${run.warmupS} s warm-up then ${run.durationS} s per workload and target, in ${rounds} round${rounds > 1 ? 's' : ''} taken in turn by the targets. ` +
      `Every process takes ${BENCH_TODAY} as today (TODAY). Every answer checked (HTTP 200, no errors, same size as the first); the first answers of all targets compared as data. ` +
      `SQL / fetch: statements over requests received, per subgraph with a database (the worst), counted inside the subgraph processes for one request; for monolith and sql, statements per domain per request. ` +
      `CPU: user + system time of each process over the window (warm-up included) per request answered; for sql, the benchmark's own process. ` +
      `RSS: peak during the measurement. ` +
      (loads.length ? `1-minute load average after each measurement: ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} (the benchmark alone keeps about ${Math.min(run.concurrency, cpu.length)} cores busy).` : ''),
    '',
    dataLine(data),
    '',
    markdownTable(rows),
    '',
    'Targets (issue 17):',
    '',
    targetChecks(rows, resultsDir),
    '',
  ].join('\n');
  fs.writeFileSync(`${base}.md`, md);
  console.log(md);
  log(`Written ${path.relative(ROOT, base)}.json and .md`);
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

const gib = (bytes: number) => (bytes < 2 ** 30 ? `${Math.round(bytes / 2 ** 20)} MiB` : `${(bytes / 2 ** 30).toFixed(1)} GiB`);

/** The data's load time, disk use and the loading process's peak memory, as recorded when it was loaded. */
function dataLine(data: BenchData): string {
  const domains = Object.keys(data.rowsByDomain);
  const peak = Math.max(0, ...domains.map((d) => data.loads[d]?.loaderPeakRssMiB ?? 0));
  const disk = domains.reduce((sum, d) => sum + (data.diskBytes[d] ?? 0), 0);
  return (
    `Data: loaded through the import path in ${(data.recordedLoadSeconds / 60).toFixed(1)} min (${domains.map((d) => `${d} ${Math.round(data.loads[d]?.loadSeconds ?? 0)} s`).join(', ')}); ` +
    `${gib(disk)} on disk (${domains.map((d) => `${d} ${gib(data.diskBytes[d] ?? 0)}`).join(', ')})` +
    (peak ? `; peak RSS of the loading process ${peak.toLocaleString('en-US')} MiB.` : '; peak RSS of the loading process not recorded (loaded by an earlier version).')
  );
}

async function profile(o: Options, data: BenchData, headers: Record<string, string>): Promise<void> {
  const w = o.profile!;
  const target = o.profileTarget;
  // Raw profiles are tens of megabytes: kept with the (git-ignored) data, summaries with the results.
  const dir = path.join(ROOT, 'bench', 'data', 'profiles', `${today()}-${data.label}-${w}-${target}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  log(`Profiling ${target} on ${w} for ${o.durationS} s (profiles in ${path.relative(ROOT, dir)})…`);
  const system = await startSystem(data, [target], headers, dir);
  const body = JSON.stringify({ query: workloads(data.citizenId)[w].query });
  const client = httpClient(system.fronts[target]!.url, headers, o.concurrency);
  let window: { from: number; to: number; r: LoadResult };
  try {
    const first = await client.post(body);
    checkAnswer(first, first.body.length, `${target} ${w}`);
    await runLoad(async () => checkAnswer(await client.post(body), first.body.length, `${target} ${w}`), { concurrency: o.concurrency, warmupMs: o.warmupS * 1000, durationMs: 0, maxRequests: 0 });
    const from = monotonicMicros();
    const r = await runLoad(async () => checkAnswer(await client.post(body), first.body.length, `${target} ${w}`), { concurrency: o.concurrency, warmupMs: 0, durationMs: o.durationS * 1000, maxRequests: o.maxRequests });
    window = { from, to: monotonicMicros(), r };
  } finally {
    client.close();
    await system.stop();
  }
  const sections = [`## CPU profile: ${target} on ${w}, ${data.label} fact rows, ${today()}`, '', `${window.r.requests} requests in ${window.r.seconds.toFixed(1)} s (${window.r.rps.toFixed(1)} req/s, p50 ${window.r.p50Ms.toFixed(1)} ms) at concurrency ${o.concurrency}, profiles cut to that window.`, ''];
  const order = [target, ...SUBGRAPHS];
  for (const name of order) {
    const file = mainThreadProfile(path.join(dir, name));
    if (!file) continue;
    sections.push(`### ${name}`, '', summariseProfile(file, ROOT, { fromUs: window.from, toUs: window.to }, name === target ? 30 : 12), '');
  }
  const out = path.join(ROOT, 'bench', 'results', `${today()}-${data.label}-profile-${w}-${target}.md`);
  fs.writeFileSync(out, sections.join('\n'));
  console.log(sections.join('\n'));
  log(`Written ${path.relative(ROOT, out)}`);
}

async function main() {
  const o = parseOptions(process.argv.slice(2));
  const t0 = Date.now();
  log(`Data for ${o.rows.toExponential(0)} fact rows:`);
  const data = await ensureData(o.rows, log, o.db);
  log(
    `  ${data.factRows.toLocaleString('en-US')} fact rows (demo scale ${data.demoScale}) in ${path.relative(ROOT, data.dataDir)}; ` +
      (data.loadSeconds ? `loaded in ${data.loadSeconds.toFixed(0)} s` : `reused (loading took ${data.recordedLoadSeconds.toFixed(0)} s)`),
  );
  if (o.loadOnly) return;
  if (o.render) {
    const file = `${resultsBase(o, data)}.json`;
    if (!fs.existsSync(file)) throw new Error(`No results to render: ${path.relative(ROOT, file)}`);
    return writeResults(o, data, JSON.parse(fs.readFileSync(file, 'utf8')) as Row[], true);
  }
  const headers = await benchHeaders();
  if (o.profile) await profile(o, data, headers);
  else await compare(o, data, headers);
  log(`Done in ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
