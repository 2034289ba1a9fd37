/**
 * Writing facts (one row per person or record) together with the summaries they move. Every
 * domain writes through `upsertFacts`: it reads the rows being replaced, turns the change into
 * figure deltas (the new fact's minus the old one's) and applies both in the caller's
 * transaction. Re-writing an identical fact changes nothing; updating one moves the figures;
 * `deleteFacts` takes a fact's figures away with it.
 */
import type { Knex } from 'knex';
import type { Placement } from './areas';
import type { Db } from './db';
import { bulkUpsert, rowsByKey } from './bulk';
import { todayInVietnam } from './today';
import { recordKey } from './disclosure/record-keys';
import { applyDeltas, DeltaBuffer, PLACED_BY_RULE, deltaTable, yearTable, monthTable, deliveryTable, rebuildMonthTotals, type FigureDelta, type SummarySpec } from './summaries';
import { primaryKeyIsTheTable } from './dialect';

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
  /** Where the fact counts now (lib/areas placeOf): what a write of it, even unchanged, delivers data for. */
  placementOf(fact: F): Placement;
  /**
   * What the fact adds to the figures while it exists, each delta in its placement's cell, and
   * `placed_by_rule` where it was placed by rule (`ruleDelta`).
   */
  deltasOf(fact: F): FigureDelta<M>[];
  /**
   * A many-valued field (the persons a record names) indexed in a table of its own,
   * `(key, column)`, so that facts can be found by it. The fact's row keeps the full value too.
   */
  links?: { table: string; column: string; valuesOf(fact: F): string[] };
}

/** A fact's deltas, each carrying the fact's record key (lib/disclosure/record-keys.ts). */
function keyedDeltas<F, M extends string>(spec: FactSpec<F, M>, fact: F, sign = 1): FigureDelta<M>[] {
  const key = recordKey(spec.table, spec.idOf(fact));
  const deltas = spec.deltasOf(fact);
  for (const d of deltas) {
    d.key = key;
    if (sign < 0) d.delta = -d.delta;
  }
  return deltas;
}

/** Counts a fact placed by rule (from `date` on) in the units its placement chose by rule. */
export function ruleDelta(out: FigureDelta<any>[], placement: Placement, date: string): void {
  if (placement.ruleCell >= 0) out.push({ place: placement.ruleCell, date, metric: PLACED_BY_RULE, delta: 1 });
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
    deferMonthTotals?: boolean;
    /**
     * The table is known to hold none of these ids: skip reading them, and insert the rows
     * plainly (an id already there is an error), which also works while the key's unique index
     * is dropped for a bulk load (`keyAsUniqueIndex`).
     */
    allNew?: boolean;
    /**
     * Sum the figure deltas into this buffer instead of writing them at the end of the call: a
     * bulk load passes one for all its calls, then finishes it (sums written, month totals of
     * its touched units rebuilt, deliveries recorded) before committing.
     */
    summaries?: DeltaBuffer<M>;
    /** The date the written data is current through (lib/summaries/deliveries.ts); today in Viet Nam by default. */
    deliveredThrough?: string;
  } = {},
): Promise<UpsertResult> {
  const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0 };
  const deltas: FigureDelta<M>[] = [];
  const touched: number[] = [];
  // Into a table with rows, in key order: each chunk's reads and writes land on neighbouring
  // pages of the key's index (a second province's million citizens: 17.3-17.9 s -> 15.4-16.1). A stable sort
  // keeps facts with the same id in their order, the later one winning as before.
  if (!options.allNew) facts = sortedById(spec, facts);
  for (let i = 0; i < facts.length; i += CHUNK) {
    const batch = facts.slice(i, i + CHUNK);
    const existing = new Map<string, Record<string, unknown>>();
    if (!options.allNew) {
      const rows = await rowsByKey(trx, spec.table, spec.key, batch.map((f) => spec.idOf(f)));
      for (const row of rows) existing.set(String(row[spec.key]), row);
    }
    const changed = new Map<string, Record<string, string | number | null>>();
    for (const fact of batch) {
      const row = spec.toRow(fact);
      const old = existing.get(spec.idOf(fact));
      if (old && Object.keys(row).every((c) => String(old[c] ?? '') === String(row[c] ?? ''))) {
        result.unchanged++;
        // Delivered again: its units' data is current through this delivery.
        const cell = spec.placementOf(fact).cell;
        if (options.summaries) options.summaries.touch(cell);
        else touched.push(cell);
        continue;
      }
      if (old) {
        result.updated++;
        deltas.push(...keyedDeltas(spec, spec.fromRow(old), -1));
      } else {
        result.inserted++;
      }
      deltas.push(...keyedDeltas(spec, fact));
      changed.set(spec.idOf(fact), row);
      // A later fact in the same call with the same id replaces this one.
      existing.set(spec.idOf(fact), row);
    }
    if (changed.size) {
      const rows = [...changed.values()];
      await bulkUpsert(trx, { table: spec.table, key: [spec.key], columns: Object.keys(rows[0]), onConflict: options.allNew ? 'fail' : 'replace' }, rows);
      if (spec.links) await writeLinks(trx, spec, batch.filter((f) => changed.has(spec.idOf(f))), options.allNew);
    }
  }
  if (options.summaries) await options.summaries.add(deltas);
  else await applyDeltas(trx, spec.summary, deltas, { deferMonthTotals: options.deferMonthTotals, touched, deliveredThrough: options.deliveredThrough ?? todayInVietnam() });
  return result;
}

/**
 * Deletes facts by id (records entered by mistake), taking their figures away with them.
 * Answers the ids that were not there.
 */
export async function deleteFacts<F, M extends string>(trx: Knex.Transaction, spec: FactSpec<F, M>, ids: readonly string[], options: { summaries?: DeltaBuffer<M>; deliveredThrough?: string } = {}): Promise<{ deleted: number; missing: string[] }> {
  const deltas: FigureDelta<M>[] = [];
  const missing: string[] = [];
  let deleted = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const batch = ids.slice(i, i + CHUNK);
    const rows = await rowsByKey(trx, spec.table, spec.key, batch);
    const found = new Set(rows.map((r) => String(r[spec.key])));
    missing.push(...batch.filter((id) => !found.has(id)));
    for (const row of rows) deltas.push(...keyedDeltas(spec, spec.fromRow(row), -1));
    if (found.size) {
      await trx(spec.table).whereIn(spec.key, [...found]).delete();
      if (spec.links) await trx(spec.links.table).whereIn(spec.key, [...found]).delete();
      deleted += found.size;
    }
  }
  if (options.summaries) await options.summaries.add(deltas);
  else await applyDeltas(trx, spec.summary, deltas, { deliveredThrough: options.deliveredThrough ?? todayInVietnam() });
  return { deleted, missing };
}

/**
 * Recomputes a domain's summaries from its facts (a migration step, for summaries whose shape
 * changed): every summary row and delivery date is dropped, the facts are read in key order and
 * their deltas summed again; each unit with data is recorded as delivered through the latest
 * date any fact of the domain mentions (the best an upgrade can know).
 */
export async function rebuildSummaries<F, M extends string>(db: Knex, spec: FactSpec<F, M>): Promise<void> {
  const summary = spec.summary;
  // Run by migrations written before the month totals existed (and the year totals stopped):
  // each table is emptied only if this database has it, and the month totals, once they exist,
  // are rebuilt whole at the end (their own migration fills them otherwise).
  const monthTotals = await db.schema.hasTable(monthTable(summary));
  for (const table of [deltaTable(summary), yearTable(summary), monthTable(summary), deliveryTable(summary)]) if (await db.schema.hasTable(table)) await db(table).delete();
  const run = async (trx: Knex.Transaction) => {
    const buffer = new DeltaBuffer(trx, summary, { maxBytes: 512 * 2 ** 20 });
    let latest = '';
    let after: string | null = null;
    for (;;) {
      const query = trx(spec.table).orderBy(spec.key).limit(20_000);
      if (after !== null) query.where(spec.key, '>', after);
      const rows: Record<string, unknown>[] = await query;
      if (rows.length === 0) break;
      const deltas = rows.flatMap((r) => keyedDeltas(spec, spec.fromRow(r)));
      for (const d of deltas) if (d.date > latest) latest = d.date;
      await buffer.add(deltas);
      after = String(rows[rows.length - 1][spec.key]);
    }
    if (latest) await buffer.finish({ deliveredThrough: latest, deferMonthTotals: true });
    if (monthTotals) await rebuildMonthTotals(trx, summary);
  };
  // A migration runs in a transaction on SQLite (knex); MySQL commits DDL as it goes.
  if ((db as Knex.Transaction).isTransaction) await run(db as Knex.Transaction);
  else await db.transaction(run);
}

function sortedById<F, M extends string>(spec: FactSpec<F, M>, facts: readonly F[]): readonly F[] {
  const keyed = facts.map((fact) => ({ id: spec.idOf(fact), fact }));
  keyed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return keyed.map((k) => k.fact);
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
  // The fact's old links are gone: every row is new.
  await bulkUpsert(trx, { table: links.table, key: [spec.key, links.column], columns: [spec.key, links.column], onConflict: 'fail' }, rows);
}

/**
 * A migration step: on SQLite, turns a table's primary key into a unique index of its own,
 * `<table>_key`, with the same columns, so that a bulk load into the empty table can drop it
 * and build it once at the end from sorted keys. (SQLite cannot drop the index behind a
 * PRIMARY KEY; a million rows of citizens' shape inserted in random key order took 5.4 s with
 * it and 1.3 s without, and building the index afterwards 0.3-1.0 s.) The table is rebuilt with the same columns,
 * rows and other indexes. MySQL keeps its primary key: InnoDB stores a table's rows in it.
 */
export async function keyAsUniqueIndex(db: Knex, table: string): Promise<void> {
  if (primaryKeyIsTheTable(db)) return;
  const columns: { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[] = await db.raw(`PRAGMA table_info(${quote(table)})`);
  const key = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
  if (key.length === 0) throw new Error(`keyAsUniqueIndex: ${table} has no primary key`);
  const indexes: { sql: string }[] = await db.raw("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [table]);
  const rebuilt = `${table}__rebuilt`;
  const definitions = columns.map((c) => `${quote(c.name)} ${c.type}${c.notnull ? ' NOT NULL' : ''}${c.dflt_value !== null ? ` DEFAULT ${c.dflt_value}` : ''}`);
  await db.raw(`CREATE TABLE ${quote(rebuilt)} (${definitions.join(', ')})`);
  const names = columns.map((c) => quote(c.name)).join(', ');
  await db.raw(`INSERT INTO ${quote(rebuilt)} (${names}) SELECT ${names} FROM ${quote(table)}`);
  await db.raw(`DROP TABLE ${quote(table)}`);
  await db.raw(`ALTER TABLE ${quote(rebuilt)} RENAME TO ${quote(table)}`);
  await db.raw(`CREATE UNIQUE INDEX ${quote(`${table}_key`)} ON ${quote(table)} (${key.map(quote).join(', ')})`);
  for (const index of indexes) await db.raw(index.sql);
}

/** The migration that applies `keyAsUniqueIndex` to a domain's fact tables. */
export function keysAsUniqueIndexes(...tables: string[]): Knex.Migration {
  return {
    async up(db) {
      for (const table of tables) await keyAsUniqueIndex(db, table);
    },
    // The unique index guarantees what the primary key did: nothing to undo.
    async down() {},
  };
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
