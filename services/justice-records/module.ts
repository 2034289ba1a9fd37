/** The justice records domain: criminal record certificate requests (phiếu lý lịch tư pháp). */
import DataLoader from 'dataloader';
import { databaseSubgraph, type DomainModule } from '../../lib/domain';
import type { Db } from '../../lib/db';
import { getFacts } from '../../lib/fact-store';
import { factsByColumn } from '../../lib/lookup';
import { createFigureLoader, figuresObject, type AreaStatsRef, type FigureFields } from '../../lib/figures';
import { requireAreaById } from '../../lib/areas';
import { todayFor } from '../../lib/today';
import { readableRecord, requirePersonAccess, requirePersonRole, type CitizenRef, type Identity } from '../../lib/auth';
import { demoPart } from '../../demo/seed';
import { type JusticeMetric, daysColumn, justiceMigrations, justiceRecordsImport, justiceSummary, MAX_TRACKED_DAYS, medianDays, requestFacts, type CriminalRecordRequest, requestPlacement } from './facts';
import { justiceRecordsIndicators } from './indicators';

function createContext(db: Db, identity: Identity, today: string) {
  return {
    identity,
    requests: new DataLoader<string, CriminalRecordRequest | null>((ids) => getFacts(db, requestFacts, ids)),
    requestsOf: new DataLoader<string, CriminalRecordRequest[]>((ids) => factsByColumn(db, requestFacts, 'personal_id', ids, 'submitted_on')),
    figures: createFigureLoader(db, justiceSummary, { identity, today }),
  };
}
type Context = ReturnType<typeof createContext>;

/** The smallest group of certificates whose median wait a caller of protected figures is given. */
export const MIN_MEDIAN_GROUP = 20;

const DAY_COLUMNS = Array.from({ length: MAX_TRACKED_DAYS + 2 }, (_, d) => daysColumn(d));

export const FIGURES: FigureFields<JusticeMetric> = {
  requests: ['flow', 'requests'],
  requestsViaVneid: ['flow', 'requests_vneid'],
  issued: ['flow', 'issued'],
  requestsToDate: ['stock', 'requests'],
  requestsViaVneidToDate: ['stock', 'requests_vneid'],
  issuedToDate: ['stock', 'issued'],
  // A median of a few waits tells about the people who waited: a caller who sees protected
  // figures gets it only for groups of at least MIN_MEDIAN_GROUP certificates issued.
  medianDaysToIssue: (reading) => {
    const issued = reading.flow.issued;
    if (reading.status.protected && (issued === null || issued < MIN_MEDIAN_GROUP)) return null;
    return medianDays(DAY_COLUMNS.map((c) => reading.flow[c] as number));
  },
};

const resolvers = {
  Query: {
    criminalRecordRequest: async (_: unknown, { id }: { id: string }, ctx: Context) => {
      requirePersonRole(ctx.identity, 'criminal record certificate requests');
      return readableRecord(ctx.identity, await ctx.requests.load(id), (r) => [r.personalId], (r) => requestPlacement(r).newUnit);
    },
  },
  CriminalRecordRequest: {
    id: (r: CriminalRecordRequest) => r.requestId,
    // The unit itself: its code and name are answered here (shareable), not by a geography fetch.
    commune: (r: CriminalRecordRequest) => requestPlacement(r).newUnit,
    applicant: (r: CriminalRecordRequest) => ({ id: r.personalId }),
  },
  Citizen: {
    __resolveReference: (ref: CitizenRef) => ref,
    criminalRecordRequests: (c: CitizenRef, _: unknown, ctx: Context) => {
      requirePersonAccess(ctx.identity, requireAreaById(c.residenceCommuneId), `the criminal record certificate requests of citizen ${c.id}`);
      return ctx.requestsOf.load(c.id);
    },
  },
  AreaStats: {
    __resolveReference: (ref: AreaStatsRef) => ref,
    justiceRecords: async (ref: AreaStatsRef, _: unknown, ctx: Context) => figuresObject(await ctx.figures.load(ref), FIGURES),
  },
};

export const justiceRecordsModule: DomainModule = {
  name: 'justice-records',
  port: 4006,
  imports: justiceRecordsImport,
  migrations: justiceMigrations,
  indicators: justiceRecordsIndicators,
  figures: { field: 'justiceRecords', summary: justiceSummary, fields: FIGURES },
  createSubgraph: ({ db, config }) => databaseSubgraph('justice-records', db!, resolvers, (identity) => createContext(db!, identity, todayFor(config))),
  demo: demoPart(requestFacts, ['criminalRecordRequests'], (c) => c.criminalRecordRequests),
};
