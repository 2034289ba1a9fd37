/**
 * The `monolith` target's resolvers: one process, one schema, five databases, the domains' code
 * called directly. Units of either structure come from the geography subgraph's resolvers (the
 * structure read from `structure`/`asOf`, periods after today refused); each domain's figures
 * through a per-request loader of lib/figures (bench/lib/shape.ts: one statement per domain per
 * request, as in a subgraph fetch, with the same status fields); indicators from the catalogue
 * of services/indicators; a citizen's records from the domains' tables and placement rules.
 */
import fs from 'node:fs';
import path from 'node:path';
import DataLoader from 'dataloader';
import type { Area } from '../../lib/areas';
import type { Db } from '../../lib/db';
import { getFacts } from '../../lib/fact-store';
import type { AreaStatsRef } from '../../lib/figures';
import { assertPersonalId } from '../../lib/personal-id';
import { geographyResolvers } from '../../services/geography/resolvers';
import { citizenFacts, citizenPlacement, type Citizen } from '../../services/residency/facts';
import { parcelFacts, parcelPlacement, type Parcel } from '../../services/land/facts';
import { civilRecordFacts, civilRecordPlacement, type CivilRecord } from '../../services/civil-status/facts';
import { requestFacts, requestPlacement, type CriminalRecordRequest } from '../../services/justice-records/facts';
import { healthRecordFacts, healthRecordPlacement, type HealthRecord } from '../../services/health/facts';
import { residenceHistoryOf } from '../lib/residences';
import { BENCH_IDENTITY, FIGURE_FIELDS, figureLoaders, figuresOf, indicatorsOf } from '../lib/shape';
import { FIGURE_FIELDS_ASKED } from '../lib/workloads';

export const typeDefs = fs.readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8');

/** Facts of many persons, grouped by person, in the order of `ids`: one statement per batch. */
async function groupedBy<T>(rows: Promise<Record<string, unknown>[]>, ids: readonly string[], column: string, fromRow: (r: Record<string, unknown>) => T): Promise<T[][]> {
  const by = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const row of await rows) by.get(String(row[column]))?.push(fromRow(row));
  return ids.map((id) => by.get(id)!);
}

export function createContext(dbs: Record<string, Db>, today: string) {
  return {
    // What the geography resolvers need: the caller (an analyst, as the HTTP targets' token for aggregates says) and today.
    identity: BENCH_IDENTITY,
    today,
    figures: figureLoaders(dbs, today),
    citizens: new DataLoader<string, Citizen | null>((ids) => getFacts(dbs.residency, citizenFacts, ids)),
    parcelsOf: new DataLoader<string, Parcel[]>((ids) =>
      groupedBy(dbs.land('parcels').whereIn('owner_personal_id', ids).orderBy('parcel_id'), ids, 'owner_personal_id', parcelFacts.fromRow),
    ),
    recordsNaming: new DataLoader<string, CivilRecord[]>((ids) =>
      groupedBy(
        dbs['civil-status']('civil_records as r').join('civil_record_persons as p', 'p.record_id', 'r.record_id').whereIn('p.personal_id', ids).select('r.*', 'p.personal_id as named').orderBy('r.registered_on'),
        ids,
        'named',
        civilRecordFacts.fromRow,
      ),
    ),
    requestsOf: new DataLoader<string, CriminalRecordRequest[]>((ids) =>
      groupedBy(dbs['justice-records']('criminal_record_requests').whereIn('personal_id', ids).orderBy('submitted_on'), ids, 'personal_id', requestFacts.fromRow),
    ),
    bookOf: new DataLoader<string, HealthRecord | null>(async (ids) =>
      (await groupedBy(dbs.health('e_health_records').whereIn('personal_id', ids).orderBy('created_on'), ids, 'personal_id', healthRecordFacts.fromRow)).map((books) => books[books.length - 1] ?? null),
    ),
  };
}
type Context = ReturnType<typeof createContext>;

/** Where a record lies today: its two-tier commune, as the domains answer `commune`. */
const communeOf =
  <T>(placement: (fact: T) => { newUnit: Area }) =>
  (fact: T) =>
    placement(fact).newUnit;

const figureResolver = (field: string) => async (ref: AreaStatsRef, _: unknown, ctx: Context) => figuresOf(field, await ctx.figures[field].load(ref));

/** The geography subgraph's own resolvers for the fields of this schema: units, structures and periods read as the graph reads them. */
const geography = <K extends string>(resolvers: Record<K, unknown>, fields: readonly K[]) => Object.fromEntries(fields.map((f) => [f, resolvers[f]]));
const g = geographyResolvers;

export const resolvers = {
  Query: {
    ...geography(g.Query, ['nation', 'provinces', 'province', 'districts', 'district', 'communes', 'commune', 'stats']),
    citizen: (_: unknown, { id }: { id: string }, ctx: Context) => ctx.citizens.load(assertPersonalId(id)),
  },
  Nation: geography(g.Nation, ['provinces', 'stats', 'series']),
  Province: geography(g.Province, ['districts', 'communes', 'stats', 'series']),
  District: geography(g.District, ['communes', 'stats', 'series']),
  Commune: geography(g.Commune, ['stats', 'series']),
  AreaStats: {
    ...geography(g.AreaStats, ['areaCode', 'periodStart', 'periodEnd']),
    // The figures objects its schema publishes (bench/monolith/schema.graphql: those the workloads ask for).
    ...Object.fromEntries(Object.keys(FIGURE_FIELDS_ASKED).map((f) => [f, figureResolver(f)])),
    indicators: async (ref: AreaStatsRef, _: unknown, ctx: Context) => {
      const fields = Object.keys(FIGURE_FIELDS);
      const readings = await Promise.all(fields.map((f) => ctx.figures[f].load(ref)));
      return indicatorsOf(Object.fromEntries(fields.map((f, i) => [f, figuresOf(f, readings[i])])));
    },
  },
  Citizen: {
    id: (c: Citizen) => c.personalId,
    residenceCommune: (c: Citizen) => citizenPlacement(c).newUnit,
    residenceRegisteredOn: (c: Citizen) => c.registeredOn,
    residenceHistory: residenceHistoryOf,
    chipIdCardIssuedOn: (c: Citizen) => c.chipCardIssuedOn,
    eidLevel1ActivatedOn: (c: Citizen) => c.eidLevel1On,
    eidLevel2ActivatedOn: (c: Citizen) => c.eidLevel2On,
    eidLevel: (c: Citizen) => (c.eidLevel2On ? 2 : c.eidLevel1On ? 1 : 0),
    parcels: (c: Citizen, _: unknown, ctx: Context) => ctx.parcelsOf.load(c.personalId),
    civilStatusRecords: (c: Citizen, _: unknown, ctx: Context) => ctx.recordsNaming.load(c.personalId),
    criminalRecordRequests: (c: Citizen, _: unknown, ctx: Context) => ctx.requestsOf.load(c.personalId),
    eHealth: (c: Citizen, _: unknown, ctx: Context) => ctx.bookOf.load(c.personalId),
  },
  Parcel: { id: (p: Parcel) => p.parcelId, commune: communeOf(parcelPlacement) },
  CivilStatusRecord: { id: (r: CivilRecord) => r.recordId, commune: communeOf(civilRecordPlacement) },
  CriminalRecordRequest: { id: (r: CriminalRecordRequest) => r.requestId, commune: communeOf(requestPlacement) },
  EHealthRecord: { id: (r: HealthRecord) => r.recordId, commune: communeOf(healthRecordPlacement), integratedIntoVneid: (r: HealthRecord) => r.integratedOn !== null },
};
