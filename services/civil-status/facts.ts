/** Civil status facts (one row per birth, marriage or death registration) and the figures they move. */
import type { Knex } from 'knex';
import { createSummaryTables, type FigureDelta } from '../../lib/summary-store';
import { keysAsUniqueIndexes, type FactSpec } from '../../lib/fact-store';

export type CivilRecordKind = 'BIRTH' | 'MARRIAGE' | 'DEATH';
export const CIVIL_RECORD_KINDS: readonly CivilRecordKind[] = ['BIRTH', 'MARRIAGE', 'DEATH'];

export interface CivilRecord {
  recordId: string;
  kind: CivilRecordKind;
  communeCode: string;
  registeredOn: string;
  digitizedOn: string | null;
  /** The personal IDs the record names: the child; the spouses; the deceased. */
  personalIds: string[];
}

export const CIVIL_STATUS_METRICS = ['births', 'marriages', 'deaths', 'records', 'digitized_records'] as const;
export type CivilStatusMetric = (typeof CIVIL_STATUS_METRICS)[number];

export const civilStatusSummary = { name: 'civil_status_summary', metrics: CIVIL_STATUS_METRICS };

const KIND_METRIC: Record<CivilRecordKind, CivilStatusMetric> = { BIRTH: 'births', MARRIAGE: 'marriages', DEATH: 'deaths' };

export function civilRecordDeltas(r: CivilRecord): FigureDelta<CivilStatusMetric>[] {
  const out: FigureDelta<CivilStatusMetric>[] = [
    { communeCode: r.communeCode, date: r.registeredOn, metric: KIND_METRIC[r.kind], delta: 1 },
    { communeCode: r.communeCode, date: r.registeredOn, metric: 'records', delta: 1 },
  ];
  if (r.digitizedOn) out.push({ communeCode: r.communeCode, date: r.digitizedOn, metric: 'digitized_records', delta: 1 });
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
    registered_on: r.registeredOn,
    digitized_on: r.digitizedOn,
    personal_ids: r.personalIds.join(';'),
  }),
  fromRow: (row) => ({
    recordId: String(row.record_id),
    kind: row.kind as CivilRecordKind,
    communeCode: String(row.commune_code),
    registeredOn: String(row.registered_on),
    digitizedOn: (row.digitized_on as string | null) ?? null,
    personalIds: String(row.personal_ids ?? '').split(';').filter(Boolean),
  }),
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
};
