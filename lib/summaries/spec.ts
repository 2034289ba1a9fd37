/**
 * What a domain's summaries are: named figures ("metrics") summed per area and bucket of time,
 * and the tables that hold them. See lib/summaries/index.ts for how they are kept and read.
 */
import type { Knex } from 'knex';
import { isMysql } from '../db';

export interface SummarySpec<M extends string = string> {
  /** Table name prefix, e.g. `residency_summary`. */
  name: string;
  /** Column names of the domain's figures, e.g. `population`. */
  metrics: readonly M[];
  /**
   * The figures that count people, protected by cell-key perturbation for callers who do not see
   * exact figures (lib/disclosure): each has a column of its own, `<metric>_ck`, summing the
   * record keys of the facts it counts (modulo 2^16).
   */
  protectedMetrics?: readonly M[];
}

/**
 * A figure every summary has besides the domain's own: how many facts counted in the unit were
 * placed there by rule, where the crosswalk between the two structures leaves the unit open
 * (lib/areas/placement.ts). A unit's figures are estimated while it is above zero.
 */
export const PLACED_BY_RULE = 'placed_by_rule';

/** The column of a protected figure's cell keys. */
export const keyColumnOf = (metric: string) => `${metric}_ck`;

/** The columns of a summary: the domain's figures, their cell keys, then `placed_by_rule`. */
export function columnsOf(spec: SummarySpec): string[] {
  return [...spec.metrics, ...(spec.protectedMetrics ?? []).map(keyColumnOf), PLACED_BY_RULE];
}

/** One change of one figure at a date in one cell (a place of lib/areas/placement.ts). */
export interface FigureDelta<M extends string = string> {
  /** The cell the fact counts in (`Placement.cell`, or `Placement.ruleCell` for `placed_by_rule`). */
  place: number;
  /** ISO `YYYY-MM-DD`. */
  date: string;
  metric: M | typeof PLACED_BY_RULE;
  delta: number;
  /** The record key of the fact (lib/disclosure/record-keys.ts): its protected figures' cell keys move by delta × key. */
  key?: number;
}

/** Buckets of the delta table from this up are days (YYYYMMDD); below it, months (YYYYMM). */
export const FIRST_DAY_BUCKET = 1_000_000;

export const deltaTable = (spec: SummarySpec) => `${spec.name}_delta`;
/** The year-end totals of the summaries before the month-end ones (lib/summaries/month-totals.ts); only migrations name it. */
export const yearTable = (spec: SummarySpec) => `${spec.name}_year`;
export const monthTable = (spec: SummarySpec) => `${spec.name}_month`;
export const deliveryTable = (spec: SummarySpec) => `${spec.name}_delivery`;

/** Creates the summary tables of a domain's figures at this migration (later ones add theirs). */
export async function createSummaryTables(db: Knex, spec: SummarySpec): Promise<void> {
  const metrics = spec.metrics.map((m) => `${m} BIGINT NOT NULL DEFAULT 0`).join(', ');
  // On SQLite, WITHOUT ROWID keeps each table one B-tree ordered by its key: half the work per
  // upsert, and a read's index range is the table's rows themselves.
  const suffix = isMysql(db) ? '' : ' WITHOUT ROWID';
  await db.raw(`CREATE TABLE ${deltaTable(spec)} (area_code VARCHAR(16) NOT NULL, bucket INTEGER NOT NULL, ${metrics}, PRIMARY KEY (area_code, bucket))${suffix}`);
  await db.raw(`CREATE TABLE ${yearTable(spec)} (area_code VARCHAR(16) NOT NULL, year INTEGER NOT NULL, ${metrics}, PRIMARY KEY (area_code, year))${suffix}`);
}

/**
 * The reform's additions to a domain's summaries (a migration step): the `placed_by_rule` figure,
 * the cell keys of the protected figures, and the table of the dates each unit's data has been
 * delivered through.
 */
export async function addReformSummaryTables(db: Knex, spec: SummarySpec): Promise<void> {
  for (const table of [deltaTable(spec), yearTable(spec)]) {
    await db.schema.alterTable(table, (t) => {
      t.bigInteger(PLACED_BY_RULE).notNullable().defaultTo(0);
      for (const metric of spec.protectedMetrics ?? []) t.bigInteger(keyColumnOf(metric)).notNullable().defaultTo(0);
    });
  }
  // Plain SQL like the summaries' own tables, so that on MySQL area_code has their collation
  // (the database's) and the read's join on it needs no conversion.
  await db.raw(`CREATE TABLE ${deliveryTable(spec)} (area_code VARCHAR(16) NOT NULL PRIMARY KEY, delivered_through VARCHAR(10) NOT NULL)`);
}
