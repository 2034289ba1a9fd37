/**
 * Each subgraph on its own, over HTTP, the way the gateway calls it: entity representations in,
 * figures out, on a real SQLite database.
 */
import { upsertFacts } from '../../lib/fact-store';
import { prepareDomain } from '../../lib/service-runtime';
import { startSubgraph, type ServiceHandle } from '../../lib/subgraph';
import { dropAllTables, openDb } from '../../lib/db';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts } from '../../services/land/facts';
import { domainModule } from '../../services/registry';
import { countLand, countResidency, makeFixture } from '../helpers/fixture';
import { postToSubgraph, testDatabases } from '../helpers/graph';

const fixture = makeFixture('subgraphs', 5);
const config = testDatabases()[0].config('subgraphs');
const handles: Record<string, ServiceHandle> = {};

beforeAll(async () => {
  for (const name of ['geography', 'residency', 'land', 'indicators']) {
    if (name === 'residency' || name === 'land') {
      const db = await openDb(config, name);
      await dropAllTables(db);
      await db.destroy();
    }
    const prepared = await prepareDomain(domainModule(name), config);
    if (name === 'residency') await prepared.db!.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
    if (name === 'land') await prepared.db!.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
    handles[name] = await startSubgraph(prepared.definition, { port: 0 });
  }
});
afterAll(async () => {
  for (const h of Object.values(handles)) await h.stop();
});

const post = (name: string, query: string, variables?: Record<string, unknown>) => postToSubgraph(handles[name].url, name, query, variables);

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on AreaStats { areaId period FIELDS } } }';

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
  for (const h of Object.values(handles)) {
    const res = await fetch(h.url.replace('/graphql', '/health'));
    expect(await res.json()).toEqual({ status: 'ok', service: h.name });
  }
});
