/**
 * The month-end running totals: each figure's total as of the last day of every month in which
 * a unit's figures changed. A stock at a month's (quarter's, year's) end is then one row per
 * unit, found by the key's index; a stock at another day adds that month's days to it.
 *
 * They replaced year-end totals read with the months of the year so far (up to 1 + 12 rows per
 * unit): W1 (696 districts, one month) read seven rows per district and domain for its stocks,
 * now one. The cost is a row per unit and month with changes instead of one per year: Hà Nội's
 * million citizens give 323,100 month rows against 27,400 year rows.
 */
import type { Knex } from 'knex';
import type { Db } from '../db';
import { isMysql } from '../db';
import { columnsOf, deltaTable, FIRST_DAY_BUCKET, monthTable, yearTable, type SummarySpec } from './spec';

const CHUNK = 500;

/**
 * Recomputes the month-end running totals of the given units (all units when omitted, by their
 * summary keys) from their monthly sums.
 */
export async function rebuildMonthTotals(trx: Knex.Transaction | Db, spec: SummarySpec, areaKeys?: string[]): Promise<void> {
  const m = columnsOf(spec);
  const insert = (keys?: string[]) =>
    trx.raw(
      `INSERT INTO ${monthTable(spec)} (area_code, bucket, ${m.join(', ')})
       SELECT area_code, bucket, ${m.map((c) => `SUM(${c}) OVER (PARTITION BY area_code ORDER BY bucket)`).join(', ')}
       FROM ${deltaTable(spec)} WHERE bucket < ${FIRST_DAY_BUCKET}${keys ? ` AND area_code IN (${keys.map(() => '?').join(', ')})` : ''}`,
      keys ?? [],
    );
  if (!areaKeys) {
    await trx(monthTable(spec)).delete();
    await insert();
    return;
  }
  for (let i = 0; i < areaKeys.length; i += CHUNK) {
    const batch = areaKeys.slice(i, i + CHUNK);
    await trx(monthTable(spec)).whereIn('area_code', batch).delete();
    await insert(batch);
  }
}

/** Creates a domain's table of month-end running totals, with the columns its summaries have now. */
export async function createMonthTable(db: Knex, spec: SummarySpec): Promise<void> {
  const columns = columnsOf(spec).map((c) => `${c} BIGINT NOT NULL DEFAULT 0`).join(', ');
  // As the other summary tables: one B-tree in key order on SQLite (lib/summaries/spec.ts).
  await db.raw(`CREATE TABLE ${monthTable(spec)} (area_code VARCHAR(16) NOT NULL, bucket INTEGER NOT NULL, ${columns}, PRIMARY KEY (area_code, bucket))${isMysql(db) ? '' : ' WITHOUT ROWID'}`);
}

/**
 * The migration step to month-end running totals: the table created and filled from the monthly
 * sums already there (no fact is read again), the year-end totals it replaces dropped.
 */
export function monthTotalsMigration(spec: SummarySpec): Knex.Migration {
  return {
    async up(db) {
      await createMonthTable(db, spec);
      await rebuildMonthTotals(db, spec);
      await db.schema.dropTableIfExists(yearTable(spec));
    },
    // Forward only: the monthly sums the year totals were made of are all still there.
    async down() {},
  };
}
