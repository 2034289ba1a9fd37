/**
 * The indicators domain. Its `AreaStats.indicators`, `indicator` and `customIndicator` fields,
 * and its `Ranking.entries`, `@requires` the figures of the other domains, so the gateway fetches
 * them first (with the caller's identity: protected where the caller sees protected figures)
 * and hands them over in the entity representations; this subgraph only adds, divides and
 * orders. Its own database holds the indicators admins saved (store.ts).
 */
import { databaseSubgraph, type DomainModule } from '../../lib/domain';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { badInput } from '../../lib/errors';
import { dataChanged } from '../../lib/data-versions';
import { forbidden, isAdmin, requireAnyRole, unauthenticated, type Identity } from '../../lib/auth';
import { builtInFormula, builtInIndicators, computeIndicator, type IndicatorDefinition } from './catalog';
import { computeFormula, formulaText, requireFormula, sourceDomainsOf, unitOf, type Formula } from './formula';
import { deleteIndicator, indicatorMigrations, readSavedIndicators, saveIndicator, type IndicatorInput, type SavedIndicator } from './store';
import { rank, rankedValue, type EntriesArgs } from './ranking';

type Representation = Record<string, unknown> & { areaId: string; period: string };

interface Context {
  identity: Identity;
  /** The saved indicators, read once per request. */
  saved(): Promise<SavedIndicator[]>;
}

function createContext(db: Db, identity: Identity): Context {
  let saved: Promise<SavedIndicator[]> | undefined;
  return { identity, saved: () => (saved ??= readSavedIndicators(db)) };
}

const catalogEntry = (d: { id: string; name: string; nameVi: string; description: string }, f: Formula, builtIn: boolean) => ({
  id: d.id,
  name: d.name,
  nameVi: d.nameVi,
  description: d.description,
  formula: formulaText(f),
  numerator: f.numerator.join(' + '),
  denominator: f.denominator.join(' + '),
  numeratorFigures: f.numerator,
  denominatorFigures: f.denominator,
  factor: f.factor,
  unit: unitOf(f.factor),
  sourceDomains: builtIn ? (d as IndicatorDefinition).sourceDomains : sourceDomainsOf(f),
  builtIn,
});

/** The formula of an indicator of the catalogue, built-in or saved. */
async function formulaOf(ctx: Context): Promise<(id: string) => Formula | undefined> {
  const saved = await ctx.saved();
  return (id) => {
    const builtIn = builtInIndicators().find((d) => d.id === id);
    return builtIn ? builtInFormula(builtIn) : saved.find((d) => d.id === id);
  };
}

function requireAdmin(identity: Identity): void {
  if (identity.roles.length === 0) throw unauthenticated('Authentication required to change the indicator catalogue: send a bearer token');
  if (!isAdmin(identity)) throw forbidden('Only admins may change the indicator catalogue');
}

function resolvers(db: Db, config: Config) {
  return {
    Query: {
      indicatorCatalog: async (_: unknown, __: unknown, ctx: Context) => [
        ...builtInIndicators().map((d) => catalogEntry(d, builtInFormula(d), true)),
        ...(await ctx.saved()).map((d) => catalogEntry(d, d, false)),
      ],
    },
    Mutation: {
      saveIndicator: async (_: unknown, { definition }: { definition: IndicatorInput }, ctx: Context) => {
        requireAdmin(ctx.identity);
        const saved = await saveIndicator(db, definition, ctx.identity.sub ?? null);
        // Cached answers that read the catalogue or an indicator of this id are stale now.
        await dataChanged(config, 'indicators');
        return catalogEntry(saved, saved, false);
      },
      deleteIndicator: async (_: unknown, { id }: { id: string }, ctx: Context) => {
        requireAdmin(ctx.identity);
        const deleted = await deleteIndicator(db, id);
        if (deleted) await dataChanged(config, 'indicators');
        return deleted;
      },
    },
    AreaStats: {
      __resolveReference: (ref: Representation) => ref,
      indicators: (stats: Representation, _: unknown, ctx: Context) => {
        requireAnyRole(ctx.identity, 'indicators');
        const all = builtInIndicators().map((d) => computeIndicator(d, stats));
        return { ...Object.fromEntries(all.map((v) => [v.id, v.value])), all, estimated: all.some((v) => v.estimated), complete: all.every((v) => v.complete) };
      },
      indicator: async (stats: Representation, { id }: { id: string }, ctx: Context) => {
        requireAnyRole(ctx.identity, 'indicators');
        const formula = (await formulaOf(ctx))(id);
        if (!formula) throw badInput(`Unknown indicator "${id}": give an id of indicatorCatalog`, { argumentName: 'id', value: id });
        return computeFormula(id, formula, stats);
      },
      customIndicator: (stats: Representation, args: { numerator: string[]; denominator: string[]; factor?: number | null }, ctx: Context) => {
        requireAnyRole(ctx.identity, 'indicators');
        return computeFormula('custom', requireFormula(args.numerator, args.denominator, args.factor), stats);
      },
    },
    Ranking: {
      __resolveReference: (ref: Record<string, unknown>) => ref,
      entries: async (ranking: { units?: Representation[] }, args: EntriesArgs, ctx: Context) => {
        requireAnyRole(ctx.identity, 'rankings');
        const ranked = rankedValue(args, await formulaOf(ctx));
        return rank(ranking.units ?? [], ranked, args.order ?? 'DESC', args.first);
      },
    },
  };
}

export const indicatorsModule: DomainModule = {
  name: 'indicators',
  port: 4004,
  migrations: indicatorMigrations,
  createSubgraph: ({ db, config }) => databaseSubgraph('indicators', db!, resolvers(db!, config), (identity) => createContext(db!, identity)),
};
