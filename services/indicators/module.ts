/**
 * The indicators domain: no data of its own. Its `AreaStats.indicators` field `@requires` the
 * figures of the other domains, so the gateway fetches them first and hands them over in the
 * entity representations; this subgraph only divides.
 */
import type { DomainModule } from '../../lib/domain';
import { readSchema } from '../../lib/subgraph';
import { requireAnyRole, type Identity } from '../../lib/auth';
import { computeIndicator, INDICATOR_CATALOG } from './catalog';

type Representation = Record<string, unknown> & { areaId: string; period: string };

const resolvers = {
  Query: {
    indicatorCatalog: () => INDICATOR_CATALOG.map((d) => ({ ...d, formula: `${d.factor === 1 ? '' : `${d.factor} × `}${d.numerator} / ${d.denominator}` })),
  },
  AreaStats: {
    __resolveReference: (ref: Representation) => ref,
    indicators: (stats: Representation, _: unknown, ctx: { identity: Identity }) => {
      requireAnyRole(ctx.identity, 'indicators');
      const all = INDICATOR_CATALOG.map((d) => computeIndicator(d, stats));
      return { ...Object.fromEntries(all.map((v) => [v.id, v.value])), all, estimated: all.some((v) => v.estimated), complete: all.every((v) => v.complete) };
    },
  },
};

export const indicatorsModule: DomainModule = {
  name: 'indicators',
  createSubgraph: () => ({
    name: 'indicators',
    typeDefs: readSchema('indicators'),
    resolvers,
    context: (identity) => ({ identity }),
  }),
};
