/**
 * The demo world: deterministic for a seed, with provinces and districts at different stages
 * that advance over time, and seeded into the services so that the graph serves exactly what
 * the generated rows imply.
 */
import crypto from 'node:crypto';
import { getArea } from '../../lib/areas';
import { personalIdProblem } from '../../lib/personal-id';
import { demoWorld, type DemoCitizen, type DemoParcel } from '../../demo/world';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';
import { countCivilStatus, countHealth, countJustice, countLand, countResidency, type Fixture } from '../helpers/fixture';

const OPTIONS = { seed: 'p06', scale: 0.05 };
const citizens: DemoCitizen[] = [];
const parcels: DemoParcel[] = [];
const fixture: Fixture = { citizens, parcels, civilRecords: [], requests: [], healthRecords: [] };
for (const c of demoWorld(OPTIONS)) {
  citizens.push(...c.citizens);
  parcels.push(...c.parcels);
  fixture.civilRecords.push(...c.civilRecords);
  fixture.requests.push(...c.criminalRecordRequests);
  fixture.healthRecords.push(...c.healthRecords);
}

test('the same seed and scale give the same world; another seed another', () => {
  const digest = (seed: string) => {
    const h = crypto.createHash('sha256');
    for (const c of demoWorld({ seed, scale: 0.02 })) h.update(JSON.stringify(c.citizens)).update(JSON.stringify(c.parcels));
    return h.digest('hex');
  };
  expect(digest('p06')).toBe(digest('p06'));
  expect(digest('p06')).not.toBe(digest('other'));
});

test('personal IDs are unique and valid for their birth date and sex', () => {
  expect(new Set(citizens.map((c) => c.personalId)).size).toBe(citizens.length);
  expect(citizens.filter((c) => personalIdProblem(c.personalId, c.birthDate, c.sex) !== null)).toEqual([]);
  expect(citizens.filter((c) => c.eidLevel1On && c.eidLevel2On && c.eidLevel1On >= c.eidLevel2On)).toEqual([]);
});

test('districts progress at different paces, and everyone advances over time', () => {
  const byDistrict = new Map<string, string[]>();
  const districtOf = (commune: string) => getArea(commune)!.parentCode!;
  for (const p of parcels) byDistrict.set(districtOf(p.communeCode), [...(byDistrict.get(districtOf(p.communeCode)) ?? []), p.digitizedOn ?? '9999']);
  const share = (dates: string[], by: string) => dates.filter((d) => d <= by).length / dates.length;
  const nov2024 = [...byDistrict.values()].map((d) => share(d, '2024-11-30'));
  // Some districts have digitized nothing, others most of their parcels.
  expect(nov2024.filter((s) => s === 0).length).toBeGreaterThan(100);
  expect(nov2024.filter((s) => s > 0.7).length).toBeGreaterThan(100);
  const national = (field: keyof DemoCitizen, by: string) => citizens.filter((c) => c[field] && (c[field] as string) <= by).length / citizens.length;
  expect(national('chipCardIssuedOn', '2022-01-31')).toBeLessThan(national('chipCardIssuedOn', '2024-01-31'));
  expect(national('eidLevel2On', '2023-01-31')).toBeLessThan(national('eidLevel2On', '2025-01-31'));
});

describe.each(testDatabases())('the demo seeded into the services on $label', (database) => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph({ ...database.config('demo'), DEMO_SCALE: OPTIONS.scale, DEMO_SEED: OPTIONS.seed });
  });
  afterAll(() => graph?.stop());

  test('the graph serves what the generated rows imply', async () => {
    const res = await graph.queryGateway(`{ province(code: "30") { districts { code stats(period: "2024-06") {
      residency { population chipIdCards eidLevel2 } land { parcels digitizedParcels }
      civilStatus { records digitizedRecords births } justiceRecords { requestsToDate requestsViaVneidToDate }
      health { eHealthRecords integratedIntoVneid } } } } }`);
    expect(res.errors).toBeUndefined();
    const [start, end] = ['2024-06-01', '2024-06-30'];
    for (const d of res.data.province.districts) {
      const r = countResidency(fixture, d.code, start, end);
      const l = countLand(fixture, d.code, start, end);
      const c = countCivilStatus(fixture, d.code, start, end);
      const j = countJustice(fixture, d.code, start, end);
      const h = countHealth(fixture, d.code, start, end);
      expect({ code: d.code, ...d.stats }).toEqual({
        code: d.code,
        residency: { population: r.population, chipIdCards: r.chipIdCards, eidLevel2: r.eidLevel2 },
        land: { parcels: l.parcels, digitizedParcels: l.digitizedParcels },
        civilStatus: { records: c.records, digitizedRecords: c.digitizedRecords, births: c.births },
        justiceRecords: { requestsToDate: j.requestsToDate, requestsViaVneidToDate: j.requestsViaVneidToDate },
        health: { eHealthRecords: h.eHealthRecords, integratedIntoVneid: h.integratedIntoVneid },
      });
    }
  });
});
