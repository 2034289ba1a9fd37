/** The land domain: cadastral parcels and their digitization. */
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
import { type LandMetric, landImport, landMigrations, landSummary, parcelFacts, type Parcel, parcelPlacement } from './facts';
import { landIndicators } from './indicators';

function createContext(db: Db, identity: Identity, today: string) {
  return {
    identity,
    parcelsOwnedBy: new DataLoader<string, Parcel[]>((ids) => factsByColumn(db, parcelFacts, 'owner_personal_id', ids, 'parcel_id')),
    parcels: new DataLoader<string, Parcel | null>((ids) => getFacts(db, parcelFacts, ids)),
    // Parcels are not people: land figures are never suppressed.
    figures: createFigureLoader(db, landSummary, { identity, today }),
  };
}
type Context = ReturnType<typeof createContext>;

export const FIGURES: FigureFields<LandMetric> = {
  parcels: ['stock', 'parcels'],
  digitizedParcels: ['stock', 'digitized_parcels'],
  parcelsDigitizedInPeriod: ['flow', 'digitized_parcels'],
};

const resolvers = {
  Query: {
    parcel: async (_: unknown, { id }: { id: string }, ctx: Context) => {
      requirePersonRole(ctx.identity, 'parcels and their owners');
      return readableRecord(ctx.identity, await ctx.parcels.load(id), (p) => [p.ownerPersonalId], (p) => parcelPlacement(p).newUnit);
    },
  },
  Parcel: {
    __resolveReference: async (ref: { id: string }, ctx: Context) =>
      readableRecord(ctx.identity, await ctx.parcels.load(ref.id), (p) => [p.ownerPersonalId], (p) => parcelPlacement(p).newUnit),
    id: (p: Parcel) => p.parcelId,
    // The unit itself: its code and name are answered here (shareable), not by a geography fetch.
    commune: (p: Parcel) => parcelPlacement(p).newUnit,
  },
  Citizen: {
    __resolveReference: (ref: CitizenRef) => ref,
    parcels: (c: CitizenRef, _: unknown, ctx: Context) => {
      requirePersonAccess(ctx.identity, requireAreaById(c.residenceCommuneId), `the parcels of citizen ${c.id}`);
      return ctx.parcelsOwnedBy.load(c.id);
    },
  },
  AreaStats: {
    __resolveReference: (ref: AreaStatsRef) => ref,
    land: async (ref: AreaStatsRef, _: unknown, ctx: Context) => figuresObject(await ctx.figures.load(ref), FIGURES),
  },
};

export const landModule: DomainModule = {
  name: 'land',
  port: 4003,
  imports: landImport,
  migrations: landMigrations,
  indicators: landIndicators,
  figures: { field: 'land', summary: landSummary, fields: FIGURES },
  createSubgraph: ({ db, config }) => databaseSubgraph('land', db!, resolvers, (identity) => createContext(db!, identity, todayFor(config))),
  demo: demoPart(parcelFacts, ['parcels'], (c) => c.parcels),
};
