/** The health import file: one row per e-health book (README, "Importing data"). */
import { col, defineImport, notBefore } from '../../lib/import/columns';
import { healthMigrations, healthRecordFacts } from './facts';

export const healthImport = defineImport({
  domain: 'health',
  migrations: healthMigrations,
  facts: healthRecordFacts,
  locatedOn: 'created_on',
  idColumn: 'record_id',
  columns: {
    record_id: col.text({ maxLength: 40 }),
    personal_id: col.personalId(),
    commune_code: col.communeCode(),
    commune_structure: col.structure(),
    created_on: col.date(),
    integrated_on: col.optional(col.date()),
  },
  checkRow(row, fail) {
    notBefore(row, fail, 'integrated_on', 'created_on');
  },
  toFact: (row) => ({
    recordId: row.record_id,
    personalId: row.personal_id,
    communeCode: row.commune_code,
    // Set by the import from the row or the file (lib/import/rows.ts).
    communeStructure: row.commune_structure!,
    createdOn: row.created_on,
    integratedOn: row.integrated_on,
  }),
});
