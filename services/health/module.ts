/** The health domain: e-health books (Sổ sức khỏe điện tử) and their integration into VNeID. */
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
import { type HealthMetric, healthImport, healthMigrations, healthRecordFacts, healthSummary, type HealthRecord, healthRecordPlacement } from './facts';
import { healthIndicators } from './indicators';

function createContext(db: Db, identity: Identity, today: string) {
  return {
    identity,
    records: new DataLoader<string, HealthRecord | null>((ids) => getFacts(db, healthRecordFacts, ids)),
    // A person's most recent book, should there be several.
    bookOf: new DataLoader<string, HealthRecord | null>(async (ids) => (await factsByColumn(db, healthRecordFacts, 'personal_id', ids, 'created_on')).map((books) => books.at(-1) ?? null)),
    figures: createFigureLoader(db, healthSummary, { identity, today }),
  };
}
type Context = ReturnType<typeof createContext>;

export const FIGURES: FigureFields<HealthMetric> = {
  eHealthRecords: ['stock', 'e_health_records'],
  integratedIntoVneid: ['stock', 'integrated'],
  eHealthRecordsCreated: ['flow', 'e_health_records'],
  integratedInPeriod: ['flow', 'integrated'],
};

const resolvers = {
  Query: {
    eHealthRecord: async (_: unknown, { id }: { id: string }, ctx: Context) => {
      requirePersonRole(ctx.identity, 'e-health books');
      return readableRecord(ctx.identity, await ctx.records.load(id), (r) => [r.personalId], (r) => healthRecordPlacement(r).newUnit);
    },
  },
  EHealthRecord: {
    id: (r: HealthRecord) => r.recordId,
    // The unit itself: its code and name are answered here (shareable), not by a geography fetch.
    commune: (r: HealthRecord) => healthRecordPlacement(r).newUnit,
    integratedIntoVneid: (r: HealthRecord) => r.integratedOn !== null,
  },
  Citizen: {
    __resolveReference: (ref: CitizenRef) => ref,
    eHealth: (c: CitizenRef, _: unknown, ctx: Context) => {
      requirePersonAccess(ctx.identity, requireAreaById(c.residenceCommuneId), `the e-health book of citizen ${c.id}`);
      return ctx.bookOf.load(c.id);
    },
  },
  AreaStats: {
    __resolveReference: (ref: AreaStatsRef) => ref,
    health: async (ref: AreaStatsRef, _: unknown, ctx: Context) => figuresObject(await ctx.figures.load(ref), FIGURES),
  },
};

export const healthModule: DomainModule = {
  name: 'health',
  port: 4007,
  imports: healthImport,
  migrations: healthMigrations,
  indicators: healthIndicators,
  figures: { field: 'health', summary: healthSummary, fields: FIGURES },
  createSubgraph: ({ db, config }) => databaseSubgraph('health', db!, resolvers, (identity) => createContext(db!, identity, todayFor(config))),
  demo: demoPart(healthRecordFacts, ['healthRecords'], (c) => c.healthRecords),
};
