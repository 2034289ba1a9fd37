/** The civil status import file: one row per birth, marriage or death registration (README, "Importing data"). */
import { col, defineImport, notBefore } from '../../lib/import/columns';
import { CIVIL_RECORD_KINDS, civilRecordFacts, civilStatusMigrations } from './facts';

export const civilStatusImport = defineImport({
  domain: 'civil-status',
  migrations: civilStatusMigrations,
  facts: civilRecordFacts,
  idColumn: 'record_id',
  columns: {
    record_id: col.text({ maxLength: 40 }),
    kind: col.oneOf(CIVIL_RECORD_KINDS),
    commune_code: col.communeCode(),
    registered_on: col.date(),
    digitized_on: col.optional(col.date()),
    personal_ids: col.personalIds(),
  },
  checkRow(row, fail) {
    notBefore(row, fail, 'digitized_on', 'registered_on');
    // A birth or a death names one person; a marriage the two spouses.
    const expected = row.kind === 'MARRIAGE' ? 2 : 1;
    if (row.personal_ids.length !== expected) fail('personal_ids', `a ${row.kind} record names ${expected} person${expected > 1 ? 's' : ''}, this one ${row.personal_ids.length}`);
  },
  toFact: (row) => ({
    recordId: row.record_id,
    kind: row.kind,
    communeCode: row.commune_code,
    registeredOn: row.registered_on,
    digitizedOn: row.digitized_on,
    personalIds: row.personal_ids,
  }),
});
