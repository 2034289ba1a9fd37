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
import { allAreas, ancestorsOf } from './admin-units';
import { bulkUpsertFlat } from './bulk';
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
  const buffer = new DeltaBuffer(trx, spec);
  await buffer.add(deltas);
  await buffer.flush();
  // A bulk load defers this and rebuilds every area once at the end.
  if (!options.deferYearTotals) await rebuildYearTotals(trx, spec, buffer.touchedAreaCodes());
}

/** Every area code in the order of the summaries' key, and each one's position in it. */
let areaOrder: { codes: string[]; position: Map<string, number> } | undefined;
/** A commune's position and its ancestors', as `ancestorsOf` lists them. */
const chains = new Map<string, Int32Array>();

function chainOf(communeCode: string): Int32Array {
  let chain = chains.get(communeCode);
  if (!chain) {
    if (!areaOrder) {
      // JavaScript's default sort is by UTF-16 code unit: for these ASCII codes, SQLite's
      // BINARY order and the order of MySQL's collation alike.
      const codes = [...allAreas()].map((a) => a.code).sort();
      if (codes.length > 2 ** (31 - RANK_BITS)) throw new Error(`${codes.length} areas do not fit the summary buffer's keys`);
      areaOrder = { codes, position: new Map(codes.map((c, i) => [c, i])) };
    }
    const areas = ancestorsOf(communeCode);
    if (areas.length === 0) throw new Error(`Unknown commune code ${communeCode}`);
    chain = Int32Array.from(areas, (a) => areaOrder!.position.get(a)!);
    chains.set(communeCode, chain);
  }
  return chain;
}

/**
 * Buckets as consecutive ranks in key order: the months of 1900-2155 first (as YYYYMM sorts
 * below YYYYMMDD), then their days. An (area position, rank) pair is then one 31-bit number in
 * the summaries' key order.
 */
const FIRST_YEAR = 1900;
const YEARS = 256;
const MONTH_RANKS = YEARS * 12;
const RANK_BITS = 17;
const DAYS_BEFORE_MONTH = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
let bucketOfRank: Int32Array | undefined;

/** The rank of a month (`day` 0) or of a day; the bucket of every rank is in `bucketOfRank`. */
function rankOf(year: number, month: number, day: number): number {
  const y = year - FIRST_YEAR;
  if (day === 0) return y * 12 + month - 1;
  const leapDays = Math.floor((year - 1) / 4) - Math.floor((year - 1) / 100) + Math.floor((year - 1) / 400) - (Math.floor(1899 / 4) - Math.floor(1899 / 100) + Math.floor(1899 / 400));
  return MONTH_RANKS + y * 365 + leapDays + DAYS_BEFORE_MONTH[month] + (month > 2 && isLeap(year) ? 1 : 0) + day - 1;
}

let monthOfDayRank: Int32Array | undefined;
/** The month's rank of each day's rank (indexed by day rank - MONTH_RANKS). */
function monthRankByDayRank(): Int32Array {
  if (!monthOfDayRank) {
    monthOfDayRank = new Int32Array((1 << RANK_BITS) - MONTH_RANKS);
    for (let year = FIRST_YEAR; year < FIRST_YEAR + YEARS; year++) {
      for (let month = 1; month <= 12; month++) {
        const days = month === 2 ? (isLeap(year) ? 29 : 28) : DAYS_IN_MONTH[month];
        for (let day = 1; day <= days; day++) monthOfDayRank[rankOf(year, month, day) - MONTH_RANKS] = rankOf(year, month, 0);
      }
    }
  }
  return monthOfDayRank;
}

function bucketsByRank(): Int32Array {
  if (!bucketOfRank) {
    bucketOfRank = new Int32Array(1 << RANK_BITS);
    for (let year = FIRST_YEAR; year < FIRST_YEAR + YEARS; year++) {
      for (let month = 1; month <= 12; month++) {
        bucketOfRank[rankOf(year, month, 0)] = year * 100 + month;
        const days = month === 2 ? (isLeap(year) ? 29 : 28) : DAYS_IN_MONTH[month];
        for (let day = 1; day <= days; day++) bucketOfRank[rankOf(year, month, day)] = (year * 100 + month) * 100 + day;
      }
    }
  }
  return bucketOfRank;
}

const SLOT_BITS = 22;
const SLOTS = 2 ** SLOT_BITS;
const RANK_MASK = (1 << RANK_BITS) - 1;
/** Summary rows per write of a flush (the rows of one area are never split). */
const FLUSH_ROWS = 8192;
/** Sums of one flush stay exact in 32 bits while the deltas added, in absolute value, stay below this. */
const MAX_ABSOLUTE_SUM = 2 ** 31 - 1;

/**
 * Sums deltas per (commune, day) in one typed array (an open-addressing hash table: a slot is a
 * 4-byte key and 4 bytes per figure, side by side so that a key and its sums share a cache line)
 * and writes the sums in key order, with the months and the areas above each commune summed
 * when written out. A bulk load feeds one buffer for the whole transaction, so a day of a
 * commune is written once per flush rather than once per batch of facts: a million citizens of
 * one province (Hà Nội) made 9.2 million summary upserts in batches of 20,000, and 2.4 million
 * through a 128 MB buffer. Only the commune is summed per delta: summing into every area above
 * it too (4 random accesses to a 100 MB table instead of 1) took 2.2 s of that import's 20, now 1.2.
 * Memory is capped (`maxBytes`); a full buffer writes its sums out and starts over.
 */
export class DeltaBuffer<M extends string = string> {
  private readonly width: number;
  /** Int32s per slot: the key, then the sums. */
  private readonly stride: number;
  private readonly metricIndex: Map<string, number>;
  private readonly maxSlots: number;
  /** Per slot: (area position << RANK_BITS | day rank) + 1 (0 is an empty slot), then the sums. */
  private table: Int32Array;
  private slots: number;
  private size = 0;
  private absoluteSum = 0;
  /** The areas (by position) deltas were added to, flushed or not. */
  private touched: Uint8Array | null = null;

  constructor(
    private readonly trx: Knex.Transaction,
    private readonly spec: SummarySpec<M>,
    options: { maxBytes?: number } = {},
  ) {
    this.width = spec.metrics.length;
    this.stride = 1 + this.width;
    this.metricIndex = new Map(spec.metrics.map((m, i) => [m, i]));
    const fits = 2 ** Math.floor(Math.log2((options.maxBytes ?? 64 * 2 ** 20) / (4 * this.stride)));
    this.maxSlots = Math.min(2 ** SLOT_BITS, Math.max(64, fits));
    this.slots = Math.min(this.maxSlots, 4096);
    this.table = new Int32Array(this.slots * this.stride);
  }

  /** Adds deltas; writes the buffer out first whenever it is full. */
  async add(deltas: Iterable<FigureDelta<M>>): Promise<void> {
    for (const d of deltas) {
      if (d.delta === 0) continue;
      const metric = this.metricIndex.get(d.metric);
      if (metric === undefined) throw new Error(`Unknown figure ${d.metric} for ${this.spec.name}`);
      if (!Number.isInteger(d.delta) || Math.abs(d.delta) > 2 ** 24) throw new Error(`Figure delta ${d.delta} of ${d.metric} is not a whole number of at most 2^24`);
      const area = chainOf(d.communeCode)[0];
      const day = dayRankOf(d.date);
      this.touched ??= new Uint8Array(areaOrder!.codes.length);
      // Every sum written, up to the nation's, is a sum of deltas added: exact in 32 bits
      // while their absolute values add up to less than 2^31.
      if ((this.size + 1) * 10 > this.slots * 7 || this.absoluteSum + Math.abs(d.delta) > MAX_ABSOLUTE_SUM) {
        if (this.slots < this.maxSlots && this.absoluteSum < MAX_ABSOLUTE_SUM / 2) this.grow();
        else await this.flush();
      }
      this.absoluteSum += Math.abs(d.delta);
      this.touched[area] = 1;
      this.table[this.slotOf((area << RANK_BITS) | day) * this.stride + 1 + metric] += d.delta;
    }
  }

  /**
   * Writes every sum to the summaries and empties the buffer. For each area with deltas, in key
   * order, its months (each the sum of its days) then its days; then, for each area above them,
   * the same summed over its communes.
   */
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const { codes } = areaOrder!;
    const buckets = bucketsByRank();
    const monthOfDay = monthRankByDayRank();
    const { width, stride, table } = this;
    // Key and slot in one exact double (31 + 22 bits): one native sort gives both, in key order.
    const ordered = new Float64Array(this.size);
    let n = 0;
    for (let s = 0; s < this.slots; s++) if (table[s * stride] !== 0) ordered[n++] = (table[s * stride] - 1) * SLOTS + s;
    ordered.sort();
    // The sums in key order, read from the table once: every later pass reads them in order
    // (summing the areas above from the table itself was a cache miss per day and area).
    const keys = new Int32Array(n);
    const sorted = new Int32Array(n * width);
    for (let j = 0; j < n; j++) {
      // The parts of a key: divisions by powers of two are exact, no floating-point modulo.
      const key = Math.floor(ordered[j] / SLOTS);
      const from = (ordered[j] - key * SLOTS) * stride + 1;
      keys[j] = key;
      for (let m = 0; m < width; m++) sorted[j * width + m] = table[from + m];
    }
    const shape = { table: deltaTable(this.spec), key: ['area_code', 'bucket'], columns: ['area_code', 'bucket', ...this.spec.metrics], onConflict: 'add' as const };
    // Rows go straight into one reused array, written out between areas when full: building
    // a fresh array of rows per write cost as much as SQLite took to store them.
    const rowWidth = 2 + width;
    const values: unknown[] = new Array(FLUSH_ROWS * rowWidth);
    let length = 0;
    const writeIfFull = async (rows: number) => {
      if (length > 0 && length + rows * rowWidth > FLUSH_ROWS * rowWidth) {
        await bulkUpsertFlat(this.trx, shape, values, length);
        length = 0;
      }
    };
    const row = (area: string, bucket: number, from: Int32Array, at: number) => {
      // Sums that cancel out (a date moved within a month) leave nothing to add.
      let m = 0;
      while (m < width && from[at + m] === 0) m++;
      if (m === width) return;
      values[length++] = area;
      values[length++] = bucket;
      for (m = 0; m < width; m++) values[length++] = from[at + m];
    };
    // One area's months, each the sum of its days (in 32 bits, as the days: see MAX_ABSOLUTE_SUM).
    const monthRanks = new Int32Array(MONTH_RANKS);
    const monthSums = new Int32Array(MONTH_RANKS * width);
    // One area's days: their ranks, ascending, and where each one's sums are.
    const dayRanks = new Int32Array(1 << RANK_BITS);
    const dayAt = new Int32Array(1 << RANK_BITS);
    /** Writes one area's months and days: the first `days` of dayRanks, their sums in `from` at dayAt. */
    const writeArea = async (area: string, days: number, from: Int32Array) => {
      await writeIfFull(2 * days);
      let months = 0;
      for (let k = 0; k < days; k++) {
        const month = monthOfDay[dayRanks[k] - MONTH_RANKS];
        if (months === 0 || monthRanks[months - 1] !== month) {
          monthRanks[months] = month;
          monthSums.fill(0, months * width, (months + 1) * width);
          months++;
        }
        const at = (months - 1) * width;
        const sums = dayAt[k];
        for (let m = 0; m < width; m++) monthSums[at + m] += from[sums + m];
      }
      for (let k = 0; k < months; k++) row(area, buckets[monthRanks[k]], monthSums, k * width);
      for (let k = 0; k < days; k++) row(area, buckets[dayRanks[k]], from, dayAt[k]);
    };
    // The areas deltas were added to (communes): each one's days are consecutive in `ordered`.
    // `above` lists, for each area above them, the runs of `ordered` it sums.
    const above = new Map<number, number[]>();
    let minRank = Infinity;
    let maxRank = -Infinity;
    for (let i = 0; i < n; ) {
      const areaPosition = keys[i] >>> RANK_BITS;
      let days = 0;
      for (; i < n && keys[i] >>> RANK_BITS === areaPosition; i++) {
        dayRanks[days] = keys[i] & RANK_MASK;
        dayAt[days++] = i * width;
      }
      minRank = Math.min(minRank, dayRanks[0]);
      maxRank = Math.max(maxRank, dayRanks[days - 1]);
      await writeArea(codes[areaPosition], days, sorted);
      const chain = chainOf(codes[areaPosition]);
      for (let a = 1; a < chain.length; a++) {
        let list = above.get(chain[a]);
        if (!list) above.set(chain[a], (list = []));
        list.push(i - days, i);
      }
    }

    // Each area above: its communes' days summed into one dense array over the flush's ranks.
    const span = maxRank - minRank + 1;
    const dense = new Int32Array(span * width);
    const seen = new Uint8Array(span);
    for (const areaPosition of [...above.keys()].sort((a, b) => a - b)) {
      const list = above.get(areaPosition)!;
      for (let r = 0; r < list.length; r += 2) {
        for (let j = list[r]; j < list[r + 1]; j++) {
          const at = (keys[j] & RANK_MASK) - minRank;
          seen[at] = 1;
          for (let m = 0; m < width; m++) dense[at * width + m] += sorted[j * width + m];
        }
      }
      let days = 0;
      for (let at = 0; at < span; at++) {
        if (!seen[at]) continue;
        seen[at] = 0;
        dayRanks[days] = at + minRank;
        dayAt[days++] = at * width;
      }
      await writeArea(codes[areaPosition], days, dense);
      dense.fill(0);
    }
    await bulkUpsertFlat(this.trx, shape, values, length);
    table.fill(0);
    this.size = 0;
    this.absoluteSum = 0;
  }

  /** Every area any delta added so far touched, and every area above them: the ones whose year totals are stale. */
  touchedAreaCodes(): string[] {
    if (!this.touched) return [];
    const areas = new Uint8Array(this.touched.length);
    for (let a = 0; a < this.touched.length; a++) if (this.touched[a]) for (const p of chainOf(areaOrder!.codes[a])) areas[p] = 1;
    const out: string[] = [];
    for (let a = 0; a < areas.length; a++) if (areas[a]) out.push(areaOrder!.codes[a]);
    return out;
  }

  /** The slot of a key, taken if it is new. */
  private slotOf(key: number): number {
    const stored = key + 1;
    const mask = this.slots - 1;
    let h = Math.imul(key, 0x9e3779b1);
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const k = this.table[slot * this.stride];
      if (k === stored) return slot;
      if (k === 0) {
        this.table[slot * this.stride] = stored;
        this.size++;
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const { table: old, stride } = this;
    const oldSlots = this.slots;
    this.slots *= 2;
    this.table = new Int32Array(this.slots * stride);
    this.size = 0;
    for (let s = 0; s < oldSlots; s++) {
      if (old[s * stride] === 0) continue;
      const to = this.slotOf(old[s * stride] - 1) * stride;
      for (let m = 1; m < stride; m++) this.table[to + m] = old[s * stride + m];
    }
  }
}

/** The day's rank of a `YYYY-MM-DD`, without making strings (a bulk load does this millions of times). */
function dayRankOf(date: string): number {
  let ok = date.length === 10 && date.charCodeAt(4) === 45 && date.charCodeAt(7) === 45;
  let year = 0;
  let month = 0;
  let day = 0;
  for (let i = 0; ok && i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const d = date.charCodeAt(i) - 48;
    if (d < 0 || d > 9) ok = false;
    else if (i < 4) year = year * 10 + d;
    else if (i < 7) month = month * 10 + d;
    else day = day * 10 + d;
  }
  ok &&= year >= FIRST_YEAR && year < FIRST_YEAR + YEARS && month >= 1 && month <= 12 && day >= 1;
  ok &&= day <= (month === 2 ? (isLeap(year) ? 29 : 28) : DAYS_IN_MONTH[month]);
  if (!ok) throw new Error(`Invalid date ${date} in a figure delta: expected YYYY-MM-DD between ${FIRST_YEAR} and ${FIRST_YEAR + YEARS - 1}`);
  return rankOf(year, month, day);
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

/** The key columns a read passes as one JSON array per key, in this order after the key's index. */
const KEY_COLUMNS = ['area', 'ycut', 'month_from', 'month_to', 'day_from', 'day_to', 'flow_from', 'flow_to'] as const;

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
  const m = spec.metrics;
  const sum = (alias: string) => m.map((c) => `SUM(${alias}.${c}) AS ${c}`).join(', ');
  const pick = (alias: string) => m.map((c) => `${alias}.${c}`).join(', ');
  const d = deltaTable(spec);
  const y = yearTable(spec);
  // The keys are read once (MATERIALIZED on SQLite; MariaDB materializes a CTE used more than once).
  sql = `WITH k AS ${mysql ? '' : 'MATERIALIZED '}(${keysSql})
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
  readStatements.set(cacheKey, sql);
  return sql;
}

/** keyRanges by period label: a dashboard asks for the same few periods all day. */
const rangesByPeriod = new Map<string, KeyRanges>();
function cachedKeyRanges(period: Period): KeyRanges {
  let r = rangesByPeriod.get(period.label);
  if (!r) {
    r = keyRanges(period);
    if (rangesByPeriod.size > 10_000) rangesByPeriod.clear();
    rangesByPeriod.set(period.label, r);
  }
  return r;
}

/**
 * Reads every figure, as a stock and as a flow, for many (area, period) keys in one SQL
 * statement. Answers come back in key order.
 */
export async function readFigures<M extends string>(db: Db, spec: SummarySpec<M>, keys: readonly SummaryKey[]): Promise<FigureReading<M>[]> {
  // Copying one object literal is several times faster than building 70 properties one by one,
  // and W1 builds 1,400 of these per domain.
  const zeroTemplate = Object.fromEntries(spec.metrics.map((m) => [m, 0])) as FigureValues<M>;
  const readings: (FigureReading<M> | undefined)[] = new Array(keys.length);
  if (keys.length === 0) return [];

  const keyList = keys.map((k, kid) => {
    const r = cachedKeyRanges(k.period);
    return [kid, k.areaCode, r.ycut, r.monthFrom, r.monthTo, r.dayFrom, r.dayTo, r.flowFrom, r.flowTo];
  });
  const result = await db.raw(readStatement(db, spec), [JSON.stringify(keyList)]);
  const rows: Record<string, unknown>[] = isMysql(db) ? result[0] : result;
  const m = spec.metrics;
  for (const row of rows) {
    const figures: Record<string, number> = { ...zeroTemplate };
    // MySQL's SUM is a DECIMAL, which the driver may hand over as a string.
    for (const c of m) figures[c] = Number(row[c] ?? 0);
    const reading = (readings[Number(row.kid)] ??= { stock: undefined as never, flow: undefined as never });
    reading[row.part === 'S' ? 'stock' : 'flow'] = figures as FigureValues<M>;
  }
  const out = readings as FigureReading<M>[];
  for (let i = 0; i < keys.length; i++) {
    const r = (out[i] ??= { stock: undefined as never, flow: undefined as never });
    r.stock ??= { ...zeroTemplate };
    r.flow ??= { ...zeroTemplate };
  }
  return out;
}
