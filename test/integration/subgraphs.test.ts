/**
 * Each subgraph on its own, over HTTP, the way the gateway calls it: entity representations in,
 * figures out, on SQLite and (with MYSQL_URL) MariaDB. Then every subgraph called straight with
 * an analyst's and an officer's signed identity, as if the gateway had been bypassed with a valid
 * signature: each applies the rules again itself (person-level data refused, counts of people
 * protected outside the caller's provinces), as the README's *Trust* promises.
 */
import { upsertFacts } from '../../lib/fact-store';
import type { Identity } from '../../lib/auth';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts, type Parcel } from '../../services/land/facts';
import { civilRecordFacts } from '../../services/civil-status/facts';
import { requestFacts } from '../../services/justice-records/facts';
import { healthRecordFacts } from '../../services/health/facts';
import { countCivilStatus, countHealth, countJustice, countLand, countResidency, makeFixture } from '../helpers/fixture';
import { oldCommunesOfProvince, oldProvinceOf, placeFact } from '../helpers/reference';
import { postToSubgraph, startGraph, testDatabases, type RunningGraph } from '../helpers/graph';

const fixture = makeFixture('subgraphs', 5);
/** Parcels that name nobody, one in Hải Dương (30) and one in Hà Nội (01): their place decides. */
const communeOf30 = oldCommunesOfProvince('30').find((code) => fixture.citizens.some((c) => c.communeCode === code))!;
const communeOf01 = oldCommunesOfProvince('01').find((code) => fixture.citizens.some((c) => c.communeCode === code))!;
const unowned = (parcelId: string, communeCode: string): Parcel => ({ parcelId, communeCode, communeStructure: 'THREE_TIER', areaM2: 80, landUse: 'ONT', ownerPersonalId: null, digitizedOn: '2024-03-01' });
const parcelHere = unowned('SG-30', communeOf30);
const parcelThere = unowned('SG-01', communeOf01);
const livesIn = (c: (typeof fixture.citizens)[number]) => oldProvinceOf(placeFact(c.communeCode, c.communeStructure, c.personalId, 'people').oldCommune);
fixture.parcels.push(parcelHere, parcelThere);
const residentOf30 = fixture.citizens.find((c) => !c.residenceEndedOn && livesIn(c) === '30')!;
const residentOf01 = fixture.citizens.find((c) => !c.residenceEndedOn && livesIn(c) === '01')!;

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on AreaStats { areaId period FIELDS } } }';

const analyst: Partial<Identity> = { sub: 'analyst', roles: ['analyst'] };
const officer30: Partial<Identity> = { sub: 'officer-30', roles: ['officer'], provinces: ['30'] };
const officer01: Partial<Identity> = { sub: 'officer-01', roles: ['officer'], provinces: ['01'] };

describe.each(testDatabases())('subgraphs called directly on $label', (database) => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph(database.config('subgraphs'), async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
      await dbs['civil-status'].transaction((trx) => upsertFacts(trx, civilRecordFacts, fixture.civilRecords));
      await dbs['justice-records'].transaction((trx) => upsertFacts(trx, requestFacts, fixture.requests));
      await dbs.health.transaction((trx) => upsertFacts(trx, healthRecordFacts, fixture.healthRecords));
    });
  });
  afterAll(() => graph?.stop());

  const post = (name: string, query: string, variables?: Record<string, unknown>, identity?: Partial<Identity>) => postToSubgraph(graph.subgraphUrls()[name], name, query, variables, identity);
  const codes = (body: any) => (body.errors ?? []).map((e: any) => e.extensions?.code);

  test('residency answers AreaStats representations in order, with the counted figures', async () => {
    const reps = [
      { __typename: 'AreaStats', areaId: 'THREE_TIER:30', period: '2024-06' },
      { __typename: 'AreaStats', areaId: 'THREE_TIER:10525', period: '2023' },
      { __typename: 'AreaStats', areaId: 'VN', period: '2025-02-14' },
      { __typename: 'AreaStats', areaId: 'TWO_TIER:31', period: '2026-03' },
    ];
    const body = await post('residency', ENTITIES.replace('FIELDS', 'residency { population chipIdCards eidLevel1 eidLevel2 chipIdCardsIssued }'), { r: reps });
    expect(body.errors).toBeUndefined();
    const areas = [['30', '2024-06-01', '2024-06-30'], ['10525', '2023-01-01', '2023-12-31'], ['VN', '2025-02-14', '2025-02-14'], [{ structure: 'TWO_TIER', code: '31' }, '2026-03-01', '2026-03-31']] as const;
    const expected = areas.map(([a, s, e]) => {
      const c = countResidency(fixture, a, s, e);
      return { population: c.population, chipIdCards: c.chipIdCards, eidLevel1: c.eidLevel1, eidLevel2: c.eidLevel2, chipIdCardsIssued: c.chipIdCardsIssued };
    });
    expect(body.data._entities.map((e: any) => e.residency)).toEqual(expected);
    expect(body.data._entities.map((e: any) => e.areaId)).toEqual(['THREE_TIER:30', 'THREE_TIER:10525', 'VN', 'TWO_TIER:31']);
  });

  test('a bad representation fails alone, naming its value', async () => {
    const reps = [
      { __typename: 'AreaStats', areaId: 'THREE_TIER:30', period: '2024-06' },
      { __typename: 'AreaStats', areaId: 'THREE_TIER:77777', period: '2024-06' },
      { __typename: 'AreaStats', areaId: 'THREE_TIER:30', period: '2024-6' },
      { __typename: 'AreaStats', areaId: 'TWO_TIER:31', period: '2027' },
    ];
    const body = await post('land', ENTITIES.replace('FIELDS', 'land { parcels }'), { r: reps });
    expect(body.data._entities[0].land.parcels).toBe(countLand(fixture, '30', '2024-06-01', '2024-06-30').parcels);
    // The unit is unknown: its figures are null, with an error that names it.
    expect(body.data._entities.slice(1).map((e: any) => e.land)).toEqual([null, null, null]);
    expect(body.errors.map((e: any) => [e.extensions.code, e.message])).toEqual([
      ['BAD_USER_INPUT', 'Unknown area id "THREE_TIER:77777": expected VN, THREE_TIER:<code> or TWO_TIER:<code>'],
      ['BAD_USER_INPUT', 'Invalid period "2024-6": expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD'],
      ['BAD_USER_INPUT', 'Period "2027" starts after today (2026-11-29, Viet Nam): figures exist only up to today'],
    ]);
  });

  test('indicators divides the figures it is handed, null on a zero denominator', async () => {
    const reps = [
      { __typename: 'AreaStats', areaId: 'THREE_TIER:30', period: '2024', residency: { population: 8, chipIdCards: 6, eidLevel2: 2, estimated: false, complete: true }, land: { parcels: 0, digitizedParcels: 0, estimated: true, complete: true } },
    ];
    const body = await post('indicators', ENTITIES.replace('FIELDS', 'indicators { chipIdCoverage eidLevel2Coverage parcelDigitizationRate estimated }'), { r: reps });
    expect(body.data._entities[0].indicators).toEqual({ chipIdCoverage: 0.75, eidLevel2Coverage: 0.25, parcelDigitizationRate: null, estimated: true });
  });

  test('geography validates periods when it creates AreaStats, and resolves units by reference', async () => {
    const body = await post('geography', '{ province(code: "30", structure: THREE_TIER) { stats(period: "2024-Q2") { areaId areaCode period periodStart periodEnd periodUnit } } }');
    expect(body.data.province.stats).toEqual({ areaId: 'THREE_TIER:30', areaCode: '30', period: '2024-Q2', periodStart: '2024-04-01', periodEnd: '2024-06-30', periodUnit: 'QUARTER' });
    const refs = await post('geography', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Commune { name district { name } } } }', { r: [{ __typename: 'Commune', id: 'THREE_TIER:10525' }, { __typename: 'Commune', id: 'TWO_TIER:10525' }] });
    expect(refs.data._entities).toEqual([{ name: 'Phường Trần Hưng Đạo', district: { name: 'Thành phố Hải Dương' } }, { name: 'Phường Hải Dương', district: null }]);
  });

  test('every subgraph has a health check', async () => {
    for (const [name, url] of Object.entries(graph.subgraphUrls())) {
      const res = await fetch(url.replace('/graphql', '/health'));
      expect(await res.json()).toEqual({ status: 'ok', service: name });
    }
  });

  test.each([
    ['residency', `{ citizen(id: "${residentOf30.personalId}") { id } }`],
    ['residency', `{ citizens(communeCode: "${communeOf30}", structure: THREE_TIER) { totalCount } }`],
    ['land', `{ parcel(id: "${parcelHere.parcelId}") { id } }`],
    ['civil-status', `{ civilStatusRecord(id: "${fixture.civilRecords[0].recordId}") { id } }`],
    ['justice-records', `{ criminalRecordRequest(id: "${fixture.requests[0].requestId}") { id } }`],
    ['health', `{ eHealthRecord(id: "${fixture.healthRecords[0].recordId}") { id } }`],
    ['audit', '{ auditLog { id } }'],
  ])('%s refuses person-level data to an analyst signed through: %s', async (name, query) => {
    const body = await post(name, query, undefined, analyst);
    expect({ name, codes: codes(body), data: Object.values(body.data ?? {}).filter((v) => v !== null) }).toEqual({ name, codes: ['FORBIDDEN'], data: [] });
  });

  test("an officer signed through reads residency's citizens of their provinces only, and records naming nobody by their place", async () => {
    const own = await post('residency', `{ citizen(id: "${residentOf30.personalId}") { id } }`, undefined, officer30);
    expect({ codes: codes(own), data: own.data }).toEqual({ codes: [], data: { citizen: { id: residentOf30.personalId } } });
    const other = await post('residency', `{ citizen(id: "${residentOf01.personalId}") { id } }`, undefined, officer30);
    expect({ codes: codes(other), citizen: other.data?.citizen ?? null }).toEqual({ codes: ['FORBIDDEN'], citizen: null });
    const page = await post('residency', `{ citizens(communeCode: "${communeOf01}", structure: THREE_TIER) { totalCount } }`, undefined, officer30);
    expect(codes(page)).toEqual(['FORBIDDEN']);
    const here = await post('land', `{ parcel(id: "${parcelHere.parcelId}") { id } }`, undefined, officer30);
    expect({ codes: codes(here), data: here.data }).toEqual({ codes: [], data: { parcel: { id: parcelHere.parcelId } } });
    expect(codes(await post('land', `{ parcel(id: "${parcelThere.parcelId}") { id } }`, undefined, officer30))).toEqual(['FORBIDDEN']);
    // An unknown record reads like one outside the officer's scope, on every record subgraph.
    for (const [name, query] of [['land', '{ parcel(id: "NO-SUCH") { id } }'], ['civil-status', '{ civilStatusRecord(id: "NO-SUCH") { id } }'], ['justice-records', '{ criminalRecordRequest(id: "NO-SUCH") { id } }'], ['health', '{ eHealthRecord(id: "NO-SUCH") { id } }']]) {
      expect({ name, codes: codes(await post(name, query, undefined, officer30)) }).toEqual({ name, codes: ['FORBIDDEN'] });
    }
    expect(codes(await post('audit', '{ auditLog { id } }', undefined, officer30))).toEqual(['FORBIDDEN']);
  });

  test.each([
    ['residency', 'residency { population protected }', (a: string) => countResidency(fixture, a, '2024-01-01', '2024-12-31').population],
    ['civil-status', 'civilStatus { records protected }', (a: string) => countCivilStatus(fixture, a, '2024-01-01', '2024-12-31').records],
    ['justice-records', 'justiceRecords { requestsToDate protected }', (a: string) => countJustice(fixture, a, '2024-01-01', '2024-12-31').requestsToDate],
    ['health', 'health { eHealthRecords protected }', (a: string) => countHealth(fixture, a, '2024-01-01', '2024-12-31').eHealthRecords],
  ])("%s protects counts of people in communes and districts for an analyst and an officer of elsewhere, not for the province's own officer", async (name, fields, truth) => {
    const units = [...oldCommunesOfProvince('30').filter((c) => fixture.citizens.some((x) => x.communeCode === c)), '288', '290'];
    const reps = [...units.map((u) => ({ __typename: 'AreaStats', areaId: `THREE_TIER:${u}`, period: '2024' })), { __typename: 'AreaStats', areaId: 'THREE_TIER:30', period: '2024' }];
    const read = async (identity: Partial<Identity>): Promise<Record<string, number | boolean>[]> => {
      const body = await post(name, ENTITIES.replace('FIELDS', fields), { r: reps }, identity);
      expect(body.errors).toBeUndefined();
      return body.data._entities.map((e: any) => Object.values(e).find((v) => v && typeof v === 'object') as Record<string, number | boolean>);
    };
    const exact = [...units, '30'].map(truth);
    const [figure] = fields.split('{ ')[1].split(' ');
    for (const identity of [officer30, { roles: ['admin'] } as Partial<Identity>]) {
      const got = await read(identity);
      expect({ who: identity.sub, values: got.map((f) => f[figure]), protected: got.map((f) => f.protected) }).toEqual({ who: identity.sub, values: exact, protected: exact.map(() => false) });
    }
    for (const identity of [analyst, officer01]) {
      const got = await read(identity);
      // Below the province every figure is protected, and the noise moves some of them; the province is exact.
      expect({ who: identity.sub, protected: got.map((f) => f.protected) }).toEqual({ who: identity.sub, protected: [...units.map(() => true), false] });
      const values: number[] = got.map((f) => f[figure] as number);
      expect(values.at(-1)).toBe(exact.at(-1));
      expect(values.slice(0, -1).some((v, i) => v !== exact[i])).toBe(true);
      expect(values.slice(0, -1).every((v, i) => Math.abs(v - exact[i]) <= 2)).toBe(true);
    }
  });
});
