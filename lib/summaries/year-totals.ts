/** The year-end running totals: what lets a stock be read from a few rows whatever the dates. */
import type { Knex } from 'knex';
import type { Db } from '../db';
import { columnsOf, deltaTable, yearTable, type SummarySpec } from './spec';

const CHUNK = 500;

/**
 * Recomputes the year-end running totals of the given units (all units when omitted, by their
 * summary keys) from their monthly sums.
 */
export async function rebuildYearTotals(trx: Knex.Transaction | Db, spec: SummarySpec, areaKeys?: string[]): Promise<void> {
  const m = columnsOf(spec);
  const insert = (keys?: string[]) =>
    trx.raw(
      `INSERT INTO ${yearTable(spec)} (area_code, year, ${m.join(', ')})
       SELECT area_code, yr, ${m.map((c) => `SUM(SUM(${c})) OVER (PARTITION BY area_code ORDER BY yr)`).join(', ')}
       FROM (SELECT area_code, (bucket - bucket % 100) / 100 AS yr, ${m.join(', ')}
             FROM ${deltaTable(spec)} WHERE bucket < 1000000${keys ? ` AND area_code IN (${keys.map(() => '?').join(', ')})` : ''}) months
       GROUP BY area_code, yr`,
      keys ?? [],
    );
  if (!areaKeys) {
    await trx(yearTable(spec)).delete();
    await insert();
    return;
  }
  for (let i = 0; i < areaKeys.length; i += CHUNK) {
    const batch = areaKeys.slice(i, i + CHUNK);
    await trx(yearTable(spec)).whereIn('area_code', batch).delete();
    await insert(batch);
  }
}
