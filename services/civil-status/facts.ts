/**
 * Civil status facts (one row per birth, marriage or death registration), declared once
 * (lib/fact-kit.ts): from these fields follow the fact's type, its table row and its import
 * file's columns (`record_id, kind, commune_code, commune_structure, registered_on, digitized_on,
 * personal_ids`). The commune is the one that registered it.
 */
import type { Placement } from '../../lib/areas';
import { defineFacts, field, type FactOf } from '../../lib/fact-kit';
import { keysAsUniqueIndexes } from '../../lib/fact-store';
import { notBefore } from '../../lib/import/columns';
import { twoStructuresMigration } from '../../lib/reform-migration';
import { createSummaryTables, monthTotalsMigration } from '../../lib/summaries';

export const CIVIL_RECORD_KINDS = ['BIRTH', 'MARRIAGE', 'DEATH'] as const;
export type CivilRecordKind = (typeof CIVIL_RECORD_KINDS)[number];

const fields = {
  /** The record's id in the civil status register. */
  recordId: field.text(40),
  kind: field.oneOf(CIVIL_RECORD_KINDS),
  registeredOn: field.date(),
  /** The day the paper record was digitized; empty while it is not. */
  digitizedOn: field.optional(field.date()),
  /**
   * The personal IDs the record names: the child; the spouses (a foreign spouse has none, so a
   * marriage may name one); the deceased.
   */
  personalIds: field.personalIds(),
};

export type CivilRecord = FactOf<typeof fields>;

export const CIVIL_STATUS_METRICS = ['births', 'marriages', 'deaths', 'records', 'digitized_records'] as const;
export type CivilStatusMetric = (typeof CIVIL_STATUS_METRICS)[number];

const KIND_METRIC: Record<CivilRecordKind, CivilStatusMetric> = { BIRTH: 'births', MARRIAGE: 'marriages', DEATH: 'deaths' };

const civilStatus = defineFacts({
  domain: 'civil-status',
  table: 'civil_records',
  fields,
  // The file's layout from before the kit: the commune after the kind.
  communeColumnsAfter: 'kind',
  id: 'recordId',
  locatedOn: 'registeredOn',
  metrics: CIVIL_STATUS_METRICS,
  // Records are of people: every count is perturbed below provinces.
  protectedMetrics: CIVIL_STATUS_METRICS,
  // Where the crosswalk splits a commune, a record goes with the first person it names.
  placedBy: 'people',
  placementKey: (r) => r.personalIds[0] ?? r.recordId,
  figures: (r) => [
    { metric: KIND_METRIC[r.kind], date: r.registeredOn },
    { metric: 'records', date: r.registeredOn },
    ...(r.digitizedOn ? [{ metric: 'digitized_records' as const, date: r.digitizedOn }] : []),
  ],
  // The persons a record names, indexed for finding a citizen's records.
  links: { table: 'civil_record_persons', column: 'personal_id', valuesOf: (r) => r.personalIds },
  checkRow(row, fail) {
    notBefore(row, fail, 'digitized_on', 'registered_on');
    // A birth or a death names one person; a marriage the two spouses, or one when the other is
    // a foreigner without a Vietnamese personal ID.
    const ids = row.personal_ids as string[];
    const allowed = row.kind === 'MARRIAGE' ? [1, 2] : [1];
    if (!allowed.includes(ids.length)) {
      fail('personal_ids', row.kind === 'MARRIAGE' ? `a MARRIAGE record names one or two persons (a foreign spouse has no personal ID), this one ${ids.length}` : `a ${row.kind} record names 1 person, this one ${ids.length}`);
    }
  },
  history: ({ spec, summary }) => ({
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
        await createSummaryTables(db, summary);
      },
      async down(db) {
        for (const t of ['civil_record_persons', 'civil_records', 'civil_status_summary_delta', 'civil_status_summary_year']) await db.schema.dropTable(t);
      },
    },
    // SQLite: the key becomes a unique index an import into an empty table can drop (lib/fact-store.ts).
    '002_key_as_unique_index': keysAsUniqueIndexes('civil_records', 'civil_record_persons'),
    '003_two_structures': twoStructuresMigration(spec),
    // Month-end running totals replace the year-end ones (lib/summaries/month-totals.ts).
    '004_month_totals': monthTotalsMigration(summary),
  }),
});

export const civilRecordFacts = civilStatus.spec;
export const civilStatusSummary = civilStatus.summary;
export const civilStatusMigrations = civilStatus.migrations;
export const civilStatusImport = civilStatus.imports;
/** Where a record counts: by people where the crosswalk splits a commune, with the first person it names. */
export const civilRecordPlacement = (r: CivilRecord): Placement => civilStatus.placementOf(r);
