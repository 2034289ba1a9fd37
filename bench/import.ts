/**
 * `npm run bench:import -- --rows 1000000 [--mysql]`: the import's throughput and memory.
 *
 * Generates a CSV of N valid residency rows under bench/data/ (fixed seed; kept between runs),
 * imports it into a fresh SQLite database, and into MySQL too with --mysql or when MYSQL_URL is
 * set, then prints rows/s and memory: the peak RSS of the process, and RSS sampled along the
 * way to show it stays flat.
 *
 * The rows are spread over every commune of one province (--province, default 01 Hà Nội, 526
 * communes), as a province's file is; --nation spreads them over all 10,051 communes instead,
 * the worst case for the summaries (about three times as many distinct area-day buckets).
 * Commune codes are those of the three-tier structure (residences registered before 1 July 2025,
 * as the README's figures were measured), or with --structure TWO_TIER those of the current one
 * (Hà Nội: 126 communes; the nation: 3,321); every row says so in its `commune_structure` column.
 *
 * Options: --rows N (default 1,000,000), --province CODE, --nation, --structure THREE_TIER|TWO_TIER,
 * --mysql (databases prefixed p06bench_, or BENCH_DB_PREFIX so that runs side by side do not collide), --sqlite-only, --mysql-only, --batch N (facts per upsertFacts call),
 * --again (import the same file a second time: the all-unchanged path), --then CODE (then import
 * as many citizens of another province into the same database: a table that has rows), --xlsx
 * (the file as one XLSX sheet instead of a CSV).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { areaByCode, areasOfLevel, communesIn, STRUCTURES, type AreaStructure } from '../lib/areas';
import { loadConfig, type Config } from '../lib/config';
import { dropAllTables, openDb } from '../lib/db';
import { cellsOf } from '../lib/import/columns';
import { importFile, type ImportSummary } from '../lib/import/engine';
import { residencyImport } from '../services/residency/facts';
import { writeCsv, writeXlsx } from '../test/helpers/import-files';
import { CITIZEN_COLUMNS, generateCitizens } from './lib/citizens';
import { BENCH_TODAY } from './lib/workloads';
import { importDefinition } from '../services/registry';

const SEED = 'bench-import';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(name);

const rows = Number(arg('--rows') ?? 1_000_000);
const spread = flag('--nation') ? 'nation' : `province-${arg('--province') ?? '01'}`;
const batchSize = arg('--batch') ? Number(arg('--batch')) : undefined;
const structure = (arg('--structure') ?? 'THREE_TIER').toUpperCase() as AreaStructure;
if (!Number.isInteger(rows) || rows <= 0) throw new Error(`--rows must be a positive integer, got ${arg('--rows')}`);
if (!STRUCTURES.includes(structure)) throw new Error(`--structure must be THREE_TIER or TWO_TIER, got ${arg('--structure')}`);

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
const n = (x: number) => Math.round(x).toLocaleString('en-US');

const format = flag('--xlsx') ? 'xlsx' : 'csv';

async function benchFile(spread: string): Promise<string> {
  const dir = path.join(__dirname, 'data');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `residency-${SEED}-${structure}-${spread}-${rows}.${format}`);
  if (!fs.existsSync(file)) {
    const started = performance.now();
    const province = spread === 'nation' ? undefined : areaByCode(spread.slice('province-'.length), structure);
    const communes = spread === 'nation' ? areasOfLevel('COMMUNE', structure) : province?.level === 'PROVINCE' ? communesIn(province, structure) : [];
    if (communes.length === 0) throw new Error(`${spread}: no such province in the ${structure} structure`);
    const tmp = `${file}.tmp`;
    const cells = (function* () {
      for (const c of generateCitizens(SEED, rows, communes)) yield cellsOf(residencyImport, c);
    })();
    if (format === 'xlsx') await writeXlsx(tmp, CITIZEN_COLUMNS, cells);
    else writeCsv(tmp, CITIZEN_COLUMNS, cells);
    fs.renameSync(tmp, file);
    console.log(`generated ${file} (${mb(fs.statSync(file).size)}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return file;
}

async function run(label: string, config: Config, file: string, then?: string): Promise<void> {
  const db = await openDb(config, 'residency');
  await dropAllTables(db);
  await db.destroy();
  const samples: { phase: string; rows: number; rss: number }[] = [];
  const marks = new Set<string>();
  const onProgress = (p: { phase: string; rows: number; totalRows: number | null; bytes: number; totalBytes: number }) => {
    const share = p.bytes / p.totalBytes;
    const quarter = `${p.phase}:${Math.floor(share * 4)}`;
    if (!marks.has(quarter)) {
      marks.add(quarter);
      samples.push({ phase: p.phase, rows: p.rows, rss: process.memoryUsage.rss() });
    }
  };
  const report = (title: string, s: ImportSummary) =>
    console.log(
      `${label} ${title}: ${n(s.rows)} rows (${n(s.inserted)} inserted, ${n(s.updated)} updated, ${n(s.unchanged)} unchanged) in ${s.seconds.toFixed(1)} s ` +
        `(rows read, checked and written in ${s.readSeconds.toFixed(1)} s, then indexes ${s.indexSeconds.toFixed(1)} s, summaries ${s.summarySeconds.toFixed(1)} s and commit ${s.commitSeconds.toFixed(1)} s): ${n(s.rowsPerSecond)} rows/s`,
    );
  const cpu = process.cpuUsage();
  const s = await importFile({ config, definition: importDefinition('residency'), file, onProgress, batchSize, today: BENCH_TODAY });
  const used = process.cpuUsage(cpu);
  report('import', s);
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(`${label} CPU time of this process: ${cpuSeconds.toFixed(1)} s (${n(s.rows / cpuSeconds)} rows per CPU second)`);
  console.log(`${label} RSS along the way: ${samples.map((s) => `${s.phase} ${n(s.rows)} rows ${mb(s.rss)}`).join(', ')}`);
  if (flag('--again')) report('re-import', await importFile({ config, definition: importDefinition('residency'), file, batchSize, today: BENCH_TODAY }));
  if (then) report(`then ${path.basename(then)}, into a table with rows`, await importFile({ config, definition: importDefinition('residency'), file: then, batchSize, today: BENCH_TODAY }));
  console.log(`${label} peak RSS so far: ${mb(process.resourceUsage().maxRSS * 1024)}`);
}

async function main() {
  const file = await benchFile(spread);
  const thenProvince = arg('--then');
  const then = thenProvince ? await benchFile(`province-${thenProvince}`) : undefined;
  console.log(`${file}: ${n(rows)} rows over ${spread} (${structure}); node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0].toFixed(1)}; batch ${batchSize ?? 'default'}`);
  const base = { NODE_ENV: 'development', LOG_LEVEL: 'silent', DEMO_SCALE: '0' };
  if (!flag('--mysql-only')) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-bench-import-'));
    try {
      await run('sqlite', loadConfig({ ...base, DATA_DIR: dir }), file, then);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if ((flag('--mysql') || process.env.MYSQL_URL) && !flag('--sqlite-only')) {
    const url = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
    await run('mysql', loadConfig({ ...base, DB_CLIENT: 'mysql2', MYSQL_URL: url, MYSQL_DATABASE_PREFIX: process.env.BENCH_DB_PREFIX ?? 'p06bench_' }), file, then);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
