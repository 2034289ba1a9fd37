/**
 * A domain's facts declared once. From one list of fields follow the fact's TypeScript type, its
 * table row both ways (`toRow`/`fromRow`), the migration that creates its table and summaries, and
 * the default columns of its import file; from its figures (each metric, and the day a fact moves
 * it) follow its deltas, placed in their commune by lib/areas. `npm run new-domain` writes a
 * domain that uses it. The domains made before it declare their facts here too, and keep the
 * migrations their databases already ran (`history`): a migration, once run, is history.
 *
 * Every fact lies in a commune: `communeCode` and `communeStructure` are added to every fact,
 * its table and its import file.
 */
import type { Knex } from 'knex';
import { placeOf, type AreaStructure, type FactKind, type Placement } from './areas';
import { keysAsUniqueIndexes, ruleDelta, type FactSpec } from './fact-store';
import { col, defineImport, type Column, type ColumnSet, type ImportDefinition, type RowValues } from './import/columns';
import { addReformSummaryTables, createSummaryTables, dayBasisMigration, monthTotalsMigration, type FigureDelta, type SummarySpec } from './summaries';

/** One field of a fact: its column, how it is stored and read back, and how an import file gives it. */
export interface FactField<T> {
  readonly nullable: boolean;
  /** The table column, for knex's schema builder. */
  sql(t: Knex.CreateTableBuilder, column: string): Knex.ColumnBuilder;
  /** A value as the database gives it back (MySQL's DOUBLE as a number, SQLite's as a number, text as text). */
  read(value: unknown): T;
  /** The import file's column. */
  importColumn: Column<unknown>;
  /** The value as its column stores it, when not the value itself (a list kept as text). */
  write?(value: T): string | number | null;
  /** The fact's value from the import cell's (a column left out of the file gives null), when not the cell's value itself. */
  fromCell?(value: unknown): T;
}

const text = (maxLength: number): FactField<string> => ({
  nullable: false,
  sql: (t, c) => t.string(c, maxLength),
  read: (v) => String(v),
  importColumn: col.text({ maxLength }),
});

/** The kinds of field a fact may have. */
export const field = {
  /** Free text of at most `maxLength` characters (an id, a name). */
  text,
  /** A day, `YYYY-MM-DD` (not after the file's data-through day). */
  date: (): FactField<string> => ({ nullable: false, sql: (t, c) => t.string(c, 10), read: (v) => String(v), importColumn: col.date() }),
  /** One of a fixed list of codes. */
  oneOf: <const V extends string>(values: readonly V[]): FactField<V> => ({
    nullable: false,
    sql: (t, c) => t.string(c, Math.max(...values.map((v) => v.length))),
    read: (v) => String(v) as V,
    importColumn: col.oneOf(values),
  }),
  /** A positive quantity in `unit`. */
  positiveNumber: (unit: string): FactField<number> => ({ nullable: false, sql: (t, c) => t.double(c), read: (v) => Number(v), importColumn: col.positiveNumber(unit) }),
  /** A citizen's 12-digit personal ID: the fact is then person-level data. */
  personalId: (): FactField<string> => ({ nullable: false, sql: (t, c) => t.string(c, 12), read: (v) => String(v), importColumn: col.personalId() }),
  /** Personal IDs, at least one, separated by `;` in the file and in the column (up to 400 characters: 30 IDs). */
  personalIds: (): FactField<string[]> => ({
    nullable: false,
    sql: (t, c) => t.string(c, 400),
    read: (v) => String(v ?? '').split(';').filter(Boolean),
    write: (ids) => ids.join(';'),
    importColumn: col.personalIds(),
  }),
  /** The same field, empty when unknown (a day that has not come yet). */
  optional: <T>(inner: FactField<T>): FactField<T | null> => ({
    nullable: true,
    sql: inner.sql,
    read: (v) => (v === null || v === undefined ? null : inner.read(v)),
    importColumn: col.optional(inner.importColumn as Column<T>),
  }),
  /** The same field, empty when unknown, and a column the import file may leave out (added after files were first exchanged). */
  absentOk: <T>(inner: FactField<T>): FactField<T | null> => ({
    nullable: true,
    sql: inner.sql,
    read: (v) => (v === null || v === undefined ? null : inner.read(v)),
    importColumn: col.absentOk(inner.importColumn as Column<T>),
  }),
};

type Fields = Record<string, FactField<unknown>>;

/** The fact a set of fields describes, with the commune it lies in. */
export type FactOf<F extends Fields> = { [K in keyof F]: F[K] extends FactField<infer T> ? T : never } & {
  /** The commune as delivered, in `communeStructure`. */
  communeCode: string;
  communeStructure: AreaStructure;
};

/** `openedOn` → `opened_on`: a field's column, in the table and in the import file. */
export const columnOf = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export interface FactDeclaration<F extends Fields, M extends string> {
  /** The domain's name: its database's, its import's. */
  domain: string;
  /** The facts table; its summaries are `<domain with _>_summary`. */
  table: string;
  fields: F;
  /** The field that identifies a fact. */
  id: keyof F & string;
  /**
   * The date field that says when the fact's commune applies (see ImportDefinition.locatedOn).
   * Absent for facts without a date of their own (parcels): placed by rule from the first day
   * their figures move.
   */
  locatedOn?: keyof F & string;
  /** Fields to index, for finding facts by them. */
  indexed?: ReadonlyArray<keyof F & string>;
  /** Its figures' metrics (summary columns). */
  metrics: readonly M[];
  /** Metrics counting people: published with cell-key perturbation below provinces. */
  protectedMetrics?: readonly M[];
  /** How a split commune's facts are shared out: by people (with the person) or by land. */
  placedBy: FactKind;
  /** What keeps a fact in the same place when placed by rule: a field (a personal ID, or the id), or a key made from the fact. */
  placementKey: (keyof F & string) | ((fact: FactOf<F>) => string);
  /** What the fact adds to its figures: each metric, the day it moves, and by how much (1 if left out). */
  figures?(fact: FactOf<F>): Array<{ metric: M; date: string; delta?: number }>;
  /**
   * Instead of `figures`, for a fact that moves figures in more than one place (a citizen, in
   * each residence they had): its deltas, each in its cell, `ruleDelta` included.
   */
  deltasOf?(fact: FactOf<F>): FigureDelta<M>[];
  /** Rules across a row's columns, for the import (see ImportDefinition.checkRow). */
  checkRow?: ImportDefinition<FactOf<F>, M, ColumnSet>['checkRow'];
  /** A many-valued field indexed in a table of its own (see FactSpec.links). */
  links?: FactSpec<FactOf<F>, M>['links'];
  /**
   * Where the import file's `commune_code` and `commune_structure` columns come: after this
   * field (a domain made before the kit keeps its files' layout); last when left out.
   */
  communeColumnsAfter?: keyof F & string;
  /** The summaries' name, when not `<domain with _>_summary` (a domain made before the kit). */
  summaryName?: string;
  /**
   * A domain made before the kit: the migrations its databases already ran, in place of the
   * generated ones (a database migrated once must find the same names doing the same work).
   */
  history?(made: { spec: FactSpec<FactOf<F>, M>; summary: SummarySpec<M> }): Record<string, Knex.Migration>;
}

export interface DeclaredFacts<F extends Fields, M extends string> {
  spec: FactSpec<FactOf<F>, M>;
  summary: SummarySpec<M>;
  migrations: Record<string, Knex.Migration>;
  imports: ImportDefinition<FactOf<F>, M, ColumnSet>;
  placementOf(fact: FactOf<F>): Placement;
}

export function defineFacts<F extends Fields, const M extends string>(d: FactDeclaration<F, M>): DeclaredFacts<F, M> {
  type Fact = FactOf<F>;
  const names = Object.keys(d.fields);
  // Each field's column and converters, worked out once: rows are mapped a million times an import.
  const mapped = names.map((name) => ({ name, column: columnOf(name), field: d.fields[name] as FactField<unknown> }));
  const summary: SummarySpec<M> = { name: d.summaryName ?? `${d.domain.replace(/-/g, '_')}_summary`, metrics: d.metrics, protectedMetrics: d.protectedMetrics };
  const keyOf = d.placementKey;
  const placementOf = (f: Fact): Placement => placeOf(f.communeCode, f.communeStructure, typeof keyOf === 'function' ? keyOf(f) : String(f[keyOf]), d.placedBy);
  const figures = d.figures;
  if (!figures === !d.deltasOf) throw new Error(`${d.domain}: declare its facts' figures or their deltasOf, one of the two`);
  const spec: FactSpec<Fact, M> = {
    table: d.table,
    key: columnOf(d.id),
    summary,
    idOf: (f) => String(f[d.id]),
    toRow: (f) => {
      const row: Record<string, string | number | null> = { commune_code: f.communeCode, commune_structure: f.communeStructure };
      for (const m of mapped) {
        const value = f[m.name];
        row[m.column] = m.field.write && value !== null ? m.field.write(value) : (value as string | number | null);
      }
      return row;
    },
    fromRow: (row) => {
      const fact: Record<string, unknown> = { communeCode: String(row.commune_code), communeStructure: row.commune_structure as AreaStructure };
      for (const m of mapped) fact[m.name] = m.field.read(row[m.column]);
      return fact as Fact;
    },
    placementOf,
    deltasOf:
      d.deltasOf ??
      ((f) => {
        const placement = placementOf(f);
        const out: FigureDelta<M>[] = figures!(f).map((x) => ({ place: placement.cell, date: x.date, metric: x.metric, delta: x.delta ?? 1 }));
        const since = d.locatedOn ? String(f[d.locatedOn]) : out[0]?.date;
        if (since !== undefined) ruleDelta(out, placement, since);
        return out;
      }),
    links: d.links,
  };
  const migrations: Record<string, Knex.Migration> = d.history?.({ spec, summary }) ?? {
    '001_facts_and_summaries': {
      async up(db) {
        await db.schema.createTable(d.table, (t) => {
          for (const name of names) {
            const c = d.fields[name].sql(t, columnOf(name));
            if (name === d.id) c.primary();
            else if (d.fields[name].nullable) c.nullable();
            else c.notNullable();
            if (d.indexed?.includes(name)) c.index();
          }
          t.string('commune_code', 5).notNullable().index();
          t.string('commune_structure', 10).notNullable();
        });
        await createSummaryTables(db, summary);
        await addReformSummaryTables(db, summary);
      },
      async down(db) {
        for (const t of [d.table, `${summary.name}_delta`, `${summary.name}_year`, `${summary.name}_month`, `${summary.name}_delivery`]) await db.schema.dropTableIfExists(t);
      },
    },
    // SQLite: the key becomes a unique index an import into an empty table can drop (lib/fact-store.ts).
    '002_key_as_unique_index': keysAsUniqueIndexes(d.table),
    // Month-end running totals replace the year-end ones (lib/summaries/month-totals.ts).
    '003_month_totals': monthTotalsMigration(summary),
  };
  // Every domain, whatever its history: districts and new communes of whole old communes read
  // their days before the reform from those communes (lib/summaries/day-basis.ts). Named to sort
  // after any history.
  migrations['900_days_from_basis_units'] = dayBasisMigration(summary);
  const columns: ColumnSet = {};
  const addCommune = () => {
    columns.commune_code = col.communeCode();
    columns.commune_structure = col.structure();
  };
  for (const name of names) {
    columns[columnOf(name)] = d.fields[name].importColumn;
    if (name === d.communeColumnsAfter) addCommune();
  }
  if (!d.communeColumnsAfter) addCommune();
  const imports = defineImport<Fact, M, ColumnSet>({
    domain: d.domain,
    migrations,
    facts: spec,
    columns,
    idColumn: columnOf(d.id),
    locatedOn: d.locatedOn && columnOf(d.locatedOn),
    checkRow: d.checkRow,
    toFact: (row: RowValues<ColumnSet>) => {
      // The structure is set by the import from the row or the file (lib/import/rows.ts).
      const fact: Record<string, unknown> = { communeCode: row.commune_code, communeStructure: row.commune_structure };
      for (const m of mapped) fact[m.name] = m.field.fromCell ? m.field.fromCell(row[m.column] ?? null) : (row[m.column] ?? null);
      return fact as Fact;
    },
  });
  return { spec, summary, migrations, imports, placementOf };
}
