/**
 * The units a ranking ranks: geography's part of `Query.ranking`. It names the units of one
 * level (optionally within a parent unit) in one period, as `AreaStats` entities; the indicators
 * subgraph's `Ranking.entries` requires their figures, which the gateway fetches for all of them
 * at once (one entity fetch per domain, read with one SQL statement each) with the caller's
 * identity, so the order is computed on the very values the caller may see.
 */
import { areasOfLevel, childrenOf, communesIn, nation, requireArea, requireAreaById, structureOf, type Area, type AreaLevel, type AreaStructure, type StructureArgs } from '../../lib/areas';
import { requireAnyRole } from '../../lib/auth';
import { badInput } from '../../lib/errors';
import { requireStarted } from '../../lib/figures';
import { resolvePeriod } from '../../lib/relative-periods';
import type { GeographyContext } from './resolvers';

export interface RankingArgs extends StructureArgs {
  level: AreaLevel;
  period: string;
  parentCode?: string | null;
}

export interface RankingRef {
  id: string;
}

const LEVEL_ORDER: AreaLevel[] = ['NATION', 'PROVINCE', 'DISTRICT', 'COMMUNE'];

/** The ranking's id: structure, level, parent and period, e.g. `TWO_TIER|COMMUNE|TWO_TIER:31|2024-11`. */
export function rankingId(structure: AreaStructure, level: AreaLevel, parent: Area, period: string): string {
  return [structure, level, parent.id, period].join('|');
}

/** What a ranking's id stands for; a malformed id is a BAD_USER_INPUT error. */
export function readRankingId(id: string): { structure: AreaStructure; level: AreaLevel; parent: Area; period: string } {
  const [structure, level, parentId, period] = id.split('|');
  if ((structure !== 'TWO_TIER' && structure !== 'THREE_TIER') || !LEVEL_ORDER.includes(level as AreaLevel) || period === undefined) {
    throw badInput(`Invalid ranking id "${id}"`, { argumentName: 'id', value: id });
  }
  return { structure, level: level as AreaLevel, parent: requireAreaById(parentId, 'id'), period };
}

/** The units of `level` within `parent` in `structure`, ordered by code. */
export function unitsOf(structure: AreaStructure, level: AreaLevel, parent: Area): Area[] {
  if (parent.level === 'NATION') return areasOfLevel(level, structure);
  if (level === 'COMMUNE') return parent.level === 'PROVINCE' ? communesIn(parent, structure) : childrenOf(parent);
  return childrenOf(parent, structure);
}

/** Checks the arguments of `Query.ranking` and gives its entity reference. */
export function ranking(args: RankingArgs, ctx: GeographyContext): RankingRef {
  requireAnyRole(ctx.identity, 'figures');
  const structure = structureOf(args, ctx.today);
  if (args.level === 'NATION') throw badInput('Invalid level NATION: a ranking ranks provinces, districts or communes', { argumentName: 'level', value: args.level });
  if (args.level === 'DISTRICT' && structure === 'TWO_TIER') {
    throw badInput('Invalid level DISTRICT: the two-tier structure has no districts; ask with structure: THREE_TIER', { argumentName: 'level', value: args.level });
  }
  const period = resolvePeriod(args.period, ctx.today);
  requireStarted(period, ctx.today);
  let parent = nation();
  if (args.parentCode != null) {
    parent = requireArea(args.parentCode, structure, { argumentName: 'parentCode' });
    if (LEVEL_ORDER.indexOf(parent.level) >= LEVEL_ORDER.indexOf(args.level)) {
      throw badInput(`Invalid parentCode "${args.parentCode}": ${parent.name} is a ${parent.level.toLowerCase()}, not above the ${args.level.toLowerCase()} level`, { argumentName: 'parentCode', value: args.parentCode });
    }
  }
  return { id: rankingId(structure, args.level, parent, period.label) };
}

export const rankingResolvers = {
  Ranking: {
    __resolveReference: (ref: RankingRef) => {
      readRankingId(ref.id);
      return { id: ref.id };
    },
    structure: (ref: RankingRef) => readRankingId(ref.id).structure,
    level: (ref: RankingRef) => readRankingId(ref.id).level,
    parent: (ref: RankingRef) => readRankingId(ref.id).parent,
    period: (ref: RankingRef) => readRankingId(ref.id).period,
    units: (ref: RankingRef) => {
      const { structure, level, parent, period } = readRankingId(ref.id);
      return unitsOf(structure, level, parent).map((a) => ({ areaId: a.id, period }));
    },
  },
};
