/** The justice records import file: one row per criminal record certificate request (README, "Importing data"). */
import { col, defineImport, notBefore } from '../../lib/import/columns';
import { justiceMigrations, REQUEST_CHANNELS, REQUEST_STATUSES, requestFacts } from './facts';

export const justiceRecordsImport = defineImport({
  domain: 'justice-records',
  migrations: justiceMigrations,
  facts: requestFacts,
  locatedOn: 'submitted_on',
  idColumn: 'request_id',
  columns: {
    request_id: col.text({ maxLength: 40 }),
    personal_id: col.personalId(),
    commune_code: col.communeCode(),
    commune_structure: col.structure(),
    channel: col.oneOf(REQUEST_CHANNELS),
    submitted_on: col.date(),
    issued_on: col.optional(col.date()),
    status: col.oneOf(REQUEST_STATUSES),
  },
  checkRow(row, fail) {
    notBefore(row, fail, 'issued_on', 'submitted_on');
    // The issue date and the status must tell the same story.
    if (row.status === 'ISSUED' && !row.issued_on) fail('issued_on', 'an ISSUED request needs the day it was issued');
    if (row.status !== 'ISSUED' && row.issued_on) fail('status', `a request with an issue date must be ISSUED, not ${row.status}`);
  },
  toFact: (row) => ({
    requestId: row.request_id,
    personalId: row.personal_id,
    communeCode: row.commune_code,
    // Set by the import from the row or the file (lib/import/rows.ts).
    communeStructure: row.commune_structure!,
    channel: row.channel,
    submittedOn: row.submitted_on,
    issuedOn: row.issued_on,
    status: row.status,
  }),
});
