/** The residency domain: citizens, their residence history, chip ID cards and VNeID accounts. */
import DataLoader from 'dataloader';
import { communesIn, linkedAreas, placeOf, requireArea, structureOf, type Area, type AreaStructure } from '../../lib/areas';
import { databaseSubgraph, type DomainModule } from '../../lib/domain';
import type { Db } from '../../lib/db';
import { getFacts } from '../../lib/fact-store';
import { demoPart } from '../../demo/seed';
import { createFigureLoader, figuresObject, type AreaStatsRef, type FigureFields } from '../../lib/figures';
import { assertPersonalId } from '../../lib/personal-id';
import { badInput } from '../../lib/errors';
import { todayFor } from '../../lib/today';
import { isOfficerOnly, outOfScope, requirePersonAccess, requirePersonRole, type Identity } from '../../lib/auth';
import { citizenFacts, citizenPlacement, residencyImport, residencyMigrations, residencySummary, type Citizen, type ResidencyMetric } from './facts';
import { residencyIndicators } from './indicators';

const MAX_PAGE = 500;

/**
 * A page of the citizens living in a commune today (either structure), by personal ID. Citizens
 * are stored with the commune their record names: those of a two-tier commune are the ones
 * recorded there and those recorded in its predecessors whose placement falls in it (a split
 * old commune's citizens are shared by rule); the index (commune_code, personal_id) serves both.
 */
async function citizensOfCommune(ctx: Context, args: { communeCode: string; structure?: AreaStructure | null; asOf?: string | null; first?: number | null; after?: string | null }) {
  const structure = structureOf(args, ctx.today);
  const commune = requireArea(args.communeCode, structure, { level: 'COMMUNE', argumentName: 'communeCode' });
  requirePersonAccess(ctx.identity, commune, `the citizens of commune ${args.communeCode}`);
  const first = args.first ?? 50;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
    throw badInput(`Invalid first ${first}: must be 1 to ${MAX_PAGE}`, { argumentName: 'first', value: first });
  }
  if (args.after != null) assertPersonalId(args.after, 'after');
  // Where such citizens may be recorded: the commune itself, and the units of the other structure it overlaps.
  const other = structure === 'TWO_TIER' ? linkedAreas(commune, 'predecessors') : communesIn(commune, 'THREE_TIER').flatMap((c) => linkedAreas(c, 'successors'));
  const recorded = (q: ReturnType<Db>) =>
    q.where((w) => {
      w.where({ commune_structure: structure, commune_code: commune.code });
      const codes = other.filter((a) => a.level === 'COMMUNE').map((a) => a.code);
      if (codes.length) w.orWhere((o) => o.where('commune_structure', structure === 'TWO_TIER' ? 'THREE_TIER' : 'TWO_TIER').whereIn('commune_code', codes));
    }).whereNull('residence_ended_on');
  const livesHere = (c: Citizen) => {
    const p = citizenPlacement(c);
    return (structure === 'TWO_TIER' ? p.newUnit : p.oldUnit).id === commune.id;
  };
  const nodes: Citizen[] = [];
  let after = args.after ?? null;
  let more = false;
  // Rows recorded in a neighbouring unit may belong elsewhere: read on until the page is full.
  for (;;) {
    const query = recorded(ctx.db('citizens')).orderBy('personal_id').limit(first + 1);
    if (after !== null) query.where('personal_id', '>', after);
    const rows = await query;
    for (const row of rows) {
      const c = citizenFacts.fromRow(row);
      if (!livesHere(c)) continue;
      if (nodes.length === first) {
        more = true;
        break;
      }
      nodes.push(c);
    }
    if (more || rows.length <= first) break;
    after = String(rows[rows.length - 1].personal_id);
  }
  const all = await recorded(ctx.db('citizens')).select('*');
  return {
    nodes,
    pageInfo: { endCursor: nodes.length ? nodes[nodes.length - 1].personalId : null, hasNextPage: more },
    totalCount: all.map(citizenFacts.fromRow).filter(livesHere).length,
  };
}

function createContext(db: Db, identity: Identity, today: string) {
  return {
    db,
    identity,
    today,
    citizens: new DataLoader<string, Citizen | null>((ids) => getFacts(db, citizenFacts, ids)),
    figures: createFigureLoader(db, residencySummary, { identity, today }),
  };
}
type Context = ReturnType<typeof createContext>;

/**
 * A citizen, if the caller may read them. An officer is refused, in the same words, a citizen
 * registered outside their provinces and an ID nobody holds: the refusal says neither where the
 * person lives nor whether they exist. An admin gets null for an unknown ID.
 */
async function readableCitizen(ctx: Context, id: string): Promise<Citizen | null> {
  requirePersonRole(ctx.identity, 'citizens');
  const citizen = await ctx.citizens.load(id);
  if (!citizen) {
    if (isOfficerOnly(ctx.identity)) throw outOfScope();
    return null;
  }
  requirePersonAccess(ctx.identity, citizenPlacement(citizen).newUnit, 'this citizen');
  return citizen;
}

export const FIGURES: FigureFields<ResidencyMetric> = {
  population: ['stock', 'population'],
  chipIdCards: ['stock', 'chip_id_cards'],
  eidLevel1: ['stock', 'eid_level1'],
  eidLevel2: ['stock', 'eid_level2'],
  // The sum of the two published levels: no difference of published figures tells more than one of them.
  eidAccounts: (r) => (r.stock.eid_level1 === null || r.stock.eid_level2 === null ? null : r.stock.eid_level1 + r.stock.eid_level2),
  eligiblePopulation: ['stock', 'eligible_population'],
  newRegistrations: ['flow', 'registrations'],
  residencesEnded: ['flow', 'departures'],
  chipIdCardsIssued: ['flow', 'chip_cards_issued'],
  eidAccountsActivated: ['flow', 'eid_accounts_activated'],
  eidLevel2Activated: ['flow', 'eid_level2_activated'],
};

/** Every residence of a citizen, oldest first, with the unit each lies in today. */
function residenceHistory(c: Citizen) {
  const all = [...c.previousResidences, c];
  return all.map((r, i) => {
    const placement = placeOf(r.communeCode, r.communeStructure, c.personalId, 'people');
    return {
      // The units themselves: their code and name are answered here (shareable), not by another fetch.
      recordedCommune: r.communeStructure === 'TWO_TIER' ? placement.newUnit : placement.oldUnit,
      commune: placement.newUnit,
      registeredOn: r.registeredOn,
      endedOn: i + 1 < all.length ? all[i + 1].registeredOn : c.residenceEndedOn,
    };
  });
}

const currentCommune = (c: Citizen): Area => citizenPlacement(c).newUnit;

const resolvers = {
  Query: {
    citizen: (_: unknown, { id }: { id: string }, ctx: Context) => readableCitizen(ctx, assertPersonalId(id)),
    citizens: (_: unknown, args: Parameters<typeof citizensOfCommune>[1], ctx: Context) => citizensOfCommune(ctx, args),
  },
  Citizen: {
    __resolveReference: (ref: { id: string }, ctx: Context) => readableCitizen(ctx, ref.id),
    id: (c: Citizen) => c.personalId,
    residenceCommune: (c: Citizen) => currentCommune(c),
    residenceCommuneId: (c: Citizen) => currentCommune(c).id,
    residenceCommuneCode: (c: Citizen) => currentCommune(c).code,
    residenceRegisteredOn: (c: Citizen) => c.registeredOn,
    residenceHistory,
    chipIdCardIssuedOn: (c: Citizen) => c.chipCardIssuedOn,
    eidLevel1ActivatedOn: (c: Citizen) => c.eidLevel1On,
    eidLevel2ActivatedOn: (c: Citizen) => c.eidLevel2On,
    eidLevel: (c: Citizen) => (c.eidLevel2On ? 2 : c.eidLevel1On ? 1 : 0),
  },
  AreaStats: {
    __resolveReference: (ref: AreaStatsRef) => ref,
    residency: async (ref: AreaStatsRef, _: unknown, ctx: Context) => figuresObject(await ctx.figures.load(ref), FIGURES),
  },
};

export const residencyModule: DomainModule = {
  name: 'residency',
  port: 4002,
  imports: residencyImport,
  migrations: residencyMigrations,
  indicators: residencyIndicators,
  figures: { field: 'residency', summary: residencySummary, fields: FIGURES },
  createSubgraph: ({ db, config }) => databaseSubgraph('residency', db!, resolvers, (identity) => createContext(db!, identity, todayFor(config))),
  demo: demoPart(citizenFacts, [], (c) => c.citizens),
};

