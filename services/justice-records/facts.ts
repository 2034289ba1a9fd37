/** Justice records facts (one row per criminal record certificate request) and the figures they move. */
import type { Knex } from 'knex';
import { placeOf, type AreaStructure, type Placement } from '../../lib/areas';
import { createSummaryTables, monthTotalsMigration, type FigureDelta } from '../../lib/summaries';
import { keysAsUniqueIndexes, ruleDelta, type FactSpec } from '../../lib/fact-store';
import { twoStructuresMigration } from '../../lib/reform-migration';

export type RequestChannel = 'VNEID' | 'PORTAL' | 'COUNTER';
export type RequestStatus = 'SUBMITTED' | 'ISSUED' | 'REJECTED';
export const REQUEST_CHANNELS: readonly RequestChannel[] = ['VNEID', 'PORTAL', 'COUNTER'];
export const REQUEST_STATUSES: readonly RequestStatus[] = ['SUBMITTED', 'ISSUED', 'REJECTED'];

export interface CriminalRecordRequest {
  requestId: string;
  personalId: string;
  /** The commune of the requester's residence, as delivered, in `communeStructure`. */
  communeCode: string;
  communeStructure: AreaStructure;
  channel: RequestChannel;
  submittedOn: string;
  issuedOn: string | null;
  status: RequestStatus;
}

/**
 * Days from submission to issue, counted per day (0 to MAX_TRACKED_DAYS) and beyond, so that the
 * median of any area and period can be read from summed counts. The legal limit is 10 to 15 days.
 */
export const MAX_TRACKED_DAYS = 60;
export const daysColumn = (days: number) => (days > MAX_TRACKED_DAYS ? 'issued_after_more' : `issued_after_${String(days).padStart(2, '0')}`);
const DAY_COLUMNS = [...Array.from({ length: MAX_TRACKED_DAYS + 1 }, (_, d) => daysColumn(d)), 'issued_after_more'];

export const JUSTICE_METRICS = ['requests', 'requests_vneid', 'issued', ...DAY_COLUMNS];
export type JusticeMetric = string;

/** Requests count people; the days-to-issue histogram is not published, only its median (services/justice-records/module.ts). */
export const justiceSummary = { name: 'justice_summary', metrics: JUSTICE_METRICS, protectedMetrics: ['requests', 'requests_vneid', 'issued'] };

const DAY_MS = 86_400_000;
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** Where a request counts: with its requester, by people where the crosswalk splits a commune. */
export const requestPlacement = (r: CriminalRecordRequest): Placement => placeOf(r.communeCode, r.communeStructure, r.personalId, 'people');

export function requestDeltas(r: CriminalRecordRequest): FigureDelta<JusticeMetric>[] {
  const placement = requestPlacement(r);
  const at = (metric: string, date: string) => ({ place: placement.cell, date, metric, delta: 1 });
  const out: FigureDelta<JusticeMetric>[] = [at('requests', r.submittedOn)];
  if (r.channel === 'VNEID') out.push(at('requests_vneid', r.submittedOn));
  if (r.issuedOn) out.push(at('issued', r.issuedOn), at(daysColumn(daysBetween(r.submittedOn, r.issuedOn)), r.issuedOn));
  ruleDelta(out, placement, r.submittedOn);
  return out;
}

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

export const requestFacts: FactSpec<CriminalRecordRequest, JusticeMetric> = {
  table: 'criminal_record_requests',
  key: 'request_id',
  summary: justiceSummary,
  idOf: (r) => r.requestId,
  toRow: (r) => ({
    request_id: r.requestId,
    personal_id: r.personalId,
    commune_code: r.communeCode,
    commune_structure: r.communeStructure,
    channel: r.channel,
    submitted_on: r.submittedOn,
    issued_on: r.issuedOn,
    status: r.status,
  }),
  fromRow: (row) => ({
    requestId: String(row.request_id),
    personalId: String(row.personal_id),
    communeCode: String(row.commune_code),
    communeStructure: row.commune_structure as AreaStructure,
    channel: row.channel as RequestChannel,
    submittedOn: String(row.submitted_on),
    issuedOn: (row.issued_on as string | null) ?? null,
    status: row.status as RequestStatus,
  }),
  placementOf: requestPlacement,
  deltasOf: requestDeltas,
};

export const justiceMigrations: Record<string, Knex.Migration> = {
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
      await createSummaryTables(db, justiceSummary);
    },
    async down(db) {
      for (const t of ['criminal_record_requests', 'justice_summary_delta', 'justice_summary_year']) await db.schema.dropTable(t);
    },
  },
  // SQLite: the key becomes a unique index an import into an empty table can drop (lib/fact-store.ts).
  '002_key_as_unique_index': keysAsUniqueIndexes('criminal_record_requests'),
  '003_two_structures': twoStructuresMigration(requestFacts),
  // Month-end running totals replace the year-end ones (lib/summaries/month-totals.ts).
  '004_month_totals': monthTotalsMigration(justiceSummary),
};
