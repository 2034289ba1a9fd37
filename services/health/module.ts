/** The health domain: e-health books (Sổ sức khỏe điện tử) and their integration into VNeID. */
import DataLoader from 'dataloader';
import type { DomainModule } from '../../lib/domain';
import type { Db } from '../../lib/db';
import { getFacts } from '../../lib/fact-store';
import { createFigureLoader, withSuppressed, type AreaStatsRef } from '../../lib/figures';
import { requirePersonAccess, requirePersonRole, type CitizenRef, type Identity } from '../../lib/auth';
import { readSchema } from '../../lib/subgraph';
import { seedFromDemo } from '../../lib/seed';
import { HEALTH_METRICS, healthMigrations, healthRecordFacts, healthSummary, type HealthRecord } from './facts';

/** Each person's most recent e-health book, one statement for the batch, in key order. */
async function bookOf(db: Db, personalIds: readonly string[]): Promise<(HealthRecord | null)[]> {
  const rows = await db('e_health_records').whereIn('personal_id', personalIds).orderBy('created_on');
  const by = new Map<string, HealthRecord>();
  for (const row of rows) by.set(String(row.personal_id), healthRecordFacts.fromRow(row));
  return personalIds.map((id) => by.get(id) ?? null);
}

function createContext(db: Db, identity: Identity, threshold: number) {
  return {
    identity,
    records: new DataLoader<string, HealthRecord | null>((ids) => getFacts(db, healthRecordFacts, ids)),
    bookOf: new DataLoader<string, HealthRecord | null>((ids) => bookOf(db, ids)),
    figures: createFigureLoader(db, healthSummary, { identity, threshold, personMetrics: HEALTH_METRICS }),
  };
}
type Context = ReturnType<typeof createContext>;

const resolvers = {
  Query: {
    eHealthRecord: async (_: unknown, { id }: { id: string }, ctx: Context) => {
      requirePersonRole(ctx.identity, 'e-health books');
      const record = await ctx.records.load(id);
      if (record) requirePersonAccess(ctx.identity, record.communeCode, `e-health book ${id}`);
      return record;
    },
  },
  EHealthRecord: {
    id: (r: HealthRecord) => r.recordId,
    commune: (r: HealthRecord) => ({ code: r.communeCode }),
    integratedIntoVneid: (r: HealthRecord) => r.integratedOn !== null,
  },
  Citizen: {
    __resolveReference: (ref: CitizenRef) => ref,
    eHealth: (c: CitizenRef, _: unknown, ctx: Context) => {
      requirePersonAccess(ctx.identity, c.residenceCommuneCode, `the e-health book of citizen ${c.id}`);
      return ctx.bookOf.load(c.id);
    },
  },
  AreaStats: {
    __resolveReference: (ref: AreaStatsRef) => ref,
    health: async (ref: AreaStatsRef, _: unknown, ctx: Context) => {
      const { stock, flow } = await ctx.figures.load(ref);
      return withSuppressed({
        eHealthRecords: stock.e_health_records,
        integratedIntoVneid: stock.integrated,
        eHealthRecordsCreated: flow.e_health_records,
        integratedInPeriod: flow.integrated,
      });
    },
  },
};

export const healthModule: DomainModule = {
  name: 'health',
  migrations: healthMigrations,
  createSubgraph: ({ db, config }) => ({
    name: 'health',
    typeDefs: readSchema('health'),
    resolvers,
    context: (identity) => createContext(db!, identity, config.SUPPRESSION_THRESHOLD),
    health: async () => void (await db!.raw('SELECT 1')),
    close: () => db!.destroy(),
  }),
  seedDemo: (db, options) => seedFromDemo(db, healthRecordFacts, options, (c) => c.healthRecords, ['healthRecords']),
};
