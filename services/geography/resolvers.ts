/**
 * Geography resolvers: administrative units from the shared reference module, and the
 * `AreaStats` entities (unit × period) that the data domains contribute figures to.
 */
import { getArea, searchAreas, childrenOf, requireArea, NATION_CODE, type Area, type AreaLevel } from '../../lib/admin-units';
import { badInput } from '../../lib/errors';
import { parsePeriod, periodSeries, type PeriodUnit } from '../../lib/periods';
import { requireAnyRole, type Identity } from '../../lib/auth';

const TYPE_OF_LEVEL: Record<AreaLevel, string> = { NATION: 'Nation', PROVINCE: 'Province', DISTRICT: 'District', COMMUNE: 'Commune' };
const MAX_SEARCH_RESULTS = 200;

interface StatsRef {
  areaCode: string;
  period: string;
}

interface Context {
  identity: Identity;
}

/** Names and codes are public; the figures behind `stats` and `series` need a role. */
const statsOf = (area: Area, period: string, ctx: Context): StatsRef => {
  requireAnyRole(ctx.identity, 'figures');
  return { areaCode: area.code, period: parsePeriod(period).label };
};

const areaFields = {
  stats: (area: Area, args: { period: string }, ctx: Context) => statsOf(area, args.period, ctx),
  series: (area: Area, args: { from: string; to: string; every: PeriodUnit }, ctx: Context) => {
    requireAnyRole(ctx.identity, 'figures');
    return periodSeries(args.from, args.to, args.every).map((p) => ({ areaCode: area.code, period: p.label }));
  },
};

export const geographyResolvers = {
  Query: {
    nation: () => getArea(NATION_CODE),
    provinces: () => childrenOf(NATION_CODE),
    province: (_: unknown, { code }: { code: string }) => requireArea(code, 'PROVINCE'),
    districts: (_: unknown, { provinceCode }: { provinceCode: string }) => childrenOf(requireArea(provinceCode, 'PROVINCE', 'provinceCode').code),
    district: (_: unknown, { code }: { code: string }) => requireArea(code, 'DISTRICT'),
    communes: (_: unknown, { districtCode }: { districtCode: string }) => childrenOf(requireArea(districtCode, 'DISTRICT', 'districtCode').code),
    commune: (_: unknown, { code }: { code: string }) => requireArea(code, 'COMMUNE'),
    area: (_: unknown, { code }: { code: string }) => requireArea(code),
    searchAreas: (_: unknown, args: { text: string; level?: AreaLevel; first?: number }) => {
      const first = args.first ?? 20;
      if (!Number.isInteger(first) || first < 1 || first > MAX_SEARCH_RESULTS) {
        throw badInput(`Invalid first ${first}: must be 1 to ${MAX_SEARCH_RESULTS}`, { argumentName: 'first', value: first });
      }
      if (args.text.length > 200) throw badInput('Invalid text: longer than 200 characters', { argumentName: 'text' });
      return searchAreas(args.text, { level: args.level ?? undefined, limit: first });
    },
    stats: (_: unknown, args: { areaCode: string; period: string }, ctx: Context) => statsOf(requireArea(args.areaCode, undefined, 'areaCode'), args.period, ctx),
  },
  Area: {
    __resolveType: (area: Area) => TYPE_OF_LEVEL[area.level],
  },
  Nation: {
    __resolveReference: (ref: { code: string }) => requireArea(ref.code, 'NATION'),
    provinces: () => childrenOf(NATION_CODE),
    ...areaFields,
  },
  Province: {
    __resolveReference: (ref: { code: string }) => requireArea(ref.code, 'PROVINCE'),
    nation: () => getArea(NATION_CODE),
    districts: (area: Area) => childrenOf(area.code),
    ...areaFields,
  },
  District: {
    __resolveReference: (ref: { code: string }) => requireArea(ref.code, 'DISTRICT'),
    province: (area: Area) => getArea(area.parentCode!),
    communes: (area: Area) => childrenOf(area.code),
    ...areaFields,
  },
  Commune: {
    __resolveReference: (ref: { code: string }) => requireArea(ref.code, 'COMMUNE'),
    district: (area: Area) => getArea(area.parentCode!),
    province: (area: Area) => getArea(getArea(area.parentCode!)!.parentCode!),
    ...areaFields,
  },
  AreaStats: {
    __resolveReference: (ref: StatsRef) => ({ areaCode: requireArea(ref.areaCode, undefined, 'areaCode').code, period: parsePeriod(ref.period).label }),
    area: (ref: StatsRef) => getArea(ref.areaCode),
    periodUnit: (ref: StatsRef) => parsePeriod(ref.period).unit,
    periodStart: (ref: StatsRef) => parsePeriod(ref.period).start,
    periodEnd: (ref: StatsRef) => parsePeriod(ref.period).end,
  },
};
