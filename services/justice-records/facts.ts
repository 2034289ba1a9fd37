/**
 * Justice records facts (one row per criminal record certificate request), declared once
 * (lib/fact-kit.ts): from these fields follow the fact's type, its table row and its import
 * file's columns (`request_id, personal_id, commune_code, commune_structure, channel, submitted_on,
 * issued_on, status`). The commune is that of the requester's residence.
 */
import type { Placement } from '../../lib/areas';
import { defineFacts, field, type FactOf } from '../../lib/fact-kit';
import { keysAsUniqueIndexes } from '../../lib/fact-store';
import { notBefore } from '../../lib/import/columns';
import { twoStructuresMigration } from '../../lib/reform-migration';
import { createSummaryTables, monthTotalsMigration } from '../../lib/summaries';

export const REQUEST_CHANNELS = ['VNEID', 'PORTAL', 'COUNTER'] as const;
export type RequestChannel = (typeof REQUEST_CHANNELS)[number];
export const REQUEST_STATUSES = ['SUBMITTED', 'ISSUED', 'REJECTED'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

const fields = {
  /** The request's id in the judicial records system. */
  requestId: field.text(40),
  /** The requester. */
  personalId: field.personalId(),
  /** How it was filed: through VNeID, the public service portal, or at the counter. */
  channel: field.oneOf(REQUEST_CHANNELS),
  submittedOn: field.date(),
  /** The day the certificate was issued; empty unless the request is ISSUED. */
  issuedOn: field.optional(field.date()),
  status: field.oneOf(REQUEST_STATUSES),
};

export type CriminalRecordRequest = FactOf<typeof fields>;

/**
 * Days from submission to issue, counted per day (0 to MAX_TRACKED_DAYS) and beyond, so that the
 * median of any area and period can be read from summed counts. The legal limit is 10 to 15 days.
 */
export const MAX_TRACKED_DAYS = 60;
export const daysColumn = (days: number) => (days > MAX_TRACKED_DAYS ? 'issued_after_more' : `issued_after_${String(days).padStart(2, '0')}`);
const DAY_COLUMNS = [...Array.from({ length: MAX_TRACKED_DAYS + 1 }, (_, d) => daysColumn(d)), 'issued_after_more'];

export const JUSTICE_METRICS = ['requests', 'requests_vneid', 'issued', ...DAY_COLUMNS];
export type JusticeMetric = string;

const DAY_MS = 86_400_000;
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** The median of a distribution given as counts per day (the last bucket: more than MAX_TRACKED_DAYS); null if empty or above the tracked range. */
export function medianDays(counts: number[]): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const valueAt = (rank: number) => {
    let seen = 0;
    for (let d = 0; d < counts.length; d++) {
      seen += counts[d];
      if (seen > rank) return d;
    }
    return counts.length - 1;
  };
  const lo = valueAt(Math.floor((total - 1) / 2));
  const hi = valueAt(Math.floor(total / 2));
  if (hi > MAX_TRACKED_DAYS) return null;
  return (lo + hi) / 2;
}

/** What a request adds to its requester's commune: the request, and its issue with the days it took. */
function figuresOf(r: CriminalRecordRequest) {
  const out: Array<{ metric: JusticeMetric; date: string }> = [{ metric: 'requests', date: r.submittedOn }];
  if (r.channel === 'VNEID') out.push({ metric: 'requests_vneid', date: r.submittedOn });
  if (r.issuedOn) out.push({ metric: 'issued', date: r.issuedOn }, { metric: daysColumn(daysBetween(r.submittedOn, r.issuedOn)), date: r.issuedOn });
  return out;
}

const justice = defineFacts({
  domain: 'justice-records',
  table: 'criminal_record_requests',
  fields,
  // The file's layout from before the kit: the commune after the personal id.
  communeColumnsAfter: 'personalId',
  id: 'requestId',
  locatedOn: 'submittedOn',
  // Named before the kit: the domain's summaries are `justice_summary`.
  summaryName: 'justice_summary',
  metrics: JUSTICE_METRICS,
  // Requests count people; the days-to-issue histogram is not published, only its median (module.ts).
  protectedMetrics: ['requests', 'requests_vneid', 'issued'],
  // A request goes with its requester where the crosswalk splits a commune.
  placedBy: 'people',
  placementKey: 'personalId',
  figures: figuresOf,
  checkRow(row, fail) {
    notBefore(row, fail, 'issued_on', 'submitted_on');
    // The issue date and the status must tell the same story.
    if (row.status === 'ISSUED' && !row.issued_on) fail('issued_on', 'an ISSUED request needs the day it was issued');
    if (row.status !== 'ISSUED' && row.issued_on) fail('status', `a request with an issue date must be ISSUED, not ${row.status}`);
  },
  history: ({ spec, summary }) => ({
    '001_requests_and_summaries': {
      async up(db) {
        await db.schema.createTable('criminal_record_requests', (t) => {
          t.string('request_id', 40).primary();
          t.string('personal_id', 12).notNullable().index();
          t.string('commune_code', 5).notNullable().index();
          t.string('channel', 10).notNullable();
          t.string('submitted_on', 10).notNullable();
          t.string('issued_on', 10).nullable();
          t.string('status', 10).notNullable();
        });
        await createSummaryTables(db, summary);
      },
      async down(db) {
        for (const t of ['criminal_record_requests', 'justice_summary_delta', 'justice_summary_year']) await db.schema.dropTable(t);
      },
    },
    // SQLite: the key becomes a unique index an import into an empty table can drop (lib/fact-store.ts).
    '002_key_as_unique_index': keysAsUniqueIndexes('criminal_record_requests'),
    '003_two_structures': twoStructuresMigration(spec),
    // Month-end running totals replace the year-end ones (lib/summaries/month-totals.ts).
    '004_month_totals': monthTotalsMigration(summary),
  }),
});

export const requestFacts = justice.spec;
export const justiceSummary = justice.summary;
export const justiceMigrations = justice.migrations;
export const justiceRecordsImport = justice.imports;
/** Where a request counts: with its requester, by people where the crosswalk splits a commune. */
export const requestPlacement = (r: CriminalRecordRequest): Placement => justice.placementOf(r);
