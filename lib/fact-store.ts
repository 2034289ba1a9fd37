/**
 * Writing facts (one row per person or record) together with the summaries they move. Every
 * domain writes through `upsertFacts`: it reads the rows being replaced, turns the change into
 * figure deltas (the new fact's minus the old one's) and applies both in the caller's
 * transaction. Re-writing an identical fact changes nothing; updating one moves the figures.
 */
import type { Knex } from 'knex';
import type { Db } from './db';
import { bulkUpsert } from './bulk';
import { applyDeltas, type DeltaBuffer, type FigureDelta, type SummarySpec } from './summary-store';

export interface FactSpec<F, M extends string> {
  /** The facts table. */
  table: string;
  /** Its primary key column. */
  key: string;
  summary: SummarySpec<M>;
  /** The fact's id. */
  idOf(fact: F): string;
  toRow(fact: F): Record<string, string | number | null>;
  fromRow(row: Record<string, unknown>): F;
  /** What the fact adds to the figures while it exists. */
  deltasOf(fact: F): FigureDelta<M>[];
  /**
   * A many-valued field (the persons a record names) indexed in a table of its own,
   * `(key, column)`, so that facts can be found by it. The fact's row keeps the full value too.
   */
  links?: { table: string; column: string; valuesOf(fact: F): string[] };
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

const CHUNK = 500;

export async function upsertFacts<F, M extends string>(
  trx: Knex.Transaction,
  spec: FactSpec<F, M>,
  facts: readonly F[],
  options: {
    deferYearTotals?: boolean;
    /** The table is known to hold none of these ids: skip reading them. */
    allNew?: boolean;
    /**
     * Sum the figure deltas into this buffer instead of writing them at the end of the call: a
     * bulk load passes one for all its calls, then flushes it and rebuilds the year totals of
     * its touched areas before committing.
     */
    summaries?: DeltaBuffer<M>;
  } = {},
): Promise<UpsertResult> {
  const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0 };
  const deltas: FigureDelta<M>[] = [];
  for (let i = 0; i < facts.length; i += CHUNK) {
    const batch = facts.slice(i, i + CHUNK);
    const existing = new Map<string, Record<string, unknown>>();
    if (!options.allNew) {
      const rows = await trx(spec.table).whereIn(spec.key, batch.map((f) => spec.idOf(f)));
      for (const row of rows) existing.set(String(row[spec.key]), row);
    }
    const changed = new Map<string, Record<string, string | number | null>>();
    for (const fact of batch) {
      const row = spec.toRow(fact);
      const old = existing.get(spec.idOf(fact));
      if (old && Object.keys(row).every((c) => String(old[c] ?? '') === String(row[c] ?? ''))) {
        result.unchanged++;
        continue;
      }
      if (old) {
        result.updated++;
        for (const d of spec.deltasOf(spec.fromRow(old))) deltas.push({ ...d, delta: -d.delta });
      } else {
        result.inserted++;
      }
      deltas.push(...spec.deltasOf(fact));
      changed.set(spec.idOf(fact), row);
      // A later fact in the same call with the same id replaces this one.
      existing.set(spec.idOf(fact), row);
    }
    if (changed.size) {
      const rows = [...changed.values()];
      await bulkUpsert(trx, { table: spec.table, key: [spec.key], columns: Object.keys(rows[0]), onConflict: 'replace' }, rows);
      if (spec.links) await writeLinks(trx, spec, batch.filter((f) => changed.has(spec.idOf(f))), options.allNew);
    }
  }
  if (options.summaries) await options.summaries.add(deltas);
  else await applyDeltas(trx, spec.summary, deltas, { deferYearTotals: options.deferYearTotals });
  return result;
}

/** Reads facts by id, one statement per 500 ids; answers in id order, null where there is none. */
export async function getFacts<F, M extends string>(db: Db, spec: FactSpec<F, M>, ids: readonly string[]): Promise<(F | null)[]> {
  const found = new Map<string, F>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db(spec.table).whereIn(spec.key, ids.slice(i, i + CHUNK));
    for (const row of rows) found.set(String(row[spec.key]), spec.fromRow(row));
  }
  return ids.map((id) => found.get(id) ?? null);
}

async function writeLinks<F, M extends string>(trx: Knex.Transaction, spec: FactSpec<F, M>, facts: F[], allNew?: boolean): Promise<void> {
  const links = spec.links!;
  const latest = new Map(facts.map((f) => [spec.idOf(f), f]));
  if (!allNew) await trx(links.table).whereIn(spec.key, [...latest.keys()]).delete();
  const rows = [...latest.values()].flatMap((f) => [...new Set(links.valuesOf(f))].map((v) => ({ [spec.key]: spec.idOf(f), [links.column]: v })));
  for (let i = 0; i < rows.length; i += CHUNK) await trx(links.table).insert(rows.slice(i, i + CHUNK));
}
