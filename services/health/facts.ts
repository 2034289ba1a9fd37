/** Health facts (one row per e-health book) and the figures they move. */
import type { Knex } from 'knex';
import { placeOf, type AreaStructure, type Placement } from '../../lib/areas';
import { createSummaryTables, monthTotalsMigration, type FigureDelta } from '../../lib/summaries';
import { keysAsUniqueIndexes, ruleDelta, type FactSpec } from '../../lib/fact-store';
import { twoStructuresMigration } from '../../lib/reform-migration';

export interface HealthRecord {
  recordId: string;
  personalId: string;
  /** The commune of the holder's residence where the book was opened, as delivered, in `communeStructure`. */
  communeCode: string;
  communeStructure: AreaStructure;
  createdOn: string;
  integratedOn: string | null;
}

export const HEALTH_METRICS = ['e_health_records', 'integrated'] as const;
export type HealthMetric = (typeof HEALTH_METRICS)[number];

export const healthSummary = { name: 'health_summary', metrics: HEALTH_METRICS, protectedMetrics: HEALTH_METRICS };

/** Where a book counts: with its holder, by people where the crosswalk splits a commune. */
export const healthRecordPlacement = (r: HealthRecord): Placement => placeOf(r.communeCode, r.communeStructure, r.personalId, 'people');

export function healthRecordDeltas(r: HealthRecord): FigureDelta<HealthMetric>[] {
  const placement = healthRecordPlacement(r);
  const out: FigureDelta<HealthMetric>[] = [{ place: placement.cell, date: r.createdOn, metric: 'e_health_records', delta: 1 }];
  if (r.integratedOn) out.push({ place: placement.cell, date: r.integratedOn, metric: 'integrated', delta: 1 });
  ruleDelta(out, placement, r.createdOn);
  return out;
}

export const healthRecordFacts: FactSpec<HealthRecord, HealthMetric> = {
  table: 'e_health_records',
  key: 'record_id',
  summary: healthSummary,
  idOf: (r) => r.recordId,
  toRow: (r) => ({
    record_id: r.recordId,
    personal_id: r.personalId,
    commune_code: r.communeCode,
    commune_structure: r.communeStructure,
    created_on: r.createdOn,
    integrated_on: r.integratedOn,
  }),
  fromRow: (row) => ({
    recordId: String(row.record_id),
    personalId: String(row.personal_id),
    communeCode: String(row.commune_code),
    communeStructure: row.commune_structure as AreaStructure,
    createdOn: String(row.created_on),
    integratedOn: (row.integrated_on as string | null) ?? null,
  }),
  placementOf: healthRecordPlacement,
  deltasOf: healthRecordDeltas,
};

export const healthMigrations: Record<string, Knex.Migration> = {
  '001_e_health_records_and_summaries': {
    async up(db) {
      await db.schema.createTable('e_health_records', (t) => {
        t.string('record_id', 40).primary();
        t.string('personal_id', 12).notNullable().index();
        t.string('commune_code', 5).notNullable().index();
        t.string('created_on', 10).notNullable();
        t.string('integrated_on', 10).nullable();
      });
      await createSummaryTables(db, healthSummary);
    },
    async down(db) {
      for (const t of ['e_health_records', 'health_summary_delta', 'health_summary_year']) await db.schema.dropTable(t);
    },
  },
  // SQLite: the key becomes a unique index an import into an empty table can drop (lib/fact-store.ts).
  '002_key_as_unique_index': keysAsUniqueIndexes('e_health_records'),
  '003_two_structures': twoStructuresMigration(healthRecordFacts),
  // Month-end running totals replace the year-end ones (lib/summaries/month-totals.ts).
  '004_month_totals': monthTotalsMigration(healthSummary),
};
