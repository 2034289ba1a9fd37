/** The justice records domain: criminal record certificate requests (phiếu lý lịch tư pháp). */
import DataLoader from 'dataloader';
import type { DomainModule } from '../../lib/domain';
import type { Db } from '../../lib/db';
import { getFacts } from '../../lib/fact-store';
import { createFigureLoader, type AreaStatsRef } from '../../lib/figures';
import { readSchema } from '../../lib/subgraph';
import { seedFromDemo } from '../../lib/seed';
import { daysColumn, justiceMigrations, justiceSummary, MAX_TRACKED_DAYS, medianDays, requestFacts, type CriminalRecordRequest } from './facts';

async function requestsOf(db: Db, personalIds: readonly string[]): Promise<CriminalRecordRequest[][]> {
  const rows = await db('criminal_record_requests').whereIn('personal_id', personalIds).orderBy('submitted_on');
  const by = new Map<string, CriminalRecordRequest[]>(personalIds.map((id) => [id, []]));
  for (const row of rows) by.get(String(row.personal_id))?.push(requestFacts.fromRow(row));
  return personalIds.map((id) => by.get(id)!);
}

function createContext(db: Db) {
  return {
    requests: new DataLoader<string, CriminalRecordRequest | null>((ids) => getFacts(db, requestFacts, ids)),
    requestsOf: new DataLoader<string, CriminalRecordRequest[]>((ids) => requestsOf(db, ids)),
    figures: createFigureLoader(db, justiceSummary),
  };
}
type Context = ReturnType<typeof createContext>;

const DAY_COLUMNS = Array.from({ length: MAX_TRACKED_DAYS + 2 }, (_, d) => daysColumn(d));

const resolvers = {
  Query: {
    criminalRecordRequest: (_: unknown, { id }: { id: string }, ctx: Context) => ctx.requests.load(id),
  },
  CriminalRecordRequest: {
    id: (r: CriminalRecordRequest) => r.requestId,
    commune: (r: CriminalRecordRequest) => ({ code: r.communeCode }),
    applicant: (r: CriminalRecordRequest) => ({ id: r.personalId }),
  },
  Citizen: {
    __resolveReference: (ref: { id: string }) => ref,
    criminalRecordRequests: (c: { id: string }, _: unknown, ctx: Context) => ctx.requestsOf.load(c.id),
  },
  AreaStats: {
    __resolveReference: (ref: AreaStatsRef) => ref,
    justiceRecords: async (ref: AreaStatsRef, _: unknown, ctx: Context) => {
      const { stock, flow } = await ctx.figures.load(ref);
      return {
        requests: flow.requests,
        requestsViaVneid: flow.requests_vneid,
        issued: flow.issued,
        requestsToDate: stock.requests,
        requestsViaVneidToDate: stock.requests_vneid,
        issuedToDate: stock.issued,
        medianDaysToIssue: medianDays(DAY_COLUMNS.map((c) => flow[c])),
      };
    },
  },
};

export const justiceRecordsModule: DomainModule = {
  name: 'justice-records',
  migrations: justiceMigrations,
  createSubgraph: ({ db }) => ({
    name: 'justice-records',
    typeDefs: readSchema('justice-records'),
    resolvers,
    context: () => createContext(db!),
    health: async () => void (await db!.raw('SELECT 1')),
    close: () => db!.destroy(),
  }),
  seedDemo: (db, options) => seedFromDemo(db, requestFacts, options, (c) => c.criminalRecordRequests, ['criminalRecordRequests']),
};
