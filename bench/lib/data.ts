/**
 * The benchmark's data: the demo world loaded into SQLite files under bench/data/<scale>/, at
 * the demo scale that gives about the requested number of fact rows across the data
 * domains, through the import path: each domain's part of the world is written as its import
 * CSV (demo/export.ts, as `npm run demo:csv` writes it, each commune code with its structure) and
 * imported with `importFile`, as `npm run import` does, on the benchmark's today (every unit's
 * data then delivered through it). A domain whose table holds the row count recorded when it was
 * loaded, by this data format and on this today, is reused as it is; anything else is reloaded.
 *
 * `--db mysql` loads the same world into MySQL (MariaDB) instead: one database per domain named
 * `p06bench_<scale>_<domain>` on BENCH_MYSQL_URL (default the local server, root), with the
 * marker kept under bench/data/<scale>-mysql/. The subgraphs, the monolith and the SQL floor
 * then all read MySQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig, type Config } from '../../lib/config';
import { dropAllTables, openDb, type Db } from '../../lib/db';
import { importFile, type ImportProgress } from '../../lib/import/engine';
import { prepareDomain } from '../../lib/service-runtime';
import { DEMO_FACTS, writeDemoCsv } from '../../demo/export';
import { DOMAIN_MODULES, importDefinition } from '../../services/registry';
import { ROOT } from './processes';
import { BENCH_TODAY } from './workloads';

/** One row per person or record: the facts of each data domain. */
/** By domain: the table its demo facts are stored in, one row per fact (lib/domain.ts DomainDemo). */
export const FACT_TABLES: Record<string, string> = Object.fromEntries(DOMAIN_MODULES.filter((m) => m.demo && m.imports).map((m) => [m.name, m.demo!.table]));

/** Fact rows per unit of DEMO_SCALE across the seven data domains, measured (scale 0.0895 gives 150,619). */
export const ROWS_PER_DEMO_SCALE = 1_683_000;
export const DEMO_SEED = 'p06';
/**
 * What the data was loaded as: data of another format (before the reform of 1 July 2025 the
 * summaries knew one structure and no delivery dates) is loaded again rather than upgraded.
 */
const DATA_FORMAT = 'two-structures-2';

export function parseRows(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 1000) throw new Error(`--scale must be a number of fact rows of at least 1000 (1e5, 1e6, 1e7), got ${text}`);
  return Math.round(n);
}

/** `1e5` for a power of ten, else the number itself: the folder and file name of a scale. */
export function scaleLabel(rows: number): string {
  const exp = Math.log10(rows);
  return Number.isInteger(exp) ? `1e${exp}` : String(rows);
}

export const demoScaleFor = (rows: number) => Number((rows / ROWS_PER_DEMO_SCALE).toPrecision(3));

interface Marker {
  demoScale: number;
  seed: string;
  format?: string;
  /** The day the imports took as today. */
  today?: string;
  domains: Record<string, { rows: number; loadSeconds: number; loaderPeakRssMiB?: number }>;
  citizenId?: string;
}

/** Where the benchmark's data lives: SQLite files (the embedded default) or MySQL (MariaDB) databases. */
export type BenchDb = 'sqlite' | 'mysql';
export const BENCH_DBS: readonly BenchDb[] = ['sqlite', 'mysql'];

/**
 * The environment that points every process (loader, subgraphs, monolith, floor) at the data:
 * for MySQL, databases of their own per scale, so that scales and the tests never share one.
 */
export function benchDbEnv(db: BenchDb, scale: string): Record<string, string> {
  if (db === 'sqlite') return { DB_CLIENT: 'better-sqlite3' };
  return { DB_CLIENT: 'mysql2', MYSQL_URL: process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306', MYSQL_DATABASE_PREFIX: `p06bench_${scale.replace(/[^A-Za-z0-9]/g, '_')}_` };
}

export interface BenchData {
  /** The scale (`1e6`), with `-mysql` when the data is in MySQL: names the results files. */
  label: string;
  db: BenchDb;
  /** benchDbEnv: what every process is started with. */
  dbEnv: Record<string, string>;
  /** The MySQL server's version, as it reports it. */
  serverVersion?: string;
  dataDir: string;
  demoScale: number;
  rowsByDomain: Record<string, number>;
  factRows: number;
  /** Seconds spent loading in this run; 0 when everything was reused. */
  loadSeconds: number;
  /** Seconds the loads recorded in the marker took, whenever they ran. */
  recordedLoadSeconds: number;
  /** Per domain, as recorded: seconds its load took and the loading process's peak RSS by then (MiB). */
  loads: Marker['domains'];
  /** Bytes each domain's data takes on disk now: its SQLite files, or its MySQL tables' data and indexes. */
  diskBytes: Record<string, number>;
  citizenId: string;
}

export function benchConfig(dataDir: string, demoScale: number, dbEnv: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: dataDir, DEMO_SCALE: String(demoScale), DEMO_SEED, LOG_LEVEL: 'warn', ...dbEnv });
}

async function countRows(db: Db, table: string): Promise<number> {
  const [{ n }] = await db(table).count({ n: '*' });
  return Number(n);
}

/** A domain's data removed: its SQLite files, or every table of its MySQL database. */
async function removeDomainData(config: Config, dataDir: string, domain: string): Promise<void> {
  if (config.DB_CLIENT === 'mysql2') {
    const db = await openDb(config, domain);
    await dropAllTables(db).finally(() => db.destroy());
    return;
  }
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(dataDir, `${domain}.sqlite${suffix}`), { force: true });
}

export async function ensureData(rows: number, log: (line: string) => void, dbKind: BenchDb = 'sqlite'): Promise<BenchData> {
  const scale = scaleLabel(rows);
  const label = dbKind === 'sqlite' ? scale : `${scale}-${dbKind}`;
  const dbEnv = benchDbEnv(dbKind, scale);
  const demoScale = demoScaleFor(rows);
  const dataDir = path.join(ROOT, 'bench', 'data', label);
  fs.mkdirSync(dataDir, { recursive: true });
  const markerFile = path.join(dataDir, 'loaded.json');
  let marker: Marker = { demoScale, seed: DEMO_SEED, format: DATA_FORMAT, today: BENCH_TODAY, domains: {} };
  if (fs.existsSync(markerFile)) {
    const found = JSON.parse(fs.readFileSync(markerFile, 'utf8')) as Marker;
    if (found.demoScale === demoScale && found.seed === DEMO_SEED && found.format === DATA_FORMAT && found.today === BENCH_TODAY) marker = found;
    else log(`  ${path.relative(ROOT, dataDir)} was loaded by another version of the benchmark or on another today: loading again`);
  }
  const config = mysqlChecked(() => benchConfig(dataDir, demoScale, dbEnv), dbEnv);
  // A server that cannot be reached is said before anything is generated or dropped.
  const serverVersion = dbKind === 'mysql' ? await mysqlVersion(config) : undefined;
  const rowsByDomain: Record<string, number> = {};
  let loadSeconds = 0;
  for (const module of DOMAIN_MODULES) {
    if (!module.migrations) continue;
    const table = FACT_TABLES[module.name];
    const recorded = marker.domains[module.name];
    if (table && recorded && (dbKind === 'mysql' || fs.existsSync(path.join(dataDir, `${module.name}.sqlite`)))) {
      const db = await openDb(config, module.name);
      const n = await countRows(db, table).catch(() => -1);
      await db.destroy();
      if (n === recorded.rows) {
        rowsByDomain[module.name] = n;
        continue;
      }
      log(`  ${module.name}: ${n} rows where ${recorded.rows} were loaded; reloading`);
    }
    // Unrecorded data may be a load cut short or another scale's: start the domain afresh.
    if (table) await removeDomainData(config, dataDir, module.name);
    const t0 = performance.now();
    log(`  loading ${module.name} at demo scale ${demoScale}…`);
    // Migrated empty (no seeding), then filled by importing the domain's demo CSV.
    const prepared = await prepareDomain(module, { ...config, DEMO_SCALE: 0 });
    const db = prepared.db!;
    if (DEMO_FACTS[module.name]) {
      const file = path.join(dataDir, `${module.name}.csv`);
      const written = await writeDemoCsv(module.name, { seed: DEMO_SEED, scale: demoScale }, file);
      // A national-scale domain takes half an hour or more: a line a minute says how far it is.
      const started = performance.now();
      let said = started;
      const onProgress = (p: ImportProgress) => {
        const now = performance.now();
        if (now - said < 60_000 || p.totalRows !== null) return;
        said = now;
        log(`  ${module.name}: ${p.rows.toLocaleString('en-US')} of ${written.toLocaleString('en-US')} rows read and written (${Math.round((100 * p.bytes) / Math.max(1, p.totalBytes))} % of the file), ${Math.round(p.rows / ((now - started) / 1000)).toLocaleString('en-US')} rows/s so far`);
      };
      const imported = await importFile({ config, definition: importDefinition(module.name), file, today: BENCH_TODAY, onProgress });
      fs.rmSync(file);
      log(`  ${module.name}: ${written} CSV rows imported at ${Math.round(imported.rowsPerSecond)} rows/s`);
    }
    if (table) rowsByDomain[module.name] = await countRows(db, table);
    // Readers then find one compact file, as after a restart.
    if (dbKind === 'sqlite') await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    await db.destroy();
    const seconds = (performance.now() - t0) / 1000;
    loadSeconds += seconds;
    if (table) {
      marker.domains[module.name] = { rows: rowsByDomain[module.name], loadSeconds: seconds, loaderPeakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
      fs.writeFileSync(markerFile, JSON.stringify(marker, null, 2));
    }
    log(`  ${module.name}: ${rowsByDomain[module.name] ?? 0} fact rows in ${seconds.toFixed(1)} s`);
  }
  if (!marker.citizenId) {
    marker.citizenId = await pickCitizen(config);
    fs.writeFileSync(markerFile, JSON.stringify(marker, null, 2));
  }
  const factRows = Object.values(rowsByDomain).reduce((a, b) => a + b, 0);
  const recordedLoadSeconds = Object.values(marker.domains).reduce((a, d) => a + d.loadSeconds, 0);
  const diskBytes = await diskUse(config, dataDir, Object.keys(rowsByDomain));
  return { label, db: dbKind, dbEnv, serverVersion, dataDir, demoScale, rowsByDomain, factRows, loadSeconds, recordedLoadSeconds, loads: marker.domains, diskBytes, citizenId: marker.citizenId };
}

/** Bytes on disk per domain: its SQLite files (the database, its WAL and shared memory), or its MySQL tables. */
async function diskUse(config: Config, dataDir: string, domains: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const domain of domains) {
    if (config.DB_CLIENT === 'mysql2') {
      const db = await openDb(config, domain);
      try {
        const [rows] = (await db.raw('SELECT SUM(data_length + index_length) AS bytes FROM information_schema.TABLES WHERE table_schema = DATABASE()')) as [{ bytes: string | null }[]];
        out[domain] = Number(rows[0]?.bytes ?? 0);
      } finally {
        await db.destroy();
      }
    } else {
      out[domain] = ['', '-wal', '-shm'].reduce((sum, suffix) => {
        const file = path.join(dataDir, `${domain}.sqlite${suffix}`);
        return sum + (fs.existsSync(file) ? fs.statSync(file).size : 0);
      }, 0);
    }
  }
  return out;
}

/** The configuration `make` builds, its MySQL address refused in the words of the option that gave it. */
function mysqlChecked(make: () => Config, dbEnv: Record<string, string>): Config {
  try {
    return make();
  } catch (err) {
    if (!dbEnv.MYSQL_URL) throw err;
    throw new Error(`BENCH_MYSQL_URL "${dbEnv.MYSQL_URL}": must look like mysql://user:password@host:port (--db mysql)`);
  }
}

/** The MySQL server's version, or an error that says which server could not be reached and how to point at another. */
async function mysqlVersion(config: Config): Promise<string> {
  const where = new URL(config.MYSQL_URL!);
  where.password = where.password ? '***' : '';
  try {
    const db = await openDb(config, 'residency');
    try {
      const [rows] = (await db.raw('SELECT VERSION() AS v')) as [{ v: string }[]];
      return rows[0].v;
    } finally {
      await db.destroy();
    }
  } catch (err) {
    throw new Error(`--db mysql: cannot use the MySQL server at ${where.href} (${(err as Error).message}); start it, or set BENCH_MYSQL_URL to another`);
  }
}

/** A citizen with records in every domain (parcels, civil status, requests, e-health), so W4 touches them all. */
async function pickCitizen(config: Config): Promise<string> {
  const dbs: Record<string, Db> = {};
  for (const d of Object.keys(FACT_TABLES)) dbs[d] = await openDb(config, d);
  try {
    const candidates = (await dbs['justice-records']('criminal_record_requests').distinct('personal_id').orderBy('personal_id').limit(5000)).map((r) => String(r.personal_id));
    const having = async (db: Db, table: string, column: string) =>
      new Set((await db(table).distinct(column).whereIn(column, candidates)).map((r) => String(r[column])));
    const [owners, named, booked] = await Promise.all([
      having(dbs.land, 'parcels', 'owner_personal_id'),
      having(dbs['civil-status'], 'civil_record_persons', 'personal_id'),
      having(dbs.health, 'e_health_records', 'personal_id'),
    ]);
    const found = candidates.find((id) => owners.has(id) && named.has(id) && booked.has(id)) ?? candidates.find((id) => owners.has(id)) ?? candidates[0];
    if (!found) throw new Error('No citizen to look up for W4: the justice records table is empty');
    return found;
  } finally {
    for (const db of Object.values(dbs)) await db.destroy();
  }
}

/** The data domains' databases, opened as their services open them. */
export async function openDataDbs(data: Pick<BenchData, 'dataDir' | 'demoScale' | 'dbEnv'>): Promise<Record<string, Db>> {
  const config = benchConfig(data.dataDir, data.demoScale, data.dbEnv);
  const dbs: Record<string, Db> = {};
  for (const d of Object.keys(FACT_TABLES)) dbs[d] = await openDb(config, d);
  return dbs;
}
