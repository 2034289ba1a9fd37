/**
 * Rankings through the gateway: the units of a level ordered by a figure or an indicator in one
 * request, checked against the order the fixture's rows give when counted and sorted here; for
 * an analyst, the order of the protected values the analyst reads unit by unit.
 */
import { upsertFacts } from '../../lib/fact-store';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts } from '../../services/land/facts';
import { civilRecordFacts } from '../../services/civil-status/facts';
import { requestFacts } from '../../services/justice-records/facts';
import { healthRecordFacts } from '../../services/health/facts';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';
import { countJustice, countLand, countResidency, makeFixture, type AreaName } from '../helpers/fixture';

const fixture = makeFixture();
const two = (code: string): AreaName => ({ structure: 'TWO_TIER', code });
const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

interface Expected {
  code: string;
  value: number | null;
}

/** Sorted here: values descending (or ascending), ties by code, nulls last; competition ranks (1, 2, 2, 4). */
function expectedOrder(rows: Expected[], order: 'ASC' | 'DESC' = 'DESC') {
  const sorted = [...rows].sort((a, b) => {
    if (a.value === null && b.value === null) return a.code < b.code ? -1 : 1;
    if (a.value === null) return 1;
    if (b.value === null) return -1;
    if (a.value !== b.value) return order === 'DESC' ? b.value - a.value : a.value - b.value;
    return a.code < b.code ? -1 : 1;
  });
  return sorted.map((r, i) => {
    let rank: number | null = r.value === null ? null : i + 1;
    for (let j = i - 1; rank !== null && j >= 0 && sorted[j].value === r.value; j--) rank = j + 1;
    return { rank, areaCode: r.code, value: r.value };
  });
}

describe.each(testDatabases())('rankings on $label', (database) => {
  let graph: RunningGraph;
  let provinces: string[];

  beforeAll(async () => {
    // The national commune ranking reads 3,321 units from five domains: on a loaded machine that can exceed the default 5 s.
    graph = await startGraph({ ...database.config('rankings'), SUBGRAPH_TIMEOUT_MS: 60_000 }, async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
      await dbs['civil-status'].transaction((trx) => upsertFacts(trx, civilRecordFacts, fixture.civilRecords));
      await dbs['justice-records'].transaction((trx) => upsertFacts(trx, requestFacts, fixture.requests));
      await dbs.health.transaction((trx) => upsertFacts(trx, healthRecordFacts, fixture.healthRecords));
    });
    provinces = (await graph.queryGateway('{ provinces { code } }')).data.provinces.map((p: any) => p.code);
    expect(provinces).toHaveLength(34);
  });
  afterAll(() => graph?.stop());

  test('the top 10 provinces by criminalRecordVneidShare in 2024-11, in one request', async () => {
    const res = await graph.queryGateway(`{ ranking(level: PROVINCE, period: "2024-11") {
      id period structure level
      entries(by: "criminalRecordVneidShare", first: 10) { rank value numerator denominator areaCode areaName protected stats { area { name } } }
    } }`);
    expect(res.errors).toBeUndefined();
    const r = res.data.ranking;
    expect([r.id, r.period, r.structure, r.level]).toEqual(['TWO_TIER|PROVINCE|VN|2024-11', '2024-11', 'TWO_TIER', 'PROVINCE']);
    const counted = provinces.map((code) => {
      const j = countJustice(fixture, two(code), '2024-11-01', '2024-11-30');
      return { code, value: ratio(j.requestsViaVneid, j.requests), n: j.requestsViaVneid, d: j.requests };
    });
    // The fixture files requests in several provinces: the order is not trivial.
    expect(counted.filter((c) => c.value !== null).length).toBeGreaterThanOrEqual(2);
    const expected = expectedOrder(counted).slice(0, 10);
    expect(r.entries.map((e: any) => ({ rank: e.rank, areaCode: e.areaCode, value: e.value }))).toEqual(expected);
    for (const e of r.entries) {
      const c = counted.find((x) => x.code === e.areaCode)!;
      expect([e.numerator, e.denominator]).toEqual([c.n, c.d]);
      expect(e.areaName).toBe(e.stats.area.name);
      // Provinces are published exactly.
      expect(e.protected).toBe(false);
    }
  });

  test('by a figure, ascending, within a province: the communes of new province 31, with ties sharing a rank', async () => {
    const res = await graph.queryGateway(`{ ranking(level: COMMUNE, parentCode: "31", period: "2026-10") {
      parent { code }
      entries(by: "residency.population", order: ASC) { rank value areaCode }
    } }`);
    expect(res.errors).toBeUndefined();
    const communes = (await graph.queryGateway('{ communes(provinceCode: "31") { code } }')).data.communes.map((c: any) => c.code);
    expect(res.data.ranking.parent.code).toBe('31');
    const counted = communes.map((code: string) => ({ code, value: countResidency(fixture, two(code), '2026-10-01', '2026-10-31').population }));
    expect(res.data.ranking.entries).toEqual(expectedOrder(counted, 'ASC'));
    // Many communes of 31 hold nobody in the fixture: they share rank 1.
    expect(res.data.ranking.entries.filter((e: any) => e.rank === 1).length).toBeGreaterThan(1);
  });

  test('an indicator defined in the query ranks the districts of old Hải Dương (three-tier structure) by digitized parcels per 1,000 citizens', async () => {
    const res = await graph.queryGateway(`{ ranking(level: DISTRICT, parentCode: "30", structure: THREE_TIER, period: "2024-06") {
      entries(numerator: ["land.digitizedParcels"], denominator: ["residency.population"], factor: 1000) { rank value areaCode numerator denominator }
    } }`);
    expect(res.errors).toBeUndefined();
    const districts = (await graph.queryGateway('{ districts(provinceCode: "30") { code } }')).data.districts.map((d: any) => d.code);
    const counted = districts.map((code: string) => {
      const l = countLand(fixture, code, '2024-06-01', '2024-06-30');
      const p = countResidency(fixture, code, '2024-06-01', '2024-06-30');
      return { code, value: p.population === 0 ? null : (1000 * l.digitizedParcels) / p.population };
    });
    expect(counted.filter((c: Expected) => c.value !== null).length).toBeGreaterThanOrEqual(2);
    expect(res.data.ranking.entries.map((e: any) => ({ rank: e.rank, areaCode: e.areaCode, value: e.value }))).toEqual(expectedOrder(counted));
  });

  test('for an analyst, communes are ranked on the protected values the analyst reads unit by unit', async () => {
    const analyst = { role: 'analyst' as const };
    const ranked = await graph.queryGateway(`{ ranking(level: COMMUNE, parentCode: "31", period: "2026-10") {
      entries(by: "eidLevel2Coverage") { rank value numerator denominator areaCode protected }
    } }`, undefined, analyst);
    expect(ranked.errors).toBeUndefined();
    const read = await graph.queryGateway(`{ communes(provinceCode: "31") { code stats(period: "2026-10") { residency { eidLevel2 population protected } } } }`, undefined, analyst);
    expect(read.errors).toBeUndefined();
    const seen = read.data.communes.map((c: any) => ({ code: c.code, value: ratio(c.stats.residency.eidLevel2, c.stats.residency.population), n: c.stats.residency.eidLevel2, d: c.stats.residency.population }));
    const entries = ranked.data.ranking.entries;
    expect(entries.map((e: any) => ({ rank: e.rank, areaCode: e.areaCode, value: e.value }))).toEqual(expectedOrder(seen));
    for (const e of entries) {
      const s = seen.find((x: any) => x.code === e.areaCode);
      expect([e.numerator, e.denominator, e.protected]).toEqual([s.n, s.d, true]);
    }
    // The protected counts are not the exact ones everywhere: the ranking did not read exact figures.
    const exact = seen.filter((s: any) => s.d !== countResidency(fixture, two(s.code), '2026-10-01', '2026-10-31').population);
    expect(exact.length).toBeGreaterThan(0);
  });

  test('the same answer for every commune in the two-tier structure: one SQL statement per domain', async () => {
    graph.resetCounts();
    const res = await graph.queryGateway(`{ ranking(level: COMMUNE, period: "2026-10") { entries(by: "residency.population", first: 3) { rank areaCode value } } }`, undefined, undefined, { 'cache-control': 'no-cache' });
    expect(res.errors).toBeUndefined();
    expect(res.data.ranking.entries).toHaveLength(3);
    for (const domain of ['residency', 'land', 'civil-status', 'justice-records', 'health']) expect({ domain, sql: graph.sqlStatements[domain] }).toEqual({ domain, sql: 1 });
  });

  test('bad rankings are BAD_USER_INPUT errors naming what is wrong', async () => {
    const cases: [string, string][] = [
      [`{ ranking(level: PROVINCE, period: "2024-11") { entries(by: "residency.populaton") { rank } } }`, 'Unknown figure "residency.populaton" in by'],
      [`{ ranking(level: PROVINCE, period: "2024-11") { entries(by: "vneidShare") { rank } } }`, 'Unknown indicator "vneidShare" in by'],
      [`{ ranking(level: PROVINCE, period: "2024-11") { entries(numerator: ["land.parcels"], denominator: ["residency.people"]) { rank } } }`, 'Unknown figure "residency.people" in denominator'],
      [`{ ranking(level: DISTRICT, period: "2024-11") { id } }`, 'Invalid level DISTRICT: the two-tier structure has no districts'],
      [`{ ranking(level: PROVINCE, parentCode: "31", period: "2024-11") { id } }`, 'Invalid parentCode "31"'],
      [`{ ranking(level: PROVINCE, period: "2030-01") { id } }`, 'Period "2030-01" starts after today'],
    ];
    for (const [query, message] of cases) {
      const res = await graph.queryGateway(query);
      expect({ query, error: res.errors?.[0] }).toMatchObject({ query, error: { message: expect.stringContaining(message), extensions: { code: 'BAD_USER_INPUT' } } });
    }
    const anonymous = await graph.queryGateway(`{ ranking(level: PROVINCE, period: "2024-11") { id } }`, undefined, 'anonymous');
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
