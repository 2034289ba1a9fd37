/**
 * Health facts (one row per e-health book), declared once (lib/fact-kit.ts): from these fields
 * follow the fact's type, its table row and its import file's columns (`record_id, personal_id,
 * commune_code, commune_structure, created_on, integrated_on`). The commune is that of the
 * holder's residence where the book was opened.
 */
import type { Placement } from '../../lib/areas';
import { defineFacts, field, type FactOf } from '../../lib/fact-kit';
import { keysAsUniqueIndexes } from '../../lib/fact-store';
import { notBefore } from '../../lib/import/columns';
import { twoStructuresMigration } from '../../lib/reform-migration';
import { createSummaryTables, monthTotalsMigration } from '../../lib/summaries';

const fields = {
  /** The book's id in the health insurance system. */
  recordId: field.text(40),
  /** The holder. */
  personalId: field.personalId(),
  /** The day the book was opened. */
  createdOn: field.date(),
  /** The day it was integrated into VNeID; empty while it is not. */
  integratedOn: field.optional(field.date()),
};

export type HealthRecord = FactOf<typeof fields>;

export const HEALTH_METRICS = ['e_health_records', 'integrated'] as const;
export type HealthMetric = (typeof HEALTH_METRICS)[number];

const health = defineFacts({
  domain: 'health',
  table: 'e_health_records',
  fields,
  // The file's layout from before the kit: the commune after the personal id.
  communeColumnsAfter: 'personalId',
  id: 'recordId',
  locatedOn: 'createdOn',
  metrics: HEALTH_METRICS,
  // Books are people's: every count is perturbed below provinces.
  protectedMetrics: HEALTH_METRICS,
  // A book goes with its holder where the crosswalk splits a commune.
  placedBy: 'people',
  placementKey: 'personalId',
  figures: (r) => [{ metric: 'e_health_records', date: r.createdOn }, ...(r.integratedOn ? [{ metric: 'integrated' as const, date: r.integratedOn }] : [])],
  checkRow: (row, fail) => notBefore(row, fail, 'integrated_on', 'created_on'),
  history: ({ spec, summary }) => ({
    '001_e_health_records_and_summaries': {
      async up(db) {
        await db.schema.createTable('e_health_records', (t) => {
          t.string('record_id', 40).primary();
          t.string('personal_id', 12).notNullable().index();
          t.string('commune_code', 5).notNullable().index();
          t.string('created_on', 10).notNullable();
          t.string('integrated_on', 10).nullable();
        });
        await createSummaryTables(db, summary);
      },
      async down(db) {
        for (const t of ['e_health_records', 'health_summary_delta', 'health_summary_year']) await db.schema.dropTable(t);
      },
    },
    // SQLite: the key becomes a unique index an import into an empty table can drop (lib/fact-store.ts).
    '002_key_as_unique_index': keysAsUniqueIndexes('e_health_records'),
    '003_two_structures': twoStructuresMigration(spec),
    // Month-end running totals replace the year-end ones (lib/summaries/month-totals.ts).
    '004_month_totals': monthTotalsMigration(summary),
  }),
});

export const healthRecordFacts = health.spec;
export const healthSummary = health.summary;
export const healthMigrations = health.migrations;
export const healthImport = health.imports;
/** Where a book counts: with its holder, by people where the crosswalk splits a commune. */
export const healthRecordPlacement = (r: HealthRecord): Placement => health.placementOf(r);
