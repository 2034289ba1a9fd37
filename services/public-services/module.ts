/**
 * The public-services domain: the dossiers of the 25 essential public services of Project 06
 * (catalogue.ts), received online (through the national or the provincial public service
 * portal) or at the counter, and resolved on time or late; their figures per unit and period in
 * both structures, and the catalogue itself.
 */
import { databaseSubgraph, type DomainModule } from '../../lib/domain';
import type { Db } from '../../lib/db';
import { createFigureLoader, figuresObject, type AreaStatsRef, type FigureFields, type FigureReadingWithSuppression } from '../../lib/figures';
import { requireAnyRole, type Identity } from '../../lib/auth';
import { badInput } from '../../lib/errors';
import { todayFor } from '../../lib/today';
import { demoPart } from '../../demo/seed';
import { ESSENTIAL_SERVICES, serviceByCode, type ServiceGroup } from './catalogue';
import { publicServicesFacts, type PublicServicesMetric } from './facts';
import { dossiersOf } from './demo';
import { PUBLIC_SERVICES_INDICATORS } from './indicators';

function createContext(db: Db, identity: Identity, today: string) {
  return { identity, figures: createFigureLoader(db, publicServicesFacts.summary, { identity, today }) };
}
type Context = ReturnType<typeof createContext>;

type Reading = FigureReadingWithSuppression<PublicServicesMetric>;
/** A difference of two figures of one reading (null where they are not known). */
const minus = (part: 'stock' | 'flow', a: PublicServicesMetric, b: PublicServicesMetric) => (r: Reading) => {
  const x = r[part][a];
  const y = r[part][b];
  return x === null || y === null ? null : x - y;
};

/** Each GraphQL figure: a flow (during the period) or a stock (as of the period's last day) of a metric, or a difference of two. */
export const FIGURES: FigureFields<PublicServicesMetric> = {
  dossiersReceived: ['flow', 'received'],
  dossiersReceivedOnline: ['flow', 'received_online'],
  dossiersReceivedViaNationalPortal: ['flow', 'received_national_portal'],
  dossiersReceivedViaProvincialPortal: minus('flow', 'received_online', 'received_national_portal'),
  dossiersReceivedAtCounter: minus('flow', 'received', 'received_online'),
  dossiersResolved: ['flow', 'resolved'],
  dossiersResolvedOnTime: ['flow', 'resolved_on_time'],
  dossiersResolvedLate: minus('flow', 'resolved', 'resolved_on_time'),
  dossiersPending: minus('stock', 'received', 'resolved'),
  dossiersOverdue: ['stock', 'overdue'],
  dossiersReceivedToDate: ['stock', 'received'],
  dossiersReceivedOnlineToDate: ['stock', 'received_online'],
  dossiersResolvedToDate: ['stock', 'resolved'],
  dossiersResolvedOnTimeToDate: ['stock', 'resolved_on_time'],
};

const resolvers = {
  Query: {
    essentialPublicServices: (_: unknown, { group }: { group?: ServiceGroup | null }, ctx: Context) => {
      requireAnyRole(ctx.identity, 'the catalogue of essential public services');
      return group ? ESSENTIAL_SERVICES.filter((s) => s.group === group) : ESSENTIAL_SERVICES;
    },
    essentialPublicService: (_: unknown, { code }: { code: string }, ctx: Context) => {
      requireAnyRole(ctx.identity, 'the catalogue of essential public services');
      const found = serviceByCode(code.toUpperCase());
      if (!found) throw badInput(`Unknown essential public service "${code}": the codes are ${ESSENTIAL_SERVICES.map((s) => s.code).join(', ')}`, { argumentName: 'code', value: code });
      return found;
    },
  },
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
  indicators: PUBLIC_SERVICES_INDICATORS,
  figures: { field: 'publicServices', summary: publicServicesFacts.summary, fields: FIGURES },
  createSubgraph: ({ db, config }) => databaseSubgraph('public-services', db!, resolvers, (identity) => createContext(db!, identity, todayFor(config))),
  demo: demoPart(publicServicesFacts.spec, [], dossiersOf),
};
