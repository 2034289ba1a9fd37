/** Batched lookups by a non-key column: one statement for a DataLoader batch, answers in key order. */
import type { Db } from './db';
import type { FactSpec } from './fact-store';

const CHUNK = 500;

/** The facts whose `column` equals each key, ordered by `orderBy`; one list per key, in key order. */
export async function factsByColumn<F, M extends string>(db: Db, spec: FactSpec<F, M>, column: string, keys: readonly string[], orderBy: string): Promise<F[][]> {
  const by = new Map<string, F[]>(keys.map((k) => [k, []]));
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows = await db(spec.table).whereIn(column, keys.slice(i, i + CHUNK)).orderBy(orderBy);
    for (const row of rows) by.get(String(row[column]))?.push(spec.fromRow(row));
  }
  return keys.map((k) => by.get(k)!);
}
