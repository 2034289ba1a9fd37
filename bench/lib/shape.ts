/**
 * Figures in the shape the GraphQL schema returns them, for the two targets that bypass the
 * subgraphs (monolith, sql). They read the summaries through the very loader the domains' subgraphs
 * use (lib/figures.ts `createFigureLoader`: one statement per batch, today's clamp, the delivery
 * date, `estimated`, protection) and build each figures object with `figuresObject` from each
 * domain's own map of fields to summary columns (`FIGURES` of services/<domain>/module.ts), so
 * the semantics are the graph's own. Copied here: the justice subgraph's rule for
 * `medianDaysToIssue` and the indicators subgraph's flags. The cross-target comparison of every
 * first response is what proves them alike.
 */
import type DataLoader from 'dataloader';
import type { Identity } from '../../lib/auth';
import type { Db } from '../../lib/db';
import { createFigureLoader, figuresObject, type AreaStatsRef, type FigureFields, type FigureReadingWithSuppression } from '../../lib/figures';
import type { SummarySpec } from '../../lib/summaries';
import { residencySummary } from '../../services/residency/facts';
import { FIGURES as residencyFigures } from '../../services/residency/module';
import { landSummary } from '../../services/land/facts';
import { FIGURES as landFigures } from '../../services/land/module';
import { civilStatusSummary } from '../../services/civil-status/facts';
import { FIGURES as civilStatusFigures } from '../../services/civil-status/module';
import { daysColumn, justiceSummary, MAX_TRACKED_DAYS, medianDays } from '../../services/justice-records/facts';
import { FIGURES as justiceFigures } from '../../services/justice-records/module';
import { healthSummary } from '../../services/health/facts';
import { FIGURES as healthFigures } from '../../services/health/module';
import { computeIndicator } from '../../services/indicators/catalog';
import { DOMAIN_MODULES, INDICATOR_CATALOG } from '../../services/registry';

type Reading = FigureReadingWithSuppression<string>;
export type FiguresObject = Record<string, unknown>;

const DAY_COLUMNS = Array.from({ length: MAX_TRACKED_DAYS + 2 }, (_, d) => daysColumn(d));

export interface FigureField {
  /** The service (and database) the figures come from. */
  domain: string;
  spec: SummarySpec<string>;
  /** The domain's `FIGURES` (services/<domain>/module.ts). */
  fields: FigureFields<string>;
  /** Fields computed from several columns. */
  finish?(reading: Reading, figures: FiguresObject): void;
}

/** By AreaStats field, in the order of the schema: each domain's own map of fields to summary columns. */
export const FIGURE_FIELDS: Record<string, FigureField> = {
  residency: { domain: 'residency', spec: residencySummary, fields: residencyFigures },
  land: { domain: 'land', spec: landSummary, fields: landFigures },
  civilStatus: { domain: 'civil-status', spec: civilStatusSummary, fields: civilStatusFigures },
  justiceRecords: {
    domain: 'justice-records',
    spec: justiceSummary,
    fields: justiceFigures,
    // As the justice subgraph: a median over withheld counts would give them away.
    finish: (reading, figures) => {
      const days = DAY_COLUMNS.map((c) => reading.flow[c]);
      figures.medianDaysToIssue = reading.flow.issued === null || days.includes(null) ? null : medianDays(days as number[]);
    },
  },
  health: { domain: 'health', spec: healthSummary, fields: healthFigures },
};

export const DATA_DOMAINS = Object.values(FIGURE_FIELDS).map((f) => f.domain);

/** The benchmark's caller: an admin, who sees exact figures everywhere (as the HTTP targets' token says). */
export const BENCH_IDENTITY: Identity = { sub: 'bench', roles: ['admin'], provinces: [], clientAddress: null };

export type FigureLoaders = Record<string, DataLoader<AreaStatsRef, Reading, string>>;

/** One loader per AreaStats field, for one request: each batch of keys is one SQL statement, as a subgraph fetch is. */
export function figureLoaders(dbs: Record<string, Db>, today: string): FigureLoaders {
  return Object.fromEntries(
    Object.entries(FIGURE_FIELDS).map(([field, f]) => [field, createFigureLoader(dbs[f.domain], f.spec, { identity: BENCH_IDENTITY, today })]),
  );
}

/** The figures object of one AreaStats field, as its subgraph resolves it. */
export function figuresOf(field: string, reading: Reading): FiguresObject {
  const f = FIGURE_FIELDS[field];
  const figures = figuresObject(reading, f.fields);
  f.finish?.(reading, figures);
  return figures;
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
