/** The civil status import file: one row per birth, marriage or death registration (README, "Importing data"). */
import { col, defineImport, notBefore } from '../../lib/import/columns';
import { CIVIL_RECORD_KINDS, civilRecordFacts, civilStatusMigrations } from './facts';

export const civilStatusImport = defineImport({
  domain: 'civil-status',
  migrations: civilStatusMigrations,
  facts: civilRecordFacts,
  locatedOn: 'registered_on',
  idColumn: 'record_id',
  columns: {
    record_id: col.text({ maxLength: 40 }),
    kind: col.oneOf(CIVIL_RECORD_KINDS),
    commune_code: col.communeCode(),
    commune_structure: col.structure(),
    registered_on: col.date(),
    digitized_on: col.optional(col.date()),
    personal_ids: col.personalIds(),
  },
  checkRow(row, fail) {
    notBefore(row, fail, 'digitized_on', 'registered_on');
    // A birth or a death names one person; a marriage the two spouses, or one when the other is
    // a foreigner without a Vietnamese personal ID.
    const allowed = row.kind === 'MARRIAGE' ? [1, 2] : [1];
    if (!allowed.includes(row.personal_ids.length)) {
      fail('personal_ids', row.kind === 'MARRIAGE' ? `a MARRIAGE record names one or two persons (a foreign spouse has no personal ID), this one ${row.personal_ids.length}` : `a ${row.kind} record names 1 person, this one ${row.personal_ids.length}`);
    }
  },
  toFact: (row) => ({
    recordId: row.record_id,
    kind: row.kind,
    communeCode: row.commune_code,
    // Set by the import from the row or the file (lib/import/rows.ts).
    communeStructure: row.commune_structure!,
    registeredOn: row.registered_on,
    digitizedOn: row.digitized_on,
    personalIds: row.personal_ids,
  }),
});
