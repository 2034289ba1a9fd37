/** The residency domain: citizens, their residence, chip ID cards and VNeID accounts. */
import DataLoader from 'dataloader';
import { databaseSubgraph, type DomainModule } from '../../lib/domain';
import type { Db } from '../../lib/db';
import { getFacts } from '../../lib/fact-store';
import { seedFromDemo } from '../../lib/seed';
import { createFigureLoader, type AreaStatsRef } from '../../lib/figures';
import { assertPersonalId } from '../../lib/personal-id';
import { requireArea } from '../../lib/admin-units';
import { badInput } from '../../lib/errors';
import { requirePersonAccess, requirePersonRole, type Identity } from '../../lib/auth';
import { withSuppressed, type FigureReadingWithSuppression } from '../../lib/figures';
import { citizenFacts, RESIDENCY_METRICS, residencyMigrations, residencySummary, type Citizen, type ResidencyMetric } from './facts';

const MAX_PAGE = 500;

/** A page of a commune's citizens by personal ID: the index (commune_code, personal_id) serves it. */
async function citizensOfCommune(db: Db, identity: Identity, args: { communeCode: string; first?: number | null; after?: string | null }) {
  requireArea(args.communeCode, 'COMMUNE', 'communeCode');
  requirePersonAccess(identity, args.communeCode, `the citizens of commune ${args.communeCode}`);
  const first = args.first ?? 50;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
    throw badInput(`Invalid first ${first}: must be 1 to ${MAX_PAGE}`, { argumentName: 'first', value: first });
  }
  if (args.after != null) assertPersonalId(args.after, 'after');
  const query = db('citizens').where('commune_code', args.communeCode).orderBy('personal_id').limit(first + 1);
  if (args.after != null) query.where('personal_id', '>', args.after);
  const [rows, [{ n }]] = await Promise.all([query, db('citizens').where('commune_code', args.communeCode).count({ n: '*' })]);
  const nodes = rows.slice(0, first).map(citizenFacts.fromRow);
  return {
    nodes,
    pageInfo: { endCursor: nodes.length ? nodes[nodes.length - 1].personalId : null, hasNextPage: rows.length > first },
    totalCount: Number(n),
  };
}

function createContext(db: Db, identity: Identity, threshold: number) {
  return {
    db,
    identity,
    citizens: new DataLoader<string, Citizen | null>((ids) => getFacts(db, citizenFacts, ids)),
    figures: createFigureLoader(db, residencySummary, { identity, threshold, personMetrics: RESIDENCY_METRICS }),
  };
}

/** A citizen, if the caller may read them: FORBIDDEN for one registered outside an officer's provinces. */
async function readableCitizen(ctx: Context, id: string): Promise<Citizen | null> {
  requirePersonRole(ctx.identity, 'citizens');
  const citizen = await ctx.citizens.load(id);
  if (citizen) requirePersonAccess(ctx.identity, citizen.communeCode, `citizen ${id}, registered in commune ${citizen.communeCode},`);
  return citizen;
}
type Context = ReturnType<typeof createContext>;

const toFigures = ({ stock, flow }: FigureReadingWithSuppression<ResidencyMetric>) => withSuppressed({
  population: stock.population,
  chipIdCards: stock.chip_id_cards,
  eidLevel1: stock.eid_level1,
  eidLevel2: stock.eid_level2,
  eidAccounts: stock.eid_accounts,
  eligiblePopulation: stock.eligible_population,
  newRegistrations: flow.population,
  chipIdCardsIssued: flow.chip_id_cards,
  eidAccountsActivated: flow.eid_accounts,
  eidLevel2Activated: flow.eid_level2,
});

const resolvers = {
  Query: {
    citizen: (_: unknown, { id }: { id: string }, ctx: Context) => readableCitizen(ctx, assertPersonalId(id)),
    citizens: (_: unknown, args: { communeCode: string; first?: number | null; after?: string | null }, ctx: Context) => citizensOfCommune(ctx.db, ctx.identity, args),
  },
  Citizen: {
    __resolveReference: (ref: { id: string }, ctx: Context) => readableCitizen(ctx, ref.id),
    id: (c: Citizen) => c.personalId,
    residenceCommune: (c: Citizen) => ({ code: c.communeCode }),
    residenceCommuneCode: (c: Citizen) => c.communeCode,
    residenceRegisteredOn: (c: Citizen) => c.registeredOn,
    chipIdCardIssuedOn: (c: Citizen) => c.chipCardIssuedOn,
    eidLevel1ActivatedOn: (c: Citizen) => c.eidLevel1On,
    eidLevel2ActivatedOn: (c: Citizen) => c.eidLevel2On,
    eidLevel: (c: Citizen) => (c.eidLevel2On ? 2 : c.eidLevel1On ? 1 : 0),
  },
  AreaStats: {
    __resolveReference: (ref: AreaStatsRef) => ref,
    residency: async (ref: AreaStatsRef, _: unknown, ctx: Context) => toFigures(await ctx.figures.load(ref)),
  },
};

export const residencyModule: DomainModule = {
  name: 'residency',
  migrations: residencyMigrations,
  createSubgraph: ({ db, config }) => databaseSubgraph('residency', db!, resolvers, (identity) => createContext(db!, identity, config.SUPPRESSION_THRESHOLD)),
  seedDemo: (db, options) => seedFromDemo(db, citizenFacts, options, (c) => c.citizens),
};
