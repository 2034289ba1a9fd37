/**
 * Up to which date each unit's data has been delivered: what tells a figure that is not yet
 * known (a period beyond the last delivery) from one that is.
 *
 * Each write records, for every commune of either structure it covered (facts added, changed,
 * removed or delivered again unchanged), the date its data is current through (an import's
 * `--data-through`, by default today). A unit above them stands at the earliest date of its
 * communes that have data: a province whose districts delivered on different days is known only
 * up to the earliest.
 */
import type { Knex } from 'knex';
import { ancestorsOf, areaByKey, placements } from '../areas';
import { bulkUpsert } from '../bulk';
import { deliveryTable, type SummarySpec } from './spec';

/** The units above a commune (in its own structure), by summary position: cached per commune. */
const aboveCache = new Map<number, number[]>();
function above(leaf: number): number[] {
  let out = aboveCache.get(leaf);
  if (!out) {
    const { keys, positionOfKey } = placements();
    out = ancestorsOf(areaByKey(keys[leaf])!).slice(1).map((a) => positionOfKey.get(a.key)!);
    aboveCache.set(leaf, out);
  }
  return out;
}

export async function recordDeliveries(trx: Knex.Transaction, spec: SummarySpec, leaves: number[], deliveredThrough: string): Promise<void> {
  if (leaves.length === 0) return;
  const { keys, positionOfKey } = placements();
  const table = deliveryTable(spec);
  const rows: { area_code: string; delivered_through: string }[] = await trx(table).select('area_code', 'delivered_through');
  const before = new Map(rows.map((r) => [r.area_code, r.delivered_through]));
  const dates = new Map(before);
  for (const leaf of leaves) {
    const key = keys[leaf];
    const known = dates.get(key);
    if (!known || known < deliveredThrough) dates.set(key, deliveredThrough);
  }
  // Units above: the earliest date of their communes with data (both structures share the nation).
  const earliest = new Map<number, string>();
  for (const [key, date] of dates) {
    const leaf = positionOfKey.get(key);
    const area = leaf === undefined ? undefined : areaByKey(key);
    if (!area || area.level === 'PROVINCE' || area.level === 'NATION' || (area.level === 'DISTRICT' && area.childIds.length > 0)) continue;
    for (const up of above(leaf!)) {
      const known = earliest.get(up);
      if (!known || date < known) earliest.set(up, date);
    }
  }
  for (const [position, date] of earliest) dates.set(keys[position], date);
  const changed = [...dates].filter(([k, d]) => before.get(k) !== d).map(([area_code, delivered_through]) => ({ area_code, delivered_through }));
  await bulkUpsert(trx, { table, key: ['area_code'], columns: ['area_code', 'delivered_through'], onConflict: 'replace' }, changed);
}

/** Every unit's delivery date (tests and the upgrade notes). */
export async function deliveryDates(db: Knex, spec: SummarySpec): Promise<Map<string, string>> {
  const rows: { area_code: string; delivered_through: string }[] = await db(deliveryTable(spec)).select('area_code', 'delivered_through');
  return new Map(rows.map((r) => [r.area_code, r.delivered_through]));
}
