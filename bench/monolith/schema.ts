/**
 * The `monolith` target's resolvers: one process, one schema, five databases, each domain's
 * figures read through a per-request DataLoader calling lib/summaries's readFigures with the
 * domain's summary spec (one statement per domain per request, as in a subgraph fetch), the
 * units from lib/admin-units, indicators from the catalogue of services/indicators.
 */
import fs from 'node:fs';
import path from 'node:path';
import DataLoader from 'dataloader';
import { childrenOf, getArea, NATION_CODE, requireArea, type Area } from '../../lib/areas';
import type { Db } from '../../lib/db';
import { getFacts } from '../../lib/fact-store';
import { parsePeriod, periodSeries, type PeriodUnit } from '../../lib/periods';
import { assertPersonalId } from '../../lib/personal-id';
import { citizenFacts, type Citizen } from '../../services/residency/facts';
import { parcelFacts, type Parcel } from '../../services/land/facts';
import { civilRecordFacts, type CivilRecord } from '../../services/civil-status/facts';
import { requestFacts, type CriminalRecordRequest } from '../../services/justice-records/facts';
import { healthRecordFacts, type HealthRecord } from '../../services/health/facts';
import { FIGURE_FIELDS, indicatorsOf, readShaped, type StatsRef } from '../lib/shape';

export const typeDefs = fs.readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8');

type Figures = Record<string, number | null>;

/** Facts of many persons, grouped by person, in the order of `ids`: one statement per batch. */
async function groupedBy<T>(rows: Promise<Record<string, unknown>[]>, ids: readonly string[], column: string, fromRow: (r: Record<string, unknown>) => T): Promise<T[][]> {
  const by = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const row of await rows) by.get(String(row[column]))?.push(fromRow(row));
  return ids.map((id) => by.get(id)!);
}

export function createContext(dbs: Record<string, Db>) {
  const figures = Object.fromEntries(
    Object.keys(FIGURE_FIELDS).map((field) => [
      field,
      new DataLoader<StatsRef, Figures, string>((refs) => readShaped(dbs, field, refs), { cacheKeyFn: (r) => `${r.areaCode}|${r.period}`, maxBatchSize: 5000 }),
    ]),
  );
  return {
    figures,
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

const statsRef = (area: Area, period: string): StatsRef => ({ areaCode: area.code, period: parsePeriod(period).label });

const areaFields = {
  stats: (area: Area, args: { period: string }) => statsRef(area, args.period),
  series: (area: Area, args: { from: string; to: string; every: PeriodUnit }) => periodSeries(args.from, args.to, args.every).map((p) => ({ areaCode: area.code, period: p.label })),
};
const figureResolver = (field: string) => (ref: StatsRef, _: unknown, ctx: Context) => ctx.figures[field].load(ref);
const communeOf = (x: { communeCode: string }) => getArea(x.communeCode);

export const resolvers = {
  Query: {
    nation: () => getArea(NATION_CODE),
    provinces: () => childrenOf(NATION_CODE),
    province: (_: unknown, { code }: { code: string }) => requireArea(code, 'PROVINCE'),
    districts: (_: unknown, { provinceCode }: { provinceCode: string }) => childrenOf(requireArea(provinceCode, 'PROVINCE', 'provinceCode').code),
    district: (_: unknown, { code }: { code: string }) => requireArea(code, 'DISTRICT'),
    communes: (_: unknown, { districtCode }: { districtCode: string }) => childrenOf(requireArea(districtCode, 'DISTRICT', 'districtCode').code),
    commune: (_: unknown, { code }: { code: string }) => requireArea(code, 'COMMUNE'),
    stats: (_: unknown, args: { areaCode: string; period: string }) => statsRef(requireArea(args.areaCode, undefined, 'areaCode'), args.period),
    citizen: (_: unknown, { id }: { id: string }, ctx: Context) => ctx.citizens.load(assertPersonalId(id)),
  },
  Nation: { provinces: () => childrenOf(NATION_CODE), ...areaFields },
  Province: { districts: (a: Area) => childrenOf(a.code), ...areaFields },
  District: { communes: (a: Area) => childrenOf(a.code), ...areaFields },
  Commune: areaFields,
  AreaStats: {
    periodStart: (ref: StatsRef) => parsePeriod(ref.period).start,
    periodEnd: (ref: StatsRef) => parsePeriod(ref.period).end,
    ...Object.fromEntries(Object.keys(FIGURE_FIELDS).map((f) => [f, figureResolver(f)])),
    indicators: async (ref: StatsRef, _: unknown, ctx: Context) => {
      const fields = Object.keys(FIGURE_FIELDS);
      const values = await Promise.all(fields.map((f) => ctx.figures[f].load(ref)));
      return indicatorsOf(Object.fromEntries(fields.map((f, i) => [f, values[i]])));
    },
  },
  Citizen: {
    id: (c: Citizen) => c.personalId,
    residenceCommune: (c: Citizen) => getArea(c.communeCode),
    residenceRegisteredOn: (c: Citizen) => c.registeredOn,
    chipIdCardIssuedOn: (c: Citizen) => c.chipCardIssuedOn,
    eidLevel1ActivatedOn: (c: Citizen) => c.eidLevel1On,
    eidLevel2ActivatedOn: (c: Citizen) => c.eidLevel2On,
    eidLevel: (c: Citizen) => (c.eidLevel2On ? 2 : c.eidLevel1On ? 1 : 0),
    parcels: (c: Citizen, _: unknown, ctx: Context) => ctx.parcelsOf.load(c.personalId),
    civilStatusRecords: (c: Citizen, _: unknown, ctx: Context) => ctx.recordsNaming.load(c.personalId),
    criminalRecordRequests: (c: Citizen, _: unknown, ctx: Context) => ctx.requestsOf.load(c.personalId),
    eHealth: (c: Citizen, _: unknown, ctx: Context) => ctx.bookOf.load(c.personalId),
  },
  Parcel: { id: (p: Parcel) => p.parcelId, commune: communeOf },
  CivilStatusRecord: { id: (r: CivilRecord) => r.recordId, commune: communeOf },
  CriminalRecordRequest: { id: (r: CriminalRecordRequest) => r.requestId, commune: communeOf },
  EHealthRecord: { id: (r: HealthRecord) => r.recordId, commune: communeOf, integratedIntoVneid: (r: HealthRecord) => r.integratedOn !== null },
};
