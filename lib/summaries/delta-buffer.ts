/**
 * The summary buffer: keeps figure deltas as a log, then sums them per (cell, day) cell by cell
 * and writes the sums out in key order, each unit of each cell's chain (both structures) getting
 * its days and months.
 */
import type { Knex } from 'knex';
import { placements } from '../areas';
import { bulkUpsertFlat } from '../bulk';
import { dayBasis, OWN_DAYS_FROM } from './day-basis';
import { bucketsOfDays, DAY_BITS, DAYS, dayIndexOf } from './days';
import { recordDeliveries } from './deliveries';
import { columnsOf, deltaTable, keyColumnOf, type FigureDelta, type SummarySpec } from './spec';
import { rebuildMonthTotals } from './month-totals';

/** Bytes one delta takes in the log: its (cell, day) key, its delta and record key, its figure. */
const BYTES_PER_DELTA = 4 + 4 + 4 + 1;
/** The most deltas a log may hold, whatever memory it is given. */
const MAX_DELTAS = 2 ** 26;
const DAY_MASK = (1 << DAY_BITS) - 1;
/** Summary rows per write of a flush (the rows of one area are never split). */
const FLUSH_ROWS = 8192;
/** Sums of one flush stay exact in 32 bits while the deltas added, in absolute value, stay below this. */
const MAX_ABSOLUTE_SUM = 2 ** 31 - 1;

/**
 * Keeps deltas as a log in typed arrays, written in order as they come; a flush sorts the log by
 * cell (a counting sort: one pass to count, one to place), sums each cell's deltas into one
 * dense array of its days (small enough to stay in the processor's cache) and writes the sums
 * in key order. A cell is a place of lib/areas/placement.ts: a pair of an old and a new commune,
 * whose chain names every unit it counts in; only the cell is summed per delta, the units when
 * written out. A bulk load feeds one buffer for the whole transaction, so a day of a unit is
 * written once per flush rather than once per batch of facts.
 *
 * An earlier buffer summed each delta at once into a hash table of (cell, day) slots: Hà Nội's
 * million citizens filled 2.16 million slots of 96 bytes, 400 MB touched at random, and adding
 * their 8.2 million deltas cost more CPU than SQLite took to store the summaries. Memory is
 * capped (`maxBytes`); a full log writes its sums out and starts over.
 */
export class DeltaBuffer<M extends string = string> {
  private readonly columns: string[];
  private readonly width: number;
  private readonly metricIndex: Map<string, number>;
  /** Per column: the index of its cell-key column, or -1 (lib/disclosure). */
  private readonly keyIndex: Int32Array;
  /** Per column: true for a cell-key column (sums modulo 2^16, which Int32 wrap-around keeps). */
  private readonly isKey: Uint8Array;
  private readonly maxDeltas: number;
  /** The log: per delta, (cell << DAY_BITS | day), the delta, the fact's record key (or 0), the figure. */
  private keys: Int32Array;
  private deltas: Int32Array;
  private recordKeys: Int32Array;
  private metrics: Uint8Array;
  private size = 0;
  private absoluteSum = 0;
  /** The last date read and its day: a fact's deltas mostly share a few dates. */
  private lastDate = '';
  private lastDay = 0;
  /** The cells deltas were added to (or facts written unchanged in), flushed or not. */
  private readonly touched: Uint8Array;
  /**
   * True while the summaries are known to hold none of the rows a flush writes (the first flush
   * into empty summary tables): they go in as plain inserts, which MySQL loads in bulk.
   */
  private nextFlushInserts: boolean;

  constructor(
    private readonly trx: Knex.Transaction,
    private readonly spec: SummarySpec<M>,
    options: { maxBytes?: number; summariesEmpty?: boolean; expectedDeltas?: number } = {},
  ) {
    this.nextFlushInserts = options.summariesEmpty ?? false;
    this.columns = columnsOf(spec);
    this.width = this.columns.length;
    if (this.width > 255) throw new Error(`${spec.name}: ${this.width} summary columns; the buffer numbers them in one byte`);
    this.metricIndex = new Map(this.columns.map((m, i) => [m, i]));
    this.keyIndex = Int32Array.from(this.columns, (c) => this.metricIndex.get(keyColumnOf(c)) ?? -1);
    this.isKey = Uint8Array.from(this.columns, (c) => ((spec.protectedMetrics ?? []) as readonly string[]).some((m) => keyColumnOf(m) === c) ? 1 : 0);
    // At worst every delta has a (cell, day) key of its own: a flush then needs, per delta, its
    // place in the sorted order, its key and a row of sums besides the log itself.
    const worstBytesPerDelta = BYTES_PER_DELTA + 4 + 4 + 4 * this.width;
    this.maxDeltas = Math.min(MAX_DELTAS, Math.max(64, Math.floor((options.maxBytes ?? 64 * 2 ** 20) / worstBytesPerDelta)));
    // Sized for the deltas expected when the caller can tell; doubled when more come.
    const capacity = Math.min(this.maxDeltas, Math.max(4096, Math.ceil(options.expectedDeltas ?? 0)));
    this.keys = new Int32Array(capacity);
    this.deltas = new Int32Array(capacity);
    this.recordKeys = new Int32Array(capacity);
    this.metrics = new Uint8Array(capacity);
    this.touched = new Uint8Array(placements().chains.length);
  }

  /** Adds deltas; writes the buffer out first whenever it is full. */
  async add(deltas: Iterable<FigureDelta<M>>): Promise<void> {
    for (const d of deltas) {
      if (d.delta === 0) continue;
      const metric = this.metricIndex.get(d.metric);
      if (metric === undefined) throw new Error(`Unknown figure ${d.metric} for ${this.spec.name}`);
      if (!Number.isInteger(d.delta) || Math.abs(d.delta) > 2 ** 24) throw new Error(`Figure delta ${d.delta} of ${d.metric} is not a whole number of at most 2^24`);
      if (d.date !== this.lastDate) {
        this.lastDay = dayIndexOf(d.date);
        this.lastDate = d.date;
      }
      // Every sum written, up to the nation's, is a sum of deltas added: exact in 32 bits
      // while their absolute values add up to less than 2^31.
      if (this.size === this.keys.length || this.absoluteSum + Math.abs(d.delta) > MAX_ABSOLUTE_SUM) {
        if (this.size < this.maxDeltas && this.size === this.keys.length && this.absoluteSum + Math.abs(d.delta) <= MAX_ABSOLUTE_SUM) this.grow();
        else await this.flush();
      }
      const i = this.size++;
      this.absoluteSum += Math.abs(d.delta);
      this.touched[d.place] = 1;
      this.keys[i] = (d.place << DAY_BITS) | this.lastDay;
      this.deltas[i] = d.delta;
      this.metrics[i] = metric;
      // The cell key moves by delta × the fact's record key (lib/disclosure).
      this.recordKeys[i] = this.keyIndex[metric] >= 0 && d.key !== undefined ? d.key : 0;
    }
  }

  /** Notes a cell a write covered without changing its figures (a fact delivered again, unchanged). */
  touch(cell: number): void {
    this.touched[cell] = 1;
  }

  /**
   * Writes every sum to the summaries and empties the buffer: for each unit of the touched cells'
   * chains, in key order, its months (each the sum of its days) then its days.
   */
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const { keys: codes, chains } = placements();
    const { width, keyIndex } = this;
    const size = this.size;
    // The log sorted by cell, in the order the deltas came (a counting sort).
    const cells = chains.length;
    const start = new Int32Array(cells + 1);
    for (let i = 0; i < size; i++) start[(this.keys[i] >>> DAY_BITS) + 1]++;
    for (let c = 0; c < cells; c++) start[c + 1] += start[c];
    const order = new Int32Array(size);
    const next = start.slice(0, cells);
    for (let i = 0; i < size; i++) order[next[this.keys[i] >>> DAY_BITS]++] = i;
    // Each cell's deltas summed per day in a dense array of its days, then its days with a
    // delta, in order: `keys` and their sums (`sorted`) in key order, as every later pass reads them.
    // Room for a (cell, day) key per three deltas, doubled when more are needed (Hà Nội's
    // million citizens: 8.2 million deltas on 2.16 million keys).
    let keys = new Int32Array(Math.min(size, 1024 + Math.ceil(size / 3)));
    let sorted = new Int32Array(keys.length * width);
    let n = 0;
    let sums = new Int32Array(0);
    let dayHit = new Uint8Array(0);
    for (let cell = 0; cell < cells; cell++) {
      const from = start[cell];
      const to = start[cell + 1];
      if (from === to) continue;
      let first = DAYS;
      let last = -1;
      for (let j = from; j < to; j++) {
        const day = this.keys[order[j]] & DAY_MASK;
        if (day < first) first = day;
        if (day > last) last = day;
      }
      const span = last - first + 1;
      if (dayHit.length < span) {
        dayHit = new Uint8Array(span);
        sums = new Int32Array(span * width);
      }
      for (let j = from; j < to; j++) {
        const i = order[j];
        const day = (this.keys[i] & DAY_MASK) - first;
        const at = day * width;
        const metric = this.metrics[i];
        dayHit[day] = 1;
        sums[at + metric] += this.deltas[i];
        const key = keyIndex[metric];
        if (key >= 0) sums[at + key] = (sums[at + key] + this.deltas[i] * this.recordKeys[i]) & 0xffff;
      }
      const cellKey = cell << DAY_BITS;
      for (let day = 0; day < span; day++) {
        if (!dayHit[day]) continue;
        dayHit[day] = 0;
        if (n === keys.length) {
          const more = Math.min(size, keys.length * 2);
          keys = copyInto(keys, new Int32Array(more));
          sorted = copyInto(sorted, new Int32Array(more * width));
        }
        keys[n] = cellKey | (day + first);
        const at = day * width;
        const out = n * width;
        for (let m = 0; m < width; m++) {
          sorted[out + m] = sums[at + m];
          sums[at + m] = 0;
        }
        n++;
      }
    }
    // Each cell's days are consecutive in `keys`: a run. Each unit sums the runs of the cells it is in.
    const runsOfArea = new Map<number, number[]>();
    let minDay = Infinity;
    let maxDay = -Infinity;
    for (let i = 0; i < n; ) {
      const cell = keys[i] >>> DAY_BITS;
      const start = i;
      while (i < n && keys[i] >>> DAY_BITS === cell) i++;
      minDay = Math.min(minDay, keys[start] & DAY_MASK);
      maxDay = Math.max(maxDay, keys[i - 1] & DAY_MASK);
      for (const area of chains[cell]) {
        let runs = runsOfArea.get(area);
        if (!runs) runsOfArea.set(area, (runs = []));
        runs.push(start, i);
      }
    }
    const writer = new SummaryWriter(this.trx, this.spec, width, this.isKey, this.nextFlushInserts ? 'fail' : 'add');
    // A derived unit's day rows before the reform keep placed_by_rule alone (lib/summaries/day-basis.ts).
    const { basisOf } = dayBasis();
    this.nextFlushInserts = false;
    const span = maxDay - minDay + 1;
    const dense = new Int32Array(span * width);
    const seen = new Uint8Array(span);
    const daysOf = new Int32Array(span);
    const dayAt = new Int32Array(span);
    for (const area of [...runsOfArea.keys()].sort((a, b) => a - b)) {
      const runs = runsOfArea.get(area)!;
      let days = 0;
      if (runs.length === 2) {
        // One cell: its sums are the unit's, already in day order.
        for (let j = runs[0]; j < runs[1]; j++) {
          daysOf[days] = keys[j] & DAY_MASK;
          dayAt[days++] = j * width;
        }
        await writer.area(codes[area], days, daysOf, dayAt, sorted, basisOf[area] !== undefined);
        continue;
      }
      for (let r = 0; r < runs.length; r += 2) {
        for (let j = runs[r]; j < runs[r + 1]; j++) {
          const at = (keys[j] & DAY_MASK) - minDay;
          if (!seen[at]) {
            seen[at] = 1;
            daysOf[days++] = at;
          }
          for (let m = 0; m < width; m++) dense[at * width + m] += sorted[j * width + m];
        }
      }
      daysOf.subarray(0, days).sort();
      for (let k = 0; k < days; k++) {
        dayAt[k] = daysOf[k] * width;
        daysOf[k] += minDay;
      }
      await writer.area(codes[area], days, daysOf, dayAt, dense, basisOf[area] !== undefined);
      for (let k = 0; k < days; k++) {
        const at = daysOf[k] - minDay;
        seen[at] = 0;
        dense.fill(0, at * width, at * width + width);
      }
    }
    await writer.end();
    this.size = 0;
    this.absoluteSum = 0;
  }

  /** Every unit of the touched cells' chains: the ones whose month totals are stale. */
  touchedAreaKeys(): string[] {
    const { keys, chains } = placements();
    const areas = new Uint8Array(keys.length);
    for (let c = 0; c < this.touched.length; c++) if (this.touched[c]) for (const a of chains[c]) areas[a] = 1;
    const out: string[] = [];
    for (let a = 0; a < areas.length; a++) if (areas[a]) out.push(keys[a]);
    return out;
  }

  /** The communes (both structures) of the touched cells: what the write delivered data for. */
  touchedLeaves(): number[] {
    const { leaves } = placements();
    const out = new Set<number>();
    for (let c = 0; c < this.touched.length; c++) {
      const pair = this.touched[c] ? leaves[c] : undefined;
      if (pair) out.add(pair[0]).add(pair[1]);
    }
    return [...out];
  }

  /**
   * Ends a write: the sums written out, the month totals of every touched unit rebuilt, and the
   * touched communes recorded as delivered through `deliveredThrough`.
   */
  async finish(options: { deliveredThrough: string; deferMonthTotals?: boolean }): Promise<void> {
    await this.flush();
    if (!options.deferMonthTotals) await rebuildMonthTotals(this.trx, this.spec, this.touchedAreaKeys());
    await recordDeliveries(this.trx, this.spec, this.touchedLeaves(), options.deliveredThrough);
  }

  /** Doubles the log's room, keeping what it holds. */
  private grow(): void {
    const capacity = Math.min(this.maxDeltas, this.keys.length * 2);
    this.keys = copyInto(this.keys, new Int32Array(capacity));
    this.deltas = copyInto(this.deltas, new Int32Array(capacity));
    this.recordKeys = copyInto(this.recordKeys, new Int32Array(capacity));
    this.metrics = copyInto(this.metrics, new Uint8Array(capacity));
  }
}

/** `to`, holding `from` at its start. */
function copyInto<T extends Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * Writes one unit after another: rows go straight into one reused array, written out between
 * units when full (building a fresh array of rows per write cost as much as SQLite took to store them).
 */
class SummaryWriter {
  private readonly rowWidth: number;
  private readonly values: unknown[];
  private length = 0;
  private readonly shape: Parameters<typeof bulkUpsertFlat>[1];
  /** One unit's months: their buckets and sums (in 32 bits, as the days: see MAX_ABSOLUTE_SUM). */
  private monthBuckets = new Int32Array(1024);
  private monthSums: Int32Array;

  constructor(private readonly trx: Knex.Transaction, spec: SummarySpec, private readonly width: number, private readonly isKey: Uint8Array, onConflict: 'add' | 'fail') {
    this.rowWidth = 2 + width;
    this.values = new Array(FLUSH_ROWS * this.rowWidth);
    this.shape = { table: deltaTable(spec), key: ['area_code', 'bucket'], columns: ['area_code', 'bucket', ...columnsOf(spec)], onConflict };
    this.monthSums = new Int32Array(1024 * width);
  }

  /**
   * Writes one unit's months and days: the first `days` of `daysOf`, their sums in `from` at
   * `dayAt`; a derived unit's days before the reform with placed_by_rule alone (lib/summaries/day-basis.ts).
   */
  async area(key: string, days: number, daysOf: Int32Array, dayAt: Int32Array, from: Int32Array, derived: boolean): Promise<void> {
    const { width } = this;
    const buckets = bucketsOfDays();
    if (this.length > 0 && this.length + 2 * days * this.rowWidth > FLUSH_ROWS * this.rowWidth) await this.write();
    if (this.monthBuckets.length < days) {
      this.monthBuckets = new Int32Array(days);
      this.monthSums = new Int32Array(days * width);
    }
    const { monthBuckets, monthSums } = this;
    let months = 0;
    for (let k = 0; k < days; k++) {
      const month = buckets.month[daysOf[k]];
      if (months === 0 || monthBuckets[months - 1] !== month) {
        monthBuckets[months] = month;
        monthSums.fill(0, months * width, (months + 1) * width);
        months++;
      }
      const at = (months - 1) * width;
      const sums = dayAt[k];
      for (let m = 0; m < width; m++) monthSums[at + m] += from[sums + m];
    }
    for (let k = 0; k < months; k++) this.row(key, monthBuckets[k], monthSums, k * width);
    if (!derived) for (let k = 0; k < days; k++) this.row(key, buckets.day[daysOf[k]], from, dayAt[k]);
    else {
      for (let k = 0; k < days; k++) {
        const day = buckets.day[daysOf[k]];
        if (day >= OWN_DAYS_FROM) this.row(key, day, from, dayAt[k]);
        else this.ruleRow(key, day, from[dayAt[k] + width - 1]);
      }
    }
  }

  async end(): Promise<void> {
    await this.write();
  }

  private row(area: string, bucket: number, from: Int32Array, at: number): void {
    const { width, values, isKey } = this;
    // Sums that cancel out (a date moved within a month) leave nothing to add.
    let m = 0;
    while (m < width && (isKey[m] ? from[at + m] & 0xffff : from[at + m]) === 0) m++;
    if (m === width) return;
    values[this.length++] = area;
    values[this.length++] = bucket;
    for (m = 0; m < width; m++) values[this.length++] = isKey[m] ? from[at + m] & 0xffff : from[at + m];
  }

  /** A row of placed_by_rule alone (the last column), unless it is zero. */
  private ruleRow(area: string, bucket: number, placedByRule: number): void {
    if (placedByRule === 0) return;
    const { width, values } = this;
    values[this.length++] = area;
    values[this.length++] = bucket;
    for (let m = 0; m < width - 1; m++) values[this.length++] = 0;
    values[this.length++] = placedByRule;
  }

  private async write(): Promise<void> {
    if (this.length === 0) return;
    await bulkUpsertFlat(this.trx, this.shape, this.values, this.length);
    this.length = 0;
  }
}
