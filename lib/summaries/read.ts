/**
 * Reading figures: every figure of many (unit, period) keys, as stocks and as flows, with the
 * date each unit's data was delivered through, in one SQL statement.
 *
 * A stock as of date E is the running total at the end of the last month with changes up to
 * E's month (when E is a month's end) or up to the month before, plus E's month's days up to E
 * otherwise: one row per unit for a month, quarter or year, at most 1 + 31 for a day. A flow
 * over a period is the sum of its months (or of its days when it is not whole months).
 */
import { isMysql, type Db } from '../db';
import { dayKey, monthKey, type Period } from '../periods';
import { dayBasis, OWN_DAYS_FROM } from './day-basis';
import { columnsOf, deliveryTable, deltaTable, FIRST_DAY_BUCKET, monthTable, PLACED_BY_RULE, type SummarySpec } from './spec';

export type FigureValues<M extends string> = Record<M, number>;

export interface FigureReading<M extends string> {
  /** Each figure as of the period's last day. */
  stock: FigureValues<M>;
  /** Each figure's net change during the period. */
  flow: FigureValues<M>;
  /** The date the unit's data has been delivered through; null when none has been. */
  deliveredThrough: string | null;
}

export interface SummaryKey {
  /** The unit's summary key (`Area.key`). */
  areaKey: string;
  period: Period;
}

/** The buckets one key reads: see the file comment. A range whose `from` exceeds its `to` is empty. */
interface KeyRanges {
  /** The stock's running total: the latest month (YYYYMM) at or before this one. */
  mcut: number;
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

export function keyRanges(period: Pick<Period, 'start' | 'end'>): KeyRanges {
  const end = period.end;
  const endMonth = monthKey(end);
  // Before a month's end: the month before (January's YYYY00 is below every month of YYYY and
  // above every month of the year before).
  const r: KeyRanges = { mcut: endMonth - 1, dayFrom: 1, dayTo: 0, flowFrom: 0, flowTo: 0 };
  if (isMonthEnd(end)) {
    r.mcut = endMonth;
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
 * The key columns a read passes as one JSON array per key, in this order after the key's index.
 * `sub` is 1 on the extra rows of a derived unit (lib/summaries/day-basis.ts): one per basis
 * unit, reading only days, whose `placed_by_rule` does not count.
 */
const KEY_COLUMNS = ['area', 'mcut', 'day_from', 'day_to', 'flow_from', 'flow_to', 'sub'] as const;

/**
 * The statement of one summary's reads: its text depends only on the summary, never on the
 * number of keys, which arrive as one JSON array. A VALUES list with a row per key made a new
 * statement for every request, and compiling it cost more than running it (696 districts: 30 ms
 * against 10 ms on SQLite).
 */
const readStatements = new Map<string, string>();

function readStatement(db: Db, spec: SummarySpec): string {
  const mysql = isMysql(db);
  const cacheKey = `${mysql ? 'mysql' : 'sqlite'}:${spec.name}`;
  let sql = readStatements.get(cacheKey);
  if (sql) return sql;
  // MySQL 8 and MariaDB 10.6+ read the array with JSON_TABLE, SQLite with json_each; the area
  // column takes the summaries' collation so that the join uses their primary key.
  const keysSql = mysql
    ? `SELECT * FROM JSON_TABLE(?, '$[*]' COLUMNS (kid INT PATH '$[0]', area VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci PATH '$[1]', ${KEY_COLUMNS.slice(1).map((c, i) => `${c} INT PATH '$[${i + 2}]'`).join(', ')})) AS j`
    : `SELECT CAST(j.value ->> 0 AS INTEGER) AS kid, ${KEY_COLUMNS.map((c, i) => `j.value ->> ${i + 1} AS ${c}`).join(', ')} FROM json_each(?) AS j`;
  const m = columnsOf(spec);
  // Every part's figures come back as one JSON array (in columnsOf's order), not a column each:
  // a driver turns each column of each row into a property of a new object, and for W1's 696
  // districts that cost more than the read (the justice summary's 70 columns: 10 ms against 4
  // for its stock rows on SQLite).
  const array = (values: string[]) => `${mysql ? 'JSON_ARRAY' : 'json_array'}(${values.join(', ')}) AS v`;
  const sum = (alias: string) => array(m.map((c) => `SUM(${alias}.${c})`));
  const pick = (alias: string) => m.map((c) => `${alias}.${c}`).join(', ');
  // Rows that may be a basis unit's days: its placed_by_rule belongs to it, not to the unit read.
  const pickDays = (alias: string) => m.map((c) => (c === PLACED_BY_RULE ? `${alias}.${c} * (1 - k.sub) AS ${c}` : `${alias}.${c}`)).join(', ');
  const sumDays = (alias: string) => array(m.map((c) => (c === PLACED_BY_RULE ? `SUM(${alias}.${c} * (1 - k.sub))` : `SUM(${alias}.${c})`)));
  const d = deltaTable(spec);
  const mt = monthTable(spec);
  // A key's rows are one range of the primary key (area_code, bucket). SQLite seeks it per key;
  // MariaDB, given `area_code = k.area`, reads every row of the unit and filters the buckets
  // (W2 at 10^5: 7,372 rows per key of a province instead of 1, 26 ms instead of 0.3). Without
  // an equality to use, it checks the range for each key on the forced primary key instead.
  const sameArea = (alias: string) => (mysql ? `${alias}.area_code >= k.area AND ${alias}.area_code <= k.area` : `${alias}.area_code = k.area`);
  const keyIndex = mysql ? ' FORCE INDEX (PRIMARY)' : '';
  // The stock's month: SQLite finds MAX at one seek; MariaDB scanned the unit's months for it
  // (its range trick above turned that into a scan of the whole index), but reads backwards from
  // the unit's last month when asked for the first row in descending order.
  const latestMonth = mysql
    ? `SELECT t2.bucket FROM ${mt} t2 WHERE t2.area_code = k.area AND t2.bucket <= k.mcut ORDER BY t2.bucket DESC LIMIT 1`
    : `SELECT MAX(t2.bucket) FROM ${mt} t2 WHERE t2.area_code = k.area AND t2.bucket <= k.mcut`;
  // The keys are read once (MATERIALIZED on SQLite; MariaDB materializes a CTE used more than once).
  sql = `WITH k AS ${mysql ? '' : 'MATERIALIZED '}(${keysSql})
SELECT x.kid, 'S' AS part, ${sum('x')}, NULL AS delivered FROM (
  SELECT k.kid, ${pick('t')} FROM k JOIN ${mt} t ON k.sub = 0 AND t.area_code = k.area
    AND t.bucket = (${latestMonth})
  UNION ALL
  SELECT k.kid, ${pickDays('t')} FROM k JOIN ${d} t${keyIndex} ON ${sameArea('t')} AND t.bucket BETWEEN k.day_from AND k.day_to
) x GROUP BY x.kid
UNION ALL
SELECT k.kid, 'F' AS part, ${sumDays('t')}, NULL AS delivered FROM k JOIN ${d} t${keyIndex} ON ${sameArea('t')} AND t.bucket BETWEEN k.flow_from AND k.flow_to
GROUP BY k.kid
UNION ALL
SELECT k.kid, 'D' AS part, NULL AS v, v.delivered_through AS delivered FROM k JOIN ${deliveryTable(spec)} v ON k.sub = 0 AND v.area_code = k.area`;
  readStatements.set(cacheKey, sql);
  return sql;
}

/** keyRanges by period: a dashboard asks for the same few periods all day. */
const rangesByPeriod = new Map<string, KeyRanges>();
function cachedKeyRanges(period: Period): KeyRanges {
  const cacheKey = `${period.start}|${period.end}`;
  let r = rangesByPeriod.get(cacheKey);
  if (!r) {
    r = keyRanges(period);
    if (rangesByPeriod.size > 10_000) rangesByPeriod.clear();
    rangesByPeriod.set(cacheKey, r);
  }
  return r;
}

/**
 * Reads every figure (the domain's and `placed_by_rule`), as a stock and as a flow, for many
 * (unit, period) keys in one SQL statement, with each unit's delivery date. Answers come back in
 * key order.
 */
export async function readFigures<M extends string>(db: Db, spec: SummarySpec<M>, keys: readonly SummaryKey[]): Promise<FigureReading<M>[]> {
  const columns = columnsOf(spec);
  // Copying one object literal is several times faster than building 70 properties one by one,
  // and W1 builds 1,400 of these per domain.
  const zeroTemplate = Object.fromEntries(columns.map((m) => [m, 0])) as FigureValues<M>;
  if (keys.length === 0) return [];
  const readings: FigureReading<M>[] = new Array(keys.length);
  const { basisKeysOf } = dayBasis();
  const beforeReform = OWN_DAYS_FROM - 1;
  const keyList: (string | number)[][] = [];
  keys.forEach((k, kid) => {
    const r = cachedKeyRanges(k.period);
    keyList.push([kid, k.areaKey, r.mcut, r.dayFrom, r.dayTo, r.flowFrom, r.flowTo, 0]);
    // A derived unit reads its days before the reform from its basis units (lib/summaries/day-basis.ts);
    // a flow over whole months reads its own month rows, which every unit has.
    const basis = basisKeysOf.get(k.areaKey);
    if (!basis) return;
    const dayFlow = r.flowFrom >= FIRST_DAY_BUCKET;
    const dayTo = Math.min(r.dayTo, beforeReform);
    const flowTo = dayFlow ? Math.min(r.flowTo, beforeReform) : 0;
    if (r.dayFrom <= dayTo || (dayFlow && r.flowFrom <= flowTo)) {
      for (const b of basis) keyList.push([kid, b, 0, r.dayFrom, dayTo, dayFlow ? r.flowFrom : 1, flowTo, 1]);
    }
  });
  const result = await db.raw(readStatement(db, spec), [JSON.stringify(keyList)]);
  const rows: Record<string, unknown>[] = isMysql(db) ? result[0] : result;
  for (let i = 0; i < keys.length; i++) readings[i] = { stock: undefined as never, flow: undefined as never, deliveredThrough: null };
  for (const row of rows) {
    const reading = readings[Number(row.kid)];
    if (row.part === 'D') {
      reading.deliveredThrough = String(row.delivered);
      continue;
    }
    // MariaDB hands a JSON array over as text, MySQL 8 as the value it holds; MySQL's sums are
    // DECIMALs, which JSON carries as numbers.
    const values = (typeof row.v === 'string' ? JSON.parse(row.v) : row.v) as (number | string | null)[];
    const figures: Record<string, number> = { ...zeroTemplate };
    for (let i = 0; i < columns.length; i++) figures[columns[i]] = Number(values[i] ?? 0);
    reading[row.part === 'S' ? 'stock' : 'flow'] = figures as FigureValues<M>;
  }
  for (const r of readings) {
    r.stock ??= { ...zeroTemplate };
    r.flow ??= { ...zeroTemplate };
  }
  return readings;
}
