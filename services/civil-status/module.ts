/** The civil status domain: birth, marriage and death registrations and their digitization. */
import DataLoader from 'dataloader';
import { databaseSubgraph, type DomainModule } from '../../lib/domain';
import type { Db } from '../../lib/db';
import { getFacts } from '../../lib/fact-store';
import { createFigureLoader, figuresObject, type AreaStatsRef, type FigureFields } from '../../lib/figures';
import { requireAreaById } from '../../lib/areas';
import { todayFor } from '../../lib/today';
import { readableRecord, requirePersonAccess, requirePersonRole, type CitizenRef, type Identity } from '../../lib/auth';
import { demoPart } from '../../demo/seed';
import { type CivilStatusMetric, civilRecordFacts, civilStatusImport, civilStatusMigrations, civilStatusSummary, type CivilRecord, civilRecordPlacement } from './facts';
import { civilStatusIndicators } from './indicators';

/** The records that name each person, one statement for the whole batch, in key order. */
async function recordsNaming(db: Db, personalIds: readonly string[]): Promise<CivilRecord[][]> {
  const rows = await db('civil_records as r')
    .join('civil_record_persons as p', 'p.record_id', 'r.record_id')
    .whereIn('p.personal_id', personalIds)
    .select('r.*', 'p.personal_id as named')
    .orderBy('r.registered_on');
  const by = new Map<string, CivilRecord[]>(personalIds.map((id) => [id, []]));
  for (const row of rows) by.get(String(row.named))?.push(civilRecordFacts.fromRow(row));
  return personalIds.map((id) => by.get(id)!);
}

function createContext(db: Db, identity: Identity, today: string) {
  return {
    identity,
    records: new DataLoader<string, CivilRecord | null>((ids) => getFacts(db, civilRecordFacts, ids)),
    recordsNaming: new DataLoader<string, CivilRecord[]>((ids) => recordsNaming(db, ids)),
    figures: createFigureLoader(db, civilStatusSummary, { identity, today }),
  };
}
type Context = ReturnType<typeof createContext>;

export const FIGURES: FigureFields<CivilStatusMetric> = {
  births: ['flow', 'births'],
  marriages: ['flow', 'marriages'],
  deaths: ['flow', 'deaths'],
  records: ['stock', 'records'],
  digitizedRecords: ['stock', 'digitized_records'],
  recordsRegistered: ['flow', 'records'],
  recordsDigitized: ['flow', 'digitized_records'],
};

const resolvers = {
  Query: {
    civilStatusRecord: async (_: unknown, { id }: { id: string }, ctx: Context) => {
      requirePersonRole(ctx.identity, 'civil status records');
      return readableRecord(ctx.identity, await ctx.records.load(id), (r) => r.personalIds, (r) => civilRecordPlacement(r).newUnit);
    },
  },
  CivilStatusRecord: {
    id: (r: CivilRecord) => r.recordId,
    // The unit itself: its code and name are answered here (shareable), not by a geography fetch.
    commune: (r: CivilRecord) => civilRecordPlacement(r).newUnit,
  },
  Citizen: {
    __resolveReference: (ref: CitizenRef) => ref,
    civilStatusRecords: (c: CitizenRef, _: unknown, ctx: Context) => {
      requirePersonAccess(ctx.identity, requireAreaById(c.residenceCommuneId), `the civil status records of citizen ${c.id}`);
      return ctx.recordsNaming.load(c.id);
    },
  },
  AreaStats: {
    __resolveReference: (ref: AreaStatsRef) => ref,
    civilStatus: async (ref: AreaStatsRef, _: unknown, ctx: Context) => figuresObject(await ctx.figures.load(ref), FIGURES),
  },
};

export const civilStatusModule: DomainModule = {
  name: 'civil-status',
  port: 4005,
  imports: civilStatusImport,
  migrations: civilStatusMigrations,
  indicators: civilStatusIndicators,
  figures: { field: 'civilStatus', summary: civilStatusSummary, fields: FIGURES },
  createSubgraph: ({ db, config }) => databaseSubgraph('civil-status', db!, resolvers, (identity) => createContext(db!, identity, todayFor(config))),
  demo: demoPart(civilRecordFacts, ['civilRecords'], (c) => c.civilRecords),
};
