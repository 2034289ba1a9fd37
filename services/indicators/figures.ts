/**
 * The figures an indicator may read, as the domains declare them in their SDL: each domain adds
 * to `AreaStats` a figures object (a field whose type has `estimated`, `complete` and `protected`,
 * built by lib/figures.ts `figuresObject`), and each of that type's Int or Float fields is a
 * figure, named by its path `field.name` (`residency.population`). Int fields are counts, summed
 * by formulas; a Float (a median) is read by rankings but never summed.
 *
 * Both the generated parts of this subgraph's SDL (`npm run generate`, sdl.ts) and the formulas'
 * list of known figures at run time (formula.ts) come from here, so they cannot disagree.
 */
import { isObjectType, getNamedType, parse, type GraphQLObjectType } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { readSchema } from '../../lib/subgraph';
import type { DomainModule } from '../../lib/domain';

/** The fields every figures object has besides its figures, that indicators read too. */
export const FIGURE_FLAGS = ['estimated', 'complete', 'protected'] as const;

export interface Figure {
  name: string;
  /** A count (Int), summed by formulas; false for a median or another Float. */
  summable: boolean;
}

export interface FigureObject {
  /** The AreaStats field, e.g. `civilStatus`. */
  field: string;
  /** The domain (subgraph) that resolves it, e.g. `civil-status`. */
  domain: string;
  /** Its type, e.g. `CivilStatusFigures`. */
  type: GraphQLObjectType;
  /** Its AreaStats field as the domain declares it (for its description). */
  areaStatsField: { description?: string | null; astNode?: unknown };
  figures: readonly Figure[];
}

const isFiguresType = (t: unknown): t is GraphQLObjectType => isObjectType(t) && FIGURE_FLAGS.every((f) => f in t.getFields());

/** The figures objects one subgraph's SDL adds to AreaStats, in its field order. */
export function figureObjectsOf(domain: string, sdl: string): FigureObject[] {
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl) });
  const areaStats = schema.getType('AreaStats');
  if (!isObjectType(areaStats)) return [];
  return Object.values(areaStats.getFields()).flatMap((f) => {
    const type = getNamedType(f.type);
    if (!isFiguresType(type)) return [];
    const figures = Object.values(type.getFields())
      .map((g) => ({ name: g.name, type: getNamedType(g.type).name }))
      .filter((g) => g.type === 'Int' || g.type === 'Float')
      .map((g) => ({ name: g.name, summable: g.type === 'Int' }));
    return [{ field: f.name, domain, type, areaStatsField: f, figures }];
  });
}

/** Every domain's figures objects, in registry order; the indicators subgraph's own SDL (which copies them) is left out. */
export function figureObjects(modules: readonly DomainModule[]): FigureObject[] {
  return modules.filter((m) => m.name !== 'indicators').flatMap((m) => figureObjectsOf(m.name, readSchema(m.name)));
}

let registered: FigureObject[] | undefined;

/**
 * The registry's figures objects, read once when first needed: the registry lists this
 * subgraph's module too, so a top-level import would see it half-built (see catalog.ts).
 */
export function registeredFigureObjects(): readonly FigureObject[] {
  return (registered ??= figureObjects((require('../registry') as typeof import('../registry')).DOMAIN_MODULES));
}
