/**
 * Figures in the shape the GraphQL schema returns them, for the two targets that bypass the
 * subgraphs (monolith, sql). They read the summaries through the very loader the domains' subgraphs
 * use (lib/figures.ts `createFigureLoader`: one statement per batch, today's clamp, the delivery
 * date, `estimated`, protection) and build each figures object with `figuresObject` from each
 * domain's own declaration of its figures (its module's `figures`: AreaStats field, summaries,
 * map of fields to summary columns), so the semantics are the graph's own, and a domain added to
 * the registry is read here too. Copied here: the indicators subgraph's flags. The cross-target
 * comparison of every first response is what proves them alike.
 */
import type DataLoader from 'dataloader';
import type { Identity } from '../../lib/auth';
import type { Db } from '../../lib/db';
import type { DomainFigures } from '../../lib/domain';
import { createFigureLoader, figuresObject, type AreaStatsRef, type FigureReadingWithSuppression } from '../../lib/figures';
import { computeIndicator } from '../../services/indicators/catalog';
import { DOMAIN_MODULES, INDICATOR_CATALOG } from '../../services/registry';

type Reading = FigureReadingWithSuppression<string>;
export type FiguresObject = Record<string, unknown>;

export interface FigureField extends DomainFigures<string> {
  /** The service (and database) the figures come from. */
  domain: string;
}

/**
 * By AreaStats field, in registry order: each domain's own declaration of its figures. Every
 * domain is read, not only those whose figures the workloads ask for: the indicators object's
 * `complete` and `estimated` speak of every indicator of the catalogue, and so read every
 * domain's figures, as the indicators subgraph's `@requires` makes the gateway fetch them.
 */
export const FIGURE_FIELDS: Record<string, FigureField> = Object.fromEntries(
  DOMAIN_MODULES.filter((m) => m.figures).map((m) => [m.figures!.field, { ...m.figures!, domain: m.name }]),
);

export const DATA_DOMAINS = Object.values(FIGURE_FIELDS).map((f) => f.domain);

/**
 * The caller of the aggregate workloads, as the HTTP targets' token says (bench/lib/auth.ts): an
 * analyst, whose counts below provinces are perturbed, so every target pays for it alike.
 */
export const BENCH_IDENTITY: Identity = { sub: 'bench-analyst', roles: ['analyst'], provinces: [], clientAddress: null };

export type FigureLoaders = Record<string, DataLoader<AreaStatsRef, Reading, string>>;

/** One loader per AreaStats field, for one request: each batch of keys is one SQL statement, as a subgraph fetch is. */
export function figureLoaders(dbs: Record<string, Db>, today: string): FigureLoaders {
  return Object.fromEntries(
    Object.entries(FIGURE_FIELDS).map(([field, f]) => [field, createFigureLoader(dbs[f.domain], f.summary, { identity: BENCH_IDENTITY, today })]),
  );
}

/** The figures object of one AreaStats field, as its subgraph resolves it. */
export function figuresOf(field: string, reading: Reading): FiguresObject {
  return figuresObject(reading, FIGURE_FIELDS[field].fields);
}

/** The indicators of one unit and period from its figures objects, by AreaStats field: what the indicators subgraph answers. */
export function indicatorsOf(figures: Record<string, FiguresObject>): Record<string, unknown> {
  const all = INDICATOR_CATALOG.map((d) => computeIndicator(d, figures));
  return { ...Object.fromEntries(all.map((v) => [v.id, v.value])), all, estimated: all.some((v) => v.estimated), complete: all.every((v) => v.complete) };
}

/**
 * Services whose fetches read their database: where "one SQL statement per subgraph fetch"
 * applies. Indicators' database holds only the saved indicators, not read for built-in ones.
 */
export const DB_SUBGRAPHS: ReadonlySet<string> = new Set(DOMAIN_MODULES.filter((m) => m.migrations && m.name !== 'indicators').map((m) => m.name as string));
