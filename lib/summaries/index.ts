/**
 * Per-unit, per-period summaries of a domain's figures, kept current on every write so that
 * reading a figure never scans the facts behind it.
 *
 * Every figure is a series of signed changes ("deltas") at a date in a cell (a place of
 * lib/areas/placement.ts: an old and a new commune): a citizen registered (+1 population), a
 * parcel digitized (+1 digitizedParcels). A write turns the facts it adds, changes or removes
 * into deltas and adds them to every unit of the cell's chain, in both structures (old commune,
 * district and province; new commune and province; the nation), so a read costs in proportion to
 * the units and periods asked for, whatever the number of facts.
 *
 * Three tables per domain:
 * - `<name>_delta (area_code, bucket, ...)`: the sum of deltas per unit and month (bucket
 *   YYYYMM) and per unit and day (bucket YYYYMMDD); the two key ranges never overlap. A district
 *   or a new commune made of whole old communes reads its days before the reform from those
 *   communes' day rows and keeps only `placed_by_rule` in its own (lib/summaries/day-basis.ts);
 * - `<name>_month (area_code, bucket, ...)`: the running total as of the last day of each
 *   month with any change (bucket YYYYMM), rebuilt for the touched units on every write
 *   (lib/summaries/month-totals.ts);
 * - `<name>_delivery (area_code, delivered_through)`: see lib/summaries/deliveries.ts.
 * `area_code` is the unit's summary key (`Area.key`: the code for three-tier units, `n` + the
 * code for two-tier ones, `VN`), since codes repeat across the structures.
 */
import type { Knex } from 'knex';
import { DeltaBuffer } from './delta-buffer';
import type { FigureDelta, SummarySpec } from './spec';

export * from './spec';
export { DeltaBuffer } from './delta-buffer';
export { rebuildMonthTotals, monthTotalsMigration } from './month-totals';
export { dayBasis, dayBasisMigration } from './day-basis';
export { recordDeliveries, deliveryDates } from './deliveries';
export { keyRanges, readFigures, type FigureReading, type FigureValues, type SummaryKey } from './read';

/**
 * Adds deltas to the summaries of every unit of their cells' chains, and records the cells'
 * communes as delivered through `deliveredThrough`. Run it in the same transaction as the fact
 * writes that caused the deltas, so figures and facts never disagree.
 */
export async function applyDeltas<M extends string>(
  trx: Knex.Transaction,
  spec: SummarySpec<M>,
  deltas: Iterable<FigureDelta<M>>,
  options: { deliveredThrough: string; deferMonthTotals?: boolean; touched?: Iterable<number> },
): Promise<void> {
  const buffer = new DeltaBuffer(trx, spec);
  await buffer.add(deltas);
  for (const cell of options.touched ?? []) buffer.touch(cell);
  await buffer.finish(options);
}
