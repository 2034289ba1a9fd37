/**
 * The summary buffer: sums figure deltas per (cell, day) in one typed array and writes the sums
 * out in key order, each unit of each cell's chain (both structures) getting its days and months.
 */
import type { Knex } from 'knex';
import { placements } from '../areas';
import { bulkUpsertFlat } from '../bulk';
import { bucketsOfDays, DAY_BITS, dayIndexOf } from './days';
import { recordDeliveries } from './deliveries';
import { columnsOf, deltaTable, keyColumnOf, type FigureDelta, type SummarySpec } from './spec';
import { rebuildMonthTotals } from './month-totals';

/** The most slots a buffer may have, whatever memory it is given (2^24 slots of residency's 23 Int32s: 1.5 GiB). */
const MAX_SLOTS = 2 ** 24;
const DAY_MASK = (1 << DAY_BITS) - 1;
/** Summary rows per write of a flush (the rows of one area are never split). */
const FLUSH_ROWS = 8192;
/** Sums of one flush stay exact in 32 bits while the deltas added, in absolute value, stay below this. */
const MAX_ABSOLUTE_SUM = 2 ** 31 - 1;

/**
 * Sums deltas per (cell, day) in one typed array (an open-addressing hash table: a slot is a
 * 4-byte key and 4 bytes per figure, side by side so that a key and its sums share a cache line)
 * and writes the sums in key order. A cell is a place of lib/areas/placement.ts: a pair of an old
 * and a new commune, whose chain names every unit it counts in; only the cell is summed per
 * delta, the units when written out. A bulk load feeds one buffer for the whole transaction, so
 * a day of a unit is written once per flush rather than once per batch of facts: a million
 * citizens of one province (Hà Nội) made 9.2 million summary upserts in batches of 20,000, and
 * 2.4 million through a 128 MB buffer (before the second structure). Memory is capped
 * (`maxBytes`); a full buffer writes its sums out and starts over.
 */
export class DeltaBuffer<M extends string = string> {
  private readonly columns: string[];
  private readonly width: number;
  /** Int32s per slot: the key, then the sums. */
  private readonly stride: number;
  private readonly metricIndex: Map<string, number>;
  /** Per column: the index of its cell-key column, or -1 (lib/disclosure). */
  private readonly keyIndex: Int32Array;
  /** Per column: true for a cell-key column (sums modulo 2^16, which Int32 wrap-around keeps). */
  private readonly isKey: Uint8Array;
  private readonly maxSlots: number;
  /** Per slot: (cell << DAY_BITS | day) + 1 (0 is an empty slot), then the sums. */
  private table: Int32Array;
  private slots: number;
  private size = 0;
  private absoluteSum = 0;
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
    options: { maxBytes?: number; summariesEmpty?: boolean; expectedKeys?: number } = {},
  ) {
    this.nextFlushInserts = options.summariesEmpty ?? false;
    this.columns = columnsOf(spec);
    this.width = this.columns.length;
    this.stride = 1 + this.width;
    this.metricIndex = new Map(this.columns.map((m, i) => [m, i]));
    this.keyIndex = Int32Array.from(this.columns, (c) => this.metricIndex.get(keyColumnOf(c)) ?? -1);
    this.isKey = Uint8Array.from(this.columns, (c) => ((spec.protectedMetrics ?? []) as readonly string[]).some((m) => keyColumnOf(m) === c) ? 1 : 0);
    const fits = 2 ** Math.floor(Math.log2((options.maxBytes ?? 64 * 2 ** 20) / (4 * this.stride)));
    this.maxSlots = Math.min(MAX_SLOTS, Math.max(64, fits));
    // Sized for the keys expected, when the caller can tell: growing by doubling from 4,096 slots
    // rehashed every key again at each step: adding Hà Nội's million citizens' 8.2 million deltas
    // (2.16 million keys) took 12.4-14.4 s of CPU that way, 9.2-10.4 s sized at once (best of
    // three, machine under load 13-24).
    const wanted = 2 ** Math.ceil(Math.log2(Math.max(4096, (options.expectedKeys ?? 0) / 0.7)));
    this.slots = Math.min(this.maxSlots, wanted);
    this.table = new Int32Array(this.slots * this.stride);
    this.touched = new Uint8Array(placements().chains.length);
  }

  /** Adds deltas; writes the buffer out first whenever it is full. */
  async add(deltas: Iterable<FigureDelta<M>>): Promise<void> {
    for (const d of deltas) {
      if (d.delta === 0) continue;
      const metric = this.metricIndex.get(d.metric);
      if (metric === undefined) throw new Error(`Unknown figure ${d.metric} for ${this.spec.name}`);
      if (!Number.isInteger(d.delta) || Math.abs(d.delta) > 2 ** 24) throw new Error(`Figure delta ${d.delta} of ${d.metric} is not a whole number of at most 2^24`);
      const day = dayIndexOf(d.date);
      // Every sum written, up to the nation's, is a sum of deltas added: exact in 32 bits
      // while their absolute values add up to less than 2^31.
      if ((this.size + 1) * 10 > this.slots * 7 || this.absoluteSum + Math.abs(d.delta) > MAX_ABSOLUTE_SUM) {
        if (this.slots < this.maxSlots && this.absoluteSum < MAX_ABSOLUTE_SUM / 2) this.grow();
        else await this.flush();
      }
      this.absoluteSum += Math.abs(d.delta);
      this.touched[d.place] = 1;
      const at = this.slotOf((d.place << DAY_BITS) | day) * this.stride + 1;
      this.table[at + metric] += d.delta;
      // The cell key moves by the fact's record key (an Int32 store wraps modulo 2^32: the low 16 bits are exact).
      const key = this.keyIndex[metric];
      if (key >= 0 && d.key !== undefined) this.table[at + key] = (this.table[at + key] + d.delta * d.key) & 0xffff;
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
    const { width, stride, table } = this;
    // The keys alone, sorted natively (each below 2^31), then each key's sums found again by
    // its hash: the table's size is then bounded by memory only, not by bits left beside the key.
    const keys = new Int32Array(this.size);
    let n = 0;
    for (let s = 0; s < this.slots; s++) if (table[s * stride] !== 0) keys[n++] = table[s * stride] - 1;
    keys.sort();
    // The sums in key order, read from the table once: every later pass reads them in order.
    const sorted = new Int32Array(n * width);
    for (let j = 0; j < n; j++) {
      const from = this.slotOf(keys[j]) * stride + 1;
      for (let m = 0; m < width; m++) sorted[j * width + m] = table[from + m];
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
        await writer.area(codes[area], days, daysOf, dayAt, sorted);
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
      await writer.area(codes[area], days, daysOf, dayAt, dense);
      for (let k = 0; k < days; k++) {
        const at = daysOf[k] - minDay;
        seen[at] = 0;
        dense.fill(0, at * width, at * width + width);
      }
    }
    await writer.end();
    table.fill(0);
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

  /** Writes one unit's months and days: the first `days` of `daysOf`, their sums in `from` at `dayAt`. */
  async area(key: string, days: number, daysOf: Int32Array, dayAt: Int32Array, from: Int32Array): Promise<void> {
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
    for (let k = 0; k < days; k++) this.row(key, buckets.day[daysOf[k]], from, dayAt[k]);
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

  private async write(): Promise<void> {
    if (this.length === 0) return;
    await bulkUpsertFlat(this.trx, this.shape, this.values, this.length);
    this.length = 0;
  }
}
