/**
 * `npm run soak [-- --seconds 150] [--scale 0.02] [--concurrency 3] [--report file.md] [--keep]`:
 * the whole graph under mixed load while its dependencies fail, bounded in time.
 *
 * It starts a MariaDB and a Redis of its own (own ports, own folders under a temporary
 * directory), every service under the supervisor of `npm start` (scripts/supervisor.ts) on
 * MySQL with the demo world at a small scale, then runs the benchmark workloads W1-W4 and a
 * dashboard query from concurrent clients and land imports one after another, through phases:
 *
 *   baseline · a subgraph (land) killed with SIGKILL and restarted by the supervisor · MariaDB
 *   stopped for a while and started again · Redis stopped and started · after
 *
 * with an import in flight at each fault. It reports requests, outcomes, error codes and p50/p99
 * latency per phase, each import's fate, and how long each service took to recover, and fails
 * (exit 1) on: a 5xx other than the documented 503s (STARTING, AUDIT_UNAVAILABLE), an error
 * without a name (code, service), an import neither whole nor absent (rows counted), a service
 * not recovered within 10 s of its dependency returning, or figures that disagree with the
 * imports that committed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { areaByCode, communesIn } from '../lib/areas';
import { DEV_JWT_SECRET, signUserToken } from '../lib/auth';
import { envName, loadConfig } from '../lib/config';
import { SUBGRAPHS } from '../services/registry';
import { ImportLoop } from './soak/imports';
import { Load, percentile, type RequestRecord } from './soak/load';
import { freePort, ownMariadb, ownRedis, type OwnServer } from './soak/stores';
import { Supervisor } from './supervisor';

const RECOVERY_LIMIT_MS = 10_000;
const root = path.resolve(__dirname, '..');

function options() {
  const argv = process.argv.slice(2);
  const known = ['--seconds', '--scale', '--concurrency', '--report', '--keep', '--import-rows'];
  for (const a of argv) if (a.startsWith('--') && !known.includes(a)) throw new Error(`Unknown option ${a}; known: ${known.join(', ')}`);
  const value = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  return {
    seconds: Number(value('--seconds') ?? 150),
    scale: value('--scale') ?? '0.02',
    concurrency: Number(value('--concurrency') ?? 3),
    importRows: Number(value('--import-rows') ?? 6000),
    report: value('--report'),
    keep: argv.includes('--keep'),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

/** Polls `check` until it passes; answers the milliseconds it took (or throws after `giveUpMs`). */
async function until(check: () => Promise<boolean>, giveUpMs = 60_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > giveUpMs) throw new Error(`not recovered after ${giveUpMs / 1000} s`);
    await sleep(100);
  }
}

interface Recovery {
  fault: string;
  what: string;
  ms: number;
}

/** knex's pool says so on the console each time a connection fails while MariaDB is down: counted, not printed. */
let poolWarnings = 0;
for (const method of ['warn', 'log'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Acquire connection error')) poolWarnings++;
    else original(...args);
  };
}

async function main() {
  const o = options();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-soak-'));
  const failures: string[] = [];
  const recoveries: Recovery[] = [];
  const servers: OwnServer[] = [];
  const supervisor = new Supervisor({ fromSource: true, quiet: true, initialBackoffMs: 500, log: (line) => log(line) });
  const started = Date.now();
  // Bounded in time whatever happens: a soak that hangs fails, and leaves no server behind.
  const watchdog = setTimeout(async () => {
    console.error(`soak: not finished after ${o.seconds + 300} s; stopping`);
    await Promise.race([Promise.all([supervisor.stop(3000), ...servers.map((s) => s.stop())]), sleep(10_000)]);
    process.exit(1);
  }, (o.seconds + 300) * 1000);
  watchdog.unref();
  try {
    log(`temporary directory ${dir}`);
    const mariadb = await ownMariadb(dir);
    const redis = await ownRedis(dir);
    servers.push(mariadb, redis);
    await mariadb.start();
    await redis.start();
    log(`MariaDB on port ${mariadb.port}, Redis on port ${redis.port}`);

    const gatewayPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DB_CLIENT: 'mysql2',
      MYSQL_URL: mariadb.url,
      MYSQL_DATABASE_PREFIX: 'soak_',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'soak:',
      DATA_DIR: path.join(dir, 'data'),
      DEMO_SCALE: o.scale,
      RATE_LIMIT_PER_MINUTE: '0',
      SUBGRAPH_BREAKER_RESET_MS: '2000',
      PORT: String(gatewayPort),
    };
    for (const d of SUBGRAPHS) {
      const port = await freePort();
      env[`${envName(d)}_PORT`] = String(port);
      env[`${envName(d)}_URL`] = `http://127.0.0.1:${port}/graphql`;
    }
    const config = loadConfig(env);
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
    await supervisor.startAll([
      ...SUBGRAPHS.map((name) => ({ name, entry: path.join(root, 'services', name, 'index'), env })),
      { name: 'gateway', entry: path.join(root, 'gateway', 'index'), env },
    ]);
    await until(async () => (await fetch(`http://127.0.0.1:${gatewayPort}/ready`)).ok, 300_000);
    const readyAt = Date.now();
    log(`graph ready in ${((readyAt - started) / 1000).toFixed(1)} s (demo scale ${o.scale}, seeded into MariaDB)`);

    const tokens = {
      analyst: await signUserToken(DEV_JWT_SECRET, { sub: 'soak-analyst', roles: ['analyst'] }, '2h'),
      admin: await signUserToken(DEV_JWT_SECRET, { sub: 'soak-admin', roles: ['admin'] }, '2h'),
    };
    const gql = async (query: string, fresh = true) => {
      const res = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.admin}`, ...(fresh ? { 'cache-control': 'no-cache' } : {}) },
        body: JSON.stringify({ query }),
      });
      return { cache: res.headers.get('x-cache'), body: (await res.json()) as { data?: any; errors?: { extensions?: { serviceName?: string } }[] } };
    };
    // The communes of Hải Phòng today (with the former Hải Dương).
    const communes = communesIn(areaByCode('31', 'TWO_TIER')!, 'TWO_TIER').map((c) => c.code);
    const citizenId = (await gql(`{ citizens(communeCode: "${communes[0]}", first: 1) { nodes { id } } }`)).body.data.citizens.nodes[0].id as string;
    const parcelsQuery = '{ nation { stats(period: "2024-06") { land { parcels } } } }';
    const nationParcels = async (fresh = true) => {
      const { body } = await gql(parcelsQuery, fresh);
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data.nation.stats.land.parcels as number;
    };
    const baseParcels = await nationParcels();

    const load = new Load(gatewayUrl, tokens, citizenId, o.concurrency);
    const imports = new ImportLoop(config, dir, o.importRows, communes);
    const setPhase = (name: string) => {
      load.phase = name;
      imports.phase = name;
      log(`phase: ${name}`);
    };
    const T = o.seconds * 1000;
    const phase = async (name: string, share: number, fault?: () => Promise<void>) => {
      const end = Date.now() + share * T;
      setPhase(name);
      if (fault) await fault();
      if (Date.now() < end) await sleep(end - Date.now());
    };
    const recovered = async (fault: string, what: string, check: () => Promise<boolean>) => {
      const ms = await until(check);
      recoveries.push({ fault, what, ms });
      log(`${what}: recovered ${(ms / 1000).toFixed(1)} s after ${fault.includes('killed') ? 'it was back' : 'its dependency returned'}`);
      if (ms > RECOVERY_LIMIT_MS) failures.push(`${what} took ${(ms / 1000).toFixed(1)} s to recover after ${fault} (limit 10 s)`);
    };
    const readyAll = async () => {
      const res = await fetch(`http://127.0.0.1:${gatewayPort}/ready`);
      return res.ok;
    };
    const noErrors = async (query: string) => !(await gql(query)).body.errors;

    // One request of each kind first: a cold gateway plans W1 for seconds, which is not what the
    // phases measure.
    load.phase = 'warm-up';
    for (const r of load.mix) load.records.push(await load.send(r));
    load.start();
    imports.start();
    await phase('baseline', 0.12);

    await phase('land killed', 0.2, async () => {
      const n = await imports.inFlight(o.importRows / 4);
      const pid = supervisor.pidOf('land')!;
      log(`import ${n} in flight: killing land (pid ${pid}) with SIGKILL`);
      const back = new Promise<void>((resolve) => supervisor.on('ready', (name: string) => name === 'land' && resolve()));
      process.kill(pid, 'SIGKILL');
      await Promise.race([back, sleep(60_000).then(() => Promise.reject(new Error('land did not come back within 60 s')))]);
      await recovered('land killed', 'gateway answering land fields', () => noErrors('{ province(code: "31") { stats(period: "2024-06") { land { parcels } } } }'));
    });

    await phase('MariaDB down', 0.26, async () => {
      const n = await imports.inFlight(o.importRows / 4);
      log(`import ${n} in flight: stopping MariaDB`);
      await mariadb.stop();
      await sleep(Math.max(8000, 0.1 * T));
      log('starting MariaDB again');
      await mariadb.start();
      await recovered('MariaDB down', 'every service ready', readyAll);
      await recovered('MariaDB down', 'W1 uncached without errors', () => noErrors(load.queryOf('W1 uncached')));
      await recovered('MariaDB down', 'W4 (audited) without errors', async () => !(await gql(load.queryOf('W4'))).body.errors);
    });

    await phase('Redis down', 0.22, async () => {
      const n = await imports.inFlight(o.importRows / 4);
      log(`import ${n} in flight: stopping Redis`);
      await redis.stop();
      await sleep(Math.max(8000, 0.08 * T));
      log('starting Redis again');
      await redis.start();
      await recovered('Redis down', 'response cache serving hits', async () => {
        await gql('{ provinces { code name } }', false);
        return (await gql('{ provinces { code name } }', false)).cache === 'HIT';
      });
    });

    await phase('after', 0.2);
    await load.stop();
    await imports.stop();

    // Every import whole or absent, and the figures agree with those that committed.
    const land = knexFactory({ client: 'mysql2', connection: { host: '127.0.0.1', port: mariadb.port, user: 'root', database: 'soak_land' }, pool: { min: 0, max: 1 } });
    try {
      for (const r of await imports.verify(land)) failures.push(`import ${r.n} (${r.phase}) ${r.outcome} but ${r.found} of its ${r.rows} rows are there`);
    } finally {
      await land.destroy();
    }
    const imported = imports.results.filter((r) => r.found === r.rows).reduce((sum, r) => sum + r.rows, 0);
    const fresh = await nationParcels();
    const cached = await nationParcels(false);
    if (fresh !== baseParcels + imported) failures.push(`nation parcels ${fresh}, expected ${baseParcels} + ${imported} imported`);
    if (cached !== fresh) failures.push(`a cached answer (${cached} parcels) is stale: the figure is ${fresh}`);
    for (const r of load.records) if (r.failure) failures.push(`${r.phase}, ${r.workload}: ${r.failure}`);

    const report = render(o, load.records, imports.results, recoveries, failures, { baseParcels, imported, fresh, startSeconds: (readyAt - started) / 1000, restarts: supervisor.restartsOf('land') });
    console.log(`\n${report}`);
    if (o.report) fs.writeFileSync(o.report, report);
  } finally {
    await supervisor.stop();
    for (const s of servers) await s.stop();
    if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  log(`${failures.length === 0 ? 'passed' : `FAILED (${failures.length})`} in ${((Date.now() - started) / 1000).toFixed(0)} s (${poolWarnings} connection attempts of the imports refused while MariaDB was down)`);
  process.exit(failures.length === 0 ? 0 : 1);
}

function render(
  o: ReturnType<typeof options>,
  records: RequestRecord[],
  imports: import('./soak/imports').ImportResult[],
  recoveries: Recovery[],
  failures: string[],
  figures: { baseParcels: number; imported: number; fresh: number; startSeconds: number; restarts: number },
): string {
  const phases = [...new Set(records.map((r) => r.phase))];
  const served = records.filter((r) => r.status > 0).length;
  const lines: string[] = [];
  lines.push(`Soak: ${o.seconds} s, demo scale ${o.scale}, ${o.concurrency} clients, land imports of ${o.importRows} rows, ${os.cpus().length} cores; ${served} requests answered, ${imports.length} imports.`, '');
  lines.push('| phase | requests | ok | partial | error | 4xx | 503 (documented) | other 5xx / no answer | error codes | p50 ms | p99 ms |', '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|');
  for (const p of phases) {
    const rs = records.filter((r) => r.phase === p);
    const count = (o: string) => rs.filter((r) => r.outcome === o).length;
    const codes = new Map<string, number>();
    for (const r of rs) for (const c of new Set(r.codes)) codes.set(c, (codes.get(c) ?? 0) + 1);
    const ms = rs.map((r) => r.ms).sort((a, b) => a - b);
    const bad = rs.filter((r) => r.failure && (r.status >= 500 || r.status === 0)).length;
    lines.push(
      `| ${p} | ${rs.length} | ${count('ok')} | ${count('partial')} | ${count('error')} | ${count('refused')} | ${count('unavailable') - rs.filter((r) => r.outcome === 'unavailable' && r.failure).length} | ${bad} | ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ') || '–'} | ${percentile(ms, 50).toFixed(0)} | ${percentile(ms, 99).toFixed(0)} |`,
    );
  }
  lines.push('', '| phase | imports committed (rows all there) | failed, rolled back (no row there) | failed after commit (all rows there) | partial |', '|---|---:|---:|---:|---:|');
  for (const p of [...new Set(imports.map((r) => r.phase))]) {
    const rs = imports.filter((r) => r.phase === p);
    lines.push(
      `| ${p} | ${rs.filter((r) => r.outcome === 'committed' && r.found === r.rows).length} | ${rs.filter((r) => r.outcome === 'failed' && r.found === 0).length} | ${rs.filter((r) => r.outcome === 'failed' && r.found === r.rows).length} | ${rs.filter((r) => r.found !== 0 && r.found !== r.rows).length} |`,
    );
  }
  const examples = new Map<string, string>();
  for (const r of records) for (const e of r.examples ?? []) if (!examples.has(e.key)) examples.set(e.key, e.message);
  if (examples.size) lines.push('', 'Errors seen, one example of each code and service:', '', ...[...examples].map(([k, m]) => `- ${k}: “${m}”`));
  const errors = [...new Set(imports.filter((r) => r.error).map((r) => r.error!.replace(/S\d+-\d+/g, 'S…').slice(0, 120)))].slice(0, 5);
  if (errors.length) lines.push('', `Import failures said: ${errors.map((e) => `“${e}”`).join('; ')}.`);
  lines.push('', '| fault | recovered | after the dependency returned |', '|---|---|---:|');
  for (const r of recoveries) lines.push(`| ${r.fault} | ${r.what} | ${(r.ms / 1000).toFixed(1)} s |`);
  lines.push('', `Start: MariaDB and Redis started, every service seeded and ready in ${figures.startSeconds.toFixed(0)} s. Land parcels in the nation: ${figures.baseParcels} at start + ${figures.imported} imported = ${figures.fresh} at the end (fresh and cached answers agree: ${failures.some((f) => f.includes('stale')) ? 'no' : 'yes'}); land restarted ${figures.restarts} time(s) by the supervisor.`);
  lines.push('', failures.length === 0 ? '**Passed**: no undocumented 5xx, no nameless error, every import whole or absent, every service recovered within 10 s.' : `**Failed** (${failures.length}):\n${failures.slice(0, 30).map((f) => `- ${f}`).join('\n')}`);
  return lines.join('\n');
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
