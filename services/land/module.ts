/** The land domain: cadastral parcels and their digitization. */
import DataLoader from 'dataloader';
import type { DomainModule } from '../../lib/domain';
import type { Db } from '../../lib/db';
import { getFacts } from '../../lib/fact-store';
import { createFigureLoader, withSuppressed, type AreaStatsRef } from '../../lib/figures';
import { requirePersonAccess, requirePersonRole, type CitizenRef, type Identity } from '../../lib/auth';
import { readSchema } from '../../lib/subgraph';
import { seedFromDemo } from '../../lib/seed';
import { landMigrations, landSummary, parcelFacts, type Parcel } from './facts';

/** The parcels each person owns, one statement for the batch, in key order. */
async function parcelsOwnedBy(db: Db, personalIds: readonly string[]): Promise<Parcel[][]> {
  const rows = await db('parcels').whereIn('owner_personal_id', personalIds).orderBy('parcel_id');
  const by = new Map<string, Parcel[]>(personalIds.map((id) => [id, []]));
  for (const row of rows) by.get(String(row.owner_personal_id))?.push(parcelFacts.fromRow(row));
  return personalIds.map((id) => by.get(id)!);
}

function createContext(db: Db, identity: Identity, threshold: number) {
  return {
    identity,
    parcelsOwnedBy: new DataLoader<string, Parcel[]>((ids) => parcelsOwnedBy(db, ids)),
    parcels: new DataLoader<string, Parcel | null>((ids) => getFacts(db, parcelFacts, ids)),
    // Parcels are not people: land figures are never suppressed.
    figures: createFigureLoader(db, landSummary, { identity, threshold, personMetrics: [] }),
  };
}
type Context = ReturnType<typeof createContext>;

const resolvers = {
  Query: {
    parcel: async (_: unknown, { id }: { id: string }, ctx: Context) => {
      requirePersonRole(ctx.identity, 'parcels and their owners');
      const parcel = await ctx.parcels.load(id);
      if (parcel) requirePersonAccess(ctx.identity, parcel.communeCode, `parcel ${id}`);
      return parcel;
    },
  },
  Parcel: {
    __resolveReference: async (ref: { id: string }, ctx: Context) => {
      const parcel = await ctx.parcels.load(ref.id);
      if (parcel) requirePersonAccess(ctx.identity, parcel.communeCode, `parcel ${ref.id}`);
      return parcel;
    },
    id: (p: Parcel) => p.parcelId,
    commune: (p: Parcel) => ({ code: p.communeCode }),
  },
  Citizen: {
    __resolveReference: (ref: CitizenRef) => ref,
    parcels: (c: CitizenRef, _: unknown, ctx: Context) => {
      requirePersonAccess(ctx.identity, c.residenceCommuneCode, `the parcels of citizen ${c.id}`);
      return ctx.parcelsOwnedBy.load(c.id);
    },
  },
  AreaStats: {
    __resolveReference: (ref: AreaStatsRef) => ref,
    land: async (ref: AreaStatsRef, _: unknown, ctx: Context) => {
      const { stock, flow } = await ctx.figures.load(ref);
      return withSuppressed({ parcels: stock.parcels, digitizedParcels: stock.digitized_parcels, parcelsDigitizedInPeriod: flow.digitized_parcels });
    },
  },
};

export const landModule: DomainModule = {
  name: 'land',
  migrations: landMigrations,
  createSubgraph: ({ db, config }) => ({
    name: 'land',
    typeDefs: readSchema('land'),
    resolvers,
    context: (identity) => createContext(db!, identity, config.SUPPRESSION_THRESHOLD),
    health: async () => void (await db!.raw('SELECT 1')),
    close: () => db!.destroy(),
  }),
  seedDemo: (db, options) => seedFromDemo(db, parcelFacts, options, (c) => c.parcels, ['parcels']),
};
