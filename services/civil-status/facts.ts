/** Civil status facts (one row per birth, marriage or death registration) and the figures they move. */
import type { Knex } from 'knex';
import { placeOf, type AreaStructure, type Placement } from '../../lib/areas';
import { createSummaryTables, monthTotalsMigration, type FigureDelta } from '../../lib/summaries';
import { keysAsUniqueIndexes, ruleDelta, type FactSpec } from '../../lib/fact-store';
import { twoStructuresMigration } from '../../lib/reform-migration';

export type CivilRecordKind = 'BIRTH' | 'MARRIAGE' | 'DEATH';
export const CIVIL_RECORD_KINDS: readonly CivilRecordKind[] = ['BIRTH', 'MARRIAGE', 'DEATH'];

export interface CivilRecord {
  recordId: string;
  kind: CivilRecordKind;
  /** The commune that registered it, as delivered, in `communeStructure`. */
  communeCode: string;
  communeStructure: AreaStructure;
  registeredOn: string;
  digitizedOn: string | null;
  /**
   * The personal IDs the record names: the child; the spouses (a foreign spouse has none, so a
   * marriage may name one); the deceased.
   */
  personalIds: string[];
}

export const CIVIL_STATUS_METRICS = ['births', 'marriages', 'deaths', 'records', 'digitized_records'] as const;
export type CivilStatusMetric = (typeof CIVIL_STATUS_METRICS)[number];

export const civilStatusSummary = { name: 'civil_status_summary', metrics: CIVIL_STATUS_METRICS, protectedMetrics: CIVIL_STATUS_METRICS };

const KIND_METRIC: Record<CivilRecordKind, CivilStatusMetric> = { BIRTH: 'births', MARRIAGE: 'marriages', DEATH: 'deaths' };

/** Where a record counts: by people where the crosswalk splits a commune, with the first person it names. */
export const civilRecordPlacement = (r: CivilRecord): Placement => placeOf(r.communeCode, r.communeStructure, r.personalIds[0] ?? r.recordId, 'people');

export function civilRecordDeltas(r: CivilRecord): FigureDelta<CivilStatusMetric>[] {
  const placement = civilRecordPlacement(r);
  const out: FigureDelta<CivilStatusMetric>[] = [
    { place: placement.cell, date: r.registeredOn, metric: KIND_METRIC[r.kind], delta: 1 },
    { place: placement.cell, date: r.registeredOn, metric: 'records', delta: 1 },
  ];
  if (r.digitizedOn) out.push({ place: placement.cell, date: r.digitizedOn, metric: 'digitized_records', delta: 1 });
  ruleDelta(out, placement, r.registeredOn);
  return out;
}

export const civilRecordFacts: FactSpec<CivilRecord, CivilStatusMetric> = {
  table: 'civil_records',
  key: 'record_id',
  summary: civilStatusSummary,
  idOf: (r) => r.recordId,
  toRow: (r) => ({
    record_id: r.recordId,
    kind: r.kind,
    commune_code: r.communeCode,
    commune_structure: r.communeStructure,
    registered_on: r.registeredOn,
    digitized_on: r.digitizedOn,
    personal_ids: r.personalIds.join(';'),
  }),
  fromRow: (row) => ({
    recordId: String(row.record_id),
    kind: row.kind as CivilRecordKind,
    communeCode: String(row.commune_code),
    communeStructure: row.commune_structure as AreaStructure,
    registeredOn: String(row.registered_on),
    digitizedOn: (row.digitized_on as string | null) ?? null,
    personalIds: String(row.personal_ids ?? '').split(';').filter(Boolean),
  }),
  placementOf: civilRecordPlacement,
  deltasOf: civilRecordDeltas,
  links: { table: 'civil_record_persons', column: 'personal_id', valuesOf: (r) => r.personalIds },
};

export const civilStatusMigrations: Record<string, Knex.Migration> = {
  '001_civil_records_and_summaries': {
    async up(db) {
      await db.schema.createTable('civil_records', (t) => {
        t.string('record_id', 40).primary();
        t.string('kind', 10).notNullable();
        t.string('commune_code', 5).notNullable().index();
        t.string('registered_on', 10).notNullable();
        t.string('digitized_on', 10).nullable();
        t.string('personal_ids', 400).notNullable();
      });
      await db.schema.createTable('civil_record_persons', (t) => {
        t.string('record_id', 40).notNullable();
        t.string('personal_id', 12).notNullable();
        t.primary(['record_id', 'personal_id']);
        t.index(['personal_id']);
      });
      await createSummaryTables(db, civilStatusSummary);
    },
    async down(db) {
      for (const t of ['civil_record_persons', 'civil_records', 'civil_status_summary_delta', 'civil_status_summary_year']) await db.schema.dropTable(t);
    },
  },
  // SQLite: the key becomes a unique index an import into an empty table can drop (lib/fact-store.ts).
  '002_key_as_unique_index': keysAsUniqueIndexes('civil_records', 'civil_record_persons'),
  '003_two_structures': twoStructuresMigration(civilRecordFacts),
  // Month-end running totals replace the year-end ones (lib/summaries/month-totals.ts).
  '004_month_totals': monthTotalsMigration(civilStatusSummary),
};
