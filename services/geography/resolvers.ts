/**
 * Geography resolvers: administrative units of both structures from the shared reference module
 * (lib/areas), and the `AreaStats` entities (unit × period) that the data domains contribute
 * figures to.
 */
import {
  areasOfLevel, childrenOf, communesIn, getArea, linkedAreas, nation, provinceOf, requireArea, requireAreaById, searchAreas, structureOf, structureOn,
  REFORM_DATE, LAST_DAY_BEFORE_REFORM, STRUCTURES, STRUCTURE_VALIDITY, type Area, type AreaLevel, type AreaStructure, type StructureArgs,
} from '../../lib/areas';
import { badInput } from '../../lib/errors';
import { requireStarted } from '../../lib/figures';
import { parsePeriod } from '../../lib/periods';
import { resolvePeriod, seriesPeriods, type SeriesArgs } from '../../lib/relative-periods';
import { requireAnyRole, type Identity } from '../../lib/auth';
import { ranking, rankingResolvers, type RankingArgs } from './ranking';

const TYPE_OF_LEVEL: Record<AreaLevel, string> = { NATION: 'Nation', PROVINCE: 'Province', DISTRICT: 'District', COMMUNE: 'Commune' };
const MAX_SEARCH_RESULTS = 200;

interface StatsRef {
  areaId: string;
  period: string;
}

export interface GeographyContext {
  identity: Identity;
  /** Today in Viet Nam, `YYYY-MM-DD` (lib/today.ts). */
  today: string;
}

/** Names and codes are public; the figures behind `stats` and `series` need a role. */
function statsOf(area: Area, period: string, ctx: GeographyContext): StatsRef {
  requireAnyRole(ctx.identity, 'figures');
  const p = resolvePeriod(period, ctx.today);
  requireStarted(p, ctx.today);
  return { areaId: area.id, period: p.label };
}

const areaFields = {
  validFrom: (area: Area) => (area.structure ? STRUCTURE_VALIDITY[area.structure].validFrom : null),
  validTo: (area: Area) => (area.structure ? STRUCTURE_VALIDITY[area.structure].validTo : null),
  inForce: (area: Area, _: unknown, ctx: GeographyContext) => area.structure === null || area.structure === structureOn(ctx.today),
  successors: (area: Area) => area.successors.map((l) => ({ ...l, area: getArea(l.areaId) })),
  predecessors: (area: Area) => area.predecessors.map((l) => ({ ...l, area: getArea(l.areaId) })),
  stats: (area: Area, args: { period: string }, ctx: GeographyContext) => statsOf(area, args.period, ctx),
  series: (area: Area, args: SeriesArgs, ctx: GeographyContext) => {
    requireAnyRole(ctx.identity, 'figures');
    const periods = seriesPeriods(args, ctx.today);
    const late = periods.find((p) => p.start > ctx.today);
    if (late) requireStarted(late, ctx.today, 'to');
    return periods.map((p) => ({ areaId: area.id, period: p.label }));
  },
};

/** What an analyst should know about a unit in a period when it was not in force then. */
function unitNote(area: Area, start: string, end: string): string | null {
  if (area.structure === 'THREE_TIER' && end >= REFORM_DATE) {
    const into = linkedAreas(area, 'successors').slice(0, 5).map((a) => `${a.code} ${a.name}`);
    const more = area.successors.length > 5 ? ` and ${area.successors.length - 5} more` : '';
    return `${area.name} (${area.code}) was abolished on ${REFORM_DATE} (passed into ${into.join(', ')}${more}); figures after ${LAST_DAY_BEFORE_REFORM} are its former territory's, re-aggregated from the facts.`;
  }
  if (area.structure === 'TWO_TIER' && start < REFORM_DATE) {
    const from = linkedAreas(area, 'predecessors');
    const names = from.slice(0, 5).map((a) => `${a.code} ${a.name}`).join(', ') + (from.length > 5 ? ` and ${from.length - 5} more` : '');
    return `${area.name} (${area.code}) was created on ${REFORM_DATE} from ${names}; figures before that are its territory's, re-aggregated from the facts.`;
  }
  return null;
}

export const geographyResolvers = {
  Query: {
    nation: () => nation(),
    provinces: (_: unknown, args: StructureArgs, ctx: GeographyContext) => childrenOf(nation(), structureOf(args, ctx.today)),
    province: (_: unknown, args: { code: string } & StructureArgs, ctx: GeographyContext) => requireArea(args.code, structureOf(args, ctx.today), { level: 'PROVINCE' }),
    districts: (_: unknown, { provinceCode }: { provinceCode: string }) => childrenOf(requireArea(provinceCode, 'THREE_TIER', { level: 'PROVINCE', argumentName: 'provinceCode' })),
    district: (_: unknown, { code }: { code: string }) => requireArea(code, 'THREE_TIER', { level: 'DISTRICT' }),
    communes: (_: unknown, args: { districtCode?: string | null; provinceCode?: string | null } & StructureArgs, ctx: GeographyContext) => {
      if ((args.districtCode == null) === (args.provinceCode == null)) throw badInput('Give exactly one of districtCode and provinceCode', { argumentName: 'districtCode' });
      if (args.districtCode != null) return childrenOf(requireArea(args.districtCode, 'THREE_TIER', { level: 'DISTRICT', argumentName: 'districtCode' }));
      const structure = structureOf(args, ctx.today);
      return communesIn(requireArea(args.provinceCode!, structure, { level: 'PROVINCE', argumentName: 'provinceCode' }), structure);
    },
    commune: (_: unknown, args: { code: string } & StructureArgs, ctx: GeographyContext) => requireArea(args.code, structureOf(args, ctx.today), { level: 'COMMUNE' }),
    area: (_: unknown, args: { code: string } & StructureArgs, ctx: GeographyContext) => requireArea(args.code, structureOf(args, ctx.today)),
    areaById: (_: unknown, { id }: { id: string }) => requireAreaById(id, 'id'),
    searchAreas: (_: unknown, args: { text: string; level?: AreaLevel; structure?: AreaStructure; first?: number }, ctx: GeographyContext) => {
      const first = args.first ?? 20;
      if (!Number.isInteger(first) || first < 1 || first > MAX_SEARCH_RESULTS) {
        throw badInput(`Invalid first ${first}: must be 1 to ${MAX_SEARCH_RESULTS}`, { argumentName: 'first', value: first });
      }
      if (args.text.length > 200) throw badInput('Invalid text: longer than 200 characters', { argumentName: 'text' });
      return searchAreas(args.text, { level: args.level ?? undefined, structure: args.structure ?? undefined, current: structureOn(ctx.today), limit: first });
    },
    stats: (_: unknown, args: { areaCode: string; period: string } & StructureArgs, ctx: GeographyContext) =>
      statsOf(requireArea(args.areaCode, structureOf(args, ctx.today), { argumentName: 'areaCode' }), args.period, ctx),
    areaStructures: (_: unknown, __: unknown, ctx: GeographyContext) =>
      STRUCTURES.map((structure) => ({
        structure,
        description: structure === 'THREE_TIER' ? 'Provinces, districts and communes (official list of 4 January 2025)' : 'Provinces and communes, no districts (crosswalk of 1 July 2025)',
        ...STRUCTURE_VALIDITY[structure],
        inForce: structure === structureOn(ctx.today),
        provinces: areasOfLevel('PROVINCE', structure).length,
        districts: areasOfLevel('DISTRICT', structure).length,
        communes: areasOfLevel('COMMUNE', structure).length,
      })),
    today: (_: unknown, __: unknown, ctx: GeographyContext) => ctx.today,
    ranking: (_: unknown, args: RankingArgs, ctx: GeographyContext) => ranking(args, ctx),
  },
  ...rankingResolvers,
  Area: {
    __resolveType: (area: Area) => TYPE_OF_LEVEL[area.level],
  },
  Nation: {
    __resolveReference: () => nation(),
    provinces: (_: Area, args: StructureArgs, ctx: GeographyContext) => childrenOf(nation(), structureOf(args, ctx.today)),
    ...areaFields,
  },
  Province: {
    __resolveReference: (ref: { id: string }) => requireAreaById(ref.id, 'id'),
    nation: () => nation(),
    districts: (area: Area) => (area.structure === 'THREE_TIER' ? childrenOf(area) : []),
    communes: (area: Area) => communesIn(area, area.structure!),
    ...areaFields,
  },
  District: {
    __resolveReference: (ref: { id: string }) => requireAreaById(ref.id, 'id'),
    province: (area: Area) => getArea(area.parentId!),
    communes: (area: Area) => childrenOf(area),
    ...areaFields,
  },
  Commune: {
    __resolveReference: (ref: { id: string }) => requireAreaById(ref.id, 'id'),
    district: (area: Area) => (area.structure === 'THREE_TIER' ? getArea(area.parentId!) : null),
    province: (area: Area) => provinceOf(area),
    ...areaFields,
  },
  AreaStats: {
    __resolveReference: (ref: StatsRef, ctx: GeographyContext) => {
      const period = parsePeriod(ref.period);
      requireStarted(period, ctx.today);
      return { areaId: requireAreaById(ref.areaId).id, period: period.label };
    },
    areaCode: (ref: StatsRef) => getArea(ref.areaId)!.code,
    structure: (ref: StatsRef) => getArea(ref.areaId)!.structure,
    area: (ref: StatsRef) => getArea(ref.areaId),
    periodUnit: (ref: StatsRef) => parsePeriod(ref.period).unit,
    periodStart: (ref: StatsRef) => parsePeriod(ref.period).start,
    periodEnd: (ref: StatsRef) => parsePeriod(ref.period).end,
    complete: (ref: StatsRef, _: unknown, ctx: GeographyContext) => parsePeriod(ref.period).end < ctx.today,
    figuresAsOf: (ref: StatsRef, _: unknown, ctx: GeographyContext) => {
      const end = parsePeriod(ref.period).end;
      return end < ctx.today ? end : ctx.today;
    },
    unitInForce: (ref: StatsRef) => {
      const p = parsePeriod(ref.period);
      return unitNote(getArea(ref.areaId)!, p.start, p.end) === null;
    },
    unitNote: (ref: StatsRef) => {
      const p = parsePeriod(ref.period);
      return unitNote(getArea(ref.areaId)!, p.start, p.end);
    },
  },
};
