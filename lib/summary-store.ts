/**
 * Per-area, per-period summaries of a domain's figures, kept current on every write so that
 * reading a figure never scans the facts behind it.
 *
 * Every figure is a series of signed changes ("deltas") at a date in a commune: a citizen
 * registered (+1 population), a parcel digitized (+1 digitizedParcels). A write turns the
 * facts it adds, changes or removes into deltas and adds them to every area above the commune
 * (commune, district, province, nation), so a read costs in proportion to the areas and
 * periods asked for, whatever the number of facts.
 *
 * Two tables per domain:
 * - `<name>_delta (area_code, bucket, ...)`: the sum of deltas per area and month (bucket
 *   YYYYMM) and per area and day (bucket YYYYMMDD); the two key ranges never overlap.
 * - `<name>_year (area_code, year, ...)`: the running total as of 31 December of each year
 *   with any change, rebuilt for the touched areas on every write.
 *
 * A stock as of date E is the total at the end of the last year before E's year, plus E's
 * year's months up to E (plus E's month's days up to E when E is not a month's end): at most
 * 1 + 12 + 31 index-ordered rows per area. A flow over a period is the sum of its months
 * (or of its days when it is not whole months).
 */
import type { Knex } from 'knex';
import { ancestorsOf } from './admin-units';
import { bulkUpsertValues } from './bulk';
import { isMysql, type Db } from './db';
import { dayKey, monthKey, type Period } from './periods';

export interface SummarySpec<M extends string = string> {
  /** Table name prefix, e.g. `residency_summary`. */
  name: string;
  /** Column names of the figures, e.g. `population`. */
  metrics: readonly M[];
}

/** One change of one figure at a date in a commune. */
export interface FigureDelta<M extends string = string> {
  communeCode: string;
  /** ISO `YYYY-MM-DD`. */
  date: string;
  metric: M;
  delta: number;
}

export type FigureValues<M extends string> = Record<M, number>;

export interface FigureReading<M extends string> {
  /** Each figure as of the period's last day. */
  stock: FigureValues<M>;
  /** Each figure's net change during the period. */
  flow: FigureValues<M>;
}

export interface SummaryKey {
  areaCode: string;
  period: Period;
}

const deltaTable = (spec: SummarySpec) => `${spec.name}_delta`;
const yearTable = (spec: SummarySpec) => `${spec.name}_year`;

/** Creates the summary tables; call from the domain's first migration. */
export async function createSummaryTables(db: Knex, spec: SummarySpec): Promise<void> {
  const metrics = spec.metrics.map((m) => `${m} BIGINT NOT NULL DEFAULT 0`).join(', ');
  // On SQLite, WITHOUT ROWID keeps each table one B-tree ordered by its key: half the work per
  // upsert, and a read's index range is the table's rows themselves.
  const suffix = isMysql(db) ? '' : ' WITHOUT ROWID';
  await db.raw(`CREATE TABLE ${deltaTable(spec)} (area_code VARCHAR(16) NOT NULL, bucket INTEGER NOT NULL, ${metrics}, PRIMARY KEY (area_code, bucket))${suffix}`);
  await db.raw(`CREATE TABLE ${yearTable(spec)} (area_code VARCHAR(16) NOT NULL, year INTEGER NOT NULL, ${metrics}, PRIMARY KEY (area_code, year))${suffix}`);
}

const CHUNK = 500;
function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Adds deltas to the summaries of every area above each delta's commune. Run it in the same
 * transaction as the fact writes that caused the deltas, so figures and facts never disagree.
 */
export async function applyDeltas<M extends string>(
  trx: Knex.Transaction,
  spec: SummarySpec<M>,
  deltas: Iterable<FigureDelta<M>>,
  options: { deferYearTotals?: boolean } = {},
): Promise<void> {
  // Nested maps of arrays rather than one map of objects keyed by strings: a seed or an import
  // adds millions of deltas, and this loop was most of their cost.
  const metricIndex = new Map<string, number>(spec.metrics.map((m, i) => [m, i]));
  const byArea = new Map<string, Map<number, number[]>>();
  const add = (area: string, bucket: number, metric: number, delta: number) => {
    let buckets = byArea.get(area);
    if (!buckets) byArea.set(area, (buckets = new Map()));
    let row = buckets.get(bucket);
    if (!row) buckets.set(bucket, (row = new Array<number>(spec.metrics.length).fill(0)));
    row[metric] += delta;
  };
  for (const d of deltas) {
    if (d.delta === 0) continue;
    const metric = metricIndex.get(d.metric);
    if (metric === undefined) throw new Error(`Unknown figure ${d.metric} for ${spec.name}`);
    const areas = ancestorsOf(d.communeCode);
    if (areas.length === 0) throw new Error(`Unknown commune code ${d.communeCode}`);
    const month = monthKey(d.date);
    const day = dayKey(d.date);
    for (const area of areas) {
      add(area, month, metric, d.delta);
      add(area, day, metric, d.delta);
    }
  }
  if (byArea.size === 0) return;
  // In key order, the upserts walk the B-tree from one end to the other instead of jumping about.
  const rows: (string | number)[][] = [];
  for (const area of [...byArea.keys()].sort()) {
    const buckets = byArea.get(area)!;
    for (const bucket of [...buckets.keys()].sort((x, y) => x - y)) rows.push([area, bucket, ...buckets.get(bucket)!]);
  }
  await bulkUpsertValues(trx, { table: deltaTable(spec), key: ['area_code', 'bucket'], columns: ['area_code', 'bucket', ...spec.metrics], onConflict: 'add' }, rows);
  // A bulk load defers this and rebuilds every area once at the end.
  if (!options.deferYearTotals) await rebuildYearTotals(trx, spec, [...byArea.keys()]);
}

/**
 * Recomputes the year-end running totals of the given areas (all areas when omitted) from
 * their monthly deltas.
 */
export async function rebuildYearTotals(trx: Knex.Transaction | Db, spec: SummarySpec, areaCodes?: string[]): Promise<void> {
  const m = spec.metrics;
  const insert = (codes?: string[]) =>
    trx.raw(
      `INSERT INTO ${yearTable(spec)} (area_code, year, ${m.join(', ')})
       SELECT area_code, yr, ${m.map((c) => `SUM(SUM(${c})) OVER (PARTITION BY area_code ORDER BY yr)`).join(', ')}
       FROM (SELECT area_code, (bucket - bucket % 100) / 100 AS yr, ${m.join(', ')}
             FROM ${deltaTable(spec)} WHERE bucket < 1000000${codes ? ` AND area_code IN (${codes.map(() => '?').join(', ')})` : ''}) months
       GROUP BY area_code, yr`,
      codes ?? [],
    );
  if (!areaCodes) {
    await trx(yearTable(spec)).delete();
    await insert();
    return;
  }
  for (const batch of chunks(areaCodes)) {
    await trx(yearTable(spec)).whereIn('area_code', batch).delete();
    await insert(batch);
  }
}

/** The buckets one key reads: see the file comment. A range whose `from` exceeds its `to` is empty. */
interface KeyRanges {
  ycut: number;
  monthFrom: number;
  monthTo: number;
  dayFrom: number;
  dayTo: number;
  flowFrom: number;
  flowTo: number;
}

const isMonthEnd = (iso: string) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.getUTCDate() === 1;
};

export function keyRanges(period: Period): KeyRanges {
  const end = period.end;
  const year = Number(end.slice(0, 4));
  const endMonth = monthKey(end);
  const r: KeyRanges = { ycut: year - 1, monthFrom: year * 100 + 1, monthTo: endMonth - 1, dayFrom: 1, dayTo: 0, flowFrom: 0, flowTo: 0 };
  if (end.endsWith('-12-31')) {
    r.ycut = year;
    r.monthTo = 0;
  } else if (isMonthEnd(end)) {
    r.monthTo = endMonth;
  } else {
    r.dayFrom = endMonth * 100 + 1;
    r.dayTo = dayKey(end);
  }
  const wholeMonths = period.start.endsWith('-01') && isMonthEnd(end);
  r.flowFrom = wholeMonths ? monthKey(period.start) : dayKey(period.start);
  r.flowTo = wholeMonths ? endMonth : dayKey(end);
  return r;
}

/**
 * Reads every figure, as a stock and as a flow, for many (area, period) keys in one SQL
 * statement. Answers come back in key order.
 */
export async function readFigures<M extends string>(db: Db, spec: SummarySpec<M>, keys: readonly SummaryKey[]): Promise<FigureReading<M>[]> {
  const zero = () => Object.fromEntries(spec.metrics.map((m) => [m, 0])) as FigureValues<M>;
  const out: FigureReading<M>[] = keys.map(() => ({ stock: zero(), flow: zero() }));
  if (keys.length === 0) return out;

  const cols = ['kid', 'area', 'ycut', 'month_from', 'month_to', 'day_from', 'day_to', 'flow_from', 'flow_to'];
  const bindings: (string | number)[] = [];
  const tuples = keys.map((k, kid) => {
    const r = keyRanges(k.period);
    bindings.push(kid, k.areaCode, r.ycut, r.monthFrom, r.monthTo, r.dayFrom, r.dayTo, r.flowFrom, r.flowTo);
    return cols.map(() => '?').join(', ');
  });
  // SQLite takes a VALUES list of any length; MySQL 8 and MariaDB differ in VALUES syntax but
  // both take UNION ALL, which SQLite would cap at 500 terms.
  const keysSql = isMysql(db)
    ? tuples.map((t) => `SELECT ${t}`).join(' UNION ALL ')
    : `VALUES ${tuples.map((t) => `(${t})`).join(', ')}`;
  const m = spec.metrics;
  const sum = (alias: string) => m.map((c) => `SUM(${alias}.${c}) AS ${c}`).join(', ');
  const pick = (alias: string) => m.map((c) => `${alias}.${c}`).join(', ');
  const d = deltaTable(spec);
  const y = yearTable(spec);
  const sql = `WITH k(${cols.join(', ')}) AS (${keysSql})
SELECT x.kid, 'S' AS part, ${sum('x')} FROM (
  SELECT k.kid, ${pick('t')} FROM k JOIN ${y} t ON t.area_code = k.area
    AND t.year = (SELECT MAX(t2.year) FROM ${y} t2 WHERE t2.area_code = k.area AND t2.year <= k.ycut)
  UNION ALL
  SELECT k.kid, ${pick('t')} FROM k JOIN ${d} t ON t.area_code = k.area AND t.bucket BETWEEN k.month_from AND k.month_to
  UNION ALL
  SELECT k.kid, ${pick('t')} FROM k JOIN ${d} t ON t.area_code = k.area AND t.bucket BETWEEN k.day_from AND k.day_to
) x GROUP BY x.kid
UNION ALL
SELECT k.kid, 'F' AS part, ${sum('t')} FROM k JOIN ${d} t ON t.area_code = k.area AND t.bucket BETWEEN k.flow_from AND k.flow_to
GROUP BY k.kid`;
  const result = await db.raw(sql, bindings);
  const rows: Record<string, unknown>[] = isMysql(db) ? result[0] : result;
  for (const row of rows) {
    const target = out[Number(row.kid)][row.part === 'S' ? 'stock' : 'flow'];
    for (const c of m) target[c] = Number(row[c] ?? 0);
  }
  return out;
}
