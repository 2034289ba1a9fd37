/**
 * Turning summary readings into the objects the GraphQL schema returns, for the two targets
 * that bypass the subgraphs (monolith, sql). It maps the same columns the domains' resolvers
 * map; the cross-target comparison of every first response is what proves it maps them alike.
 */
import type { Db } from '../../lib/db';
import { parsePeriod } from '../../lib/periods';
import { readFigures, type FigureReading, type SummaryKey, type SummarySpec } from '../../lib/summaries';
import { residencySummary } from '../../services/residency/facts';
import { landSummary } from '../../services/land/facts';
import { civilStatusSummary } from '../../services/civil-status/facts';
import { daysColumn, justiceSummary, MAX_TRACKED_DAYS, medianDays } from '../../services/justice-records/facts';
import { healthSummary } from '../../services/health/facts';
import { computeIndicator, INDICATOR_CATALOG } from '../../services/indicators/catalog';

type Reading = FigureReading<string>;
type Figures = Record<string, number | null>;

const DAY_COLUMNS = Array.from({ length: MAX_TRACKED_DAYS + 2 }, (_, d) => daysColumn(d));

export interface FigureField {
  /** The service (and database) the figures come from. */
  domain: string;
  spec: SummarySpec<string>;
  shape(reading: Reading): Figures;
}

/** By AreaStats field, in the order of the schema. */
export const FIGURE_FIELDS: Record<string, FigureField> = {
  residency: {
    domain: 'residency',
    spec: residencySummary,
    shape: ({ stock, flow }) => ({
      population: stock.population,
      chipIdCards: stock.chip_id_cards,
      eidLevel1: stock.eid_level1,
      eidLevel2: stock.eid_level2,
      eidAccounts: stock.eid_accounts,
      eligiblePopulation: stock.eligible_population,
      newRegistrations: flow.population,
      chipIdCardsIssued: flow.chip_id_cards,
      eidAccountsActivated: flow.eid_accounts,
      eidLevel2Activated: flow.eid_level2,
    }),
  },
  land: {
    domain: 'land',
    spec: landSummary,
    shape: ({ stock, flow }) => ({ parcels: stock.parcels, digitizedParcels: stock.digitized_parcels, parcelsDigitizedInPeriod: flow.digitized_parcels }),
  },
  civilStatus: {
    domain: 'civil-status',
    spec: civilStatusSummary,
    shape: ({ stock, flow }) => ({
      births: flow.births,
      marriages: flow.marriages,
      deaths: flow.deaths,
      records: stock.records,
      digitizedRecords: stock.digitized_records,
      recordsRegistered: flow.records,
      recordsDigitized: flow.digitized_records,
    }),
  },
  justiceRecords: {
    domain: 'justice-records',
    spec: justiceSummary,
    shape: ({ stock, flow }) => ({
      requests: flow.requests,
      requestsViaVneid: flow.requests_vneid,
      issued: flow.issued,
      requestsToDate: stock.requests,
      requestsViaVneidToDate: stock.requests_vneid,
      issuedToDate: stock.issued,
      medianDaysToIssue: medianDays(DAY_COLUMNS.map((c) => flow[c])),
    }),
  },
  health: {
    domain: 'health',
    spec: healthSummary,
    shape: ({ stock, flow }) => ({
      eHealthRecords: stock.e_health_records,
      integratedIntoVneid: stock.integrated,
      eHealthRecordsCreated: flow.e_health_records,
      integratedInPeriod: flow.integrated,
    }),
  },
};

export const DATA_DOMAINS = Object.values(FIGURE_FIELDS).map((f) => f.domain);

/** The indicators of one unit and period from its figures, by AreaStats field: the DHIS2 rule of services/indicators. */
export function indicatorsOf(figures: Record<string, Figures>): Record<string, number | null> {
  return Object.fromEntries(INDICATOR_CATALOG.map((d) => [d.id, computeIndicator(d, figures).value]));
}

export interface StatsRef {
  areaCode: string;
  period: string;
}

/** Reads one domain's figures for many (area, period) keys: one SQL statement, as a subgraph fetch does. */
export async function readShaped(dbs: Record<string, Db>, field: string, refs: readonly StatsRef[]): Promise<Figures[]> {
  const f = FIGURE_FIELDS[field];
  const keys: SummaryKey[] = refs.map((r) => ({ areaCode: r.areaCode, period: parsePeriod(r.period) }));
  const readings = await readFigures(dbs[f.domain], f.spec, keys);
  return readings.map((r) => f.shape(r));
}
