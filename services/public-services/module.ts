/** The public-services domain: TEMPLATE, say what its facts are. */
import { databaseSubgraph, type DomainModule } from '../../lib/domain';
import type { Db } from '../../lib/db';
import { createFigureLoader, figuresObject, type AreaStatsRef, type FigureFields } from '../../lib/figures';
import type { Identity } from '../../lib/auth';
import { todayFor } from '../../lib/today';
import { publicServicesFacts } from './facts';

type Metric = (typeof publicServicesFacts.summary.metrics)[number];

function createContext(db: Db, identity: Identity, today: string) {
  return { identity, figures: createFigureLoader(db, publicServicesFacts.summary, { identity, today }) };
}
type Context = ReturnType<typeof createContext>;

/** Each GraphQL figure: a stock (as of the period's last day) or a flow (during the period) of a metric. */
export const FIGURES: FigureFields<Metric> = {
  cases: ['stock', 'cases'],
  casesOpened: ['flow', 'cases'],
  closedCases: ['stock', 'closed_cases'],
  casesClosed: ['flow', 'closed_cases'],
};

const resolvers = {
  AreaStats: {
    __resolveReference: (ref: AreaStatsRef) => ref,
    publicServices: async (ref: AreaStatsRef, _: unknown, ctx: Context) => figuresObject(await ctx.figures.load(ref), FIGURES),
  },
};

export const publicServicesModule: DomainModule = {
  name: 'public-services',
  port: 4009,
  migrations: publicServicesFacts.migrations,
  imports: publicServicesFacts.imports,
  createSubgraph: ({ db, config }) => databaseSubgraph('public-services', db!, resolvers, (identity) => createContext(db!, identity, todayFor(config))),
};
