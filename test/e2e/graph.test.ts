/**
 * The whole path through the gateway, the way analysts use it: figures of several domains and
 * the indicators computed from them, for any area and period, checked against the figures the
 * fixture rows imply when counted directly.
 */
import { upsertFacts } from '../../lib/fact-store';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts } from '../../services/land/facts';
import { civilRecordFacts } from '../../services/civil-status/facts';
import { requestFacts } from '../../services/justice-records/facts';
import { healthRecordFacts } from '../../services/health/facts';
import { INDICATOR_CATALOG } from '../../services/indicators/catalog';
import { startGraph, testDatabases, tokenFor, type RunningGraph } from '../helpers/graph';
import { countCivilStatus, countHealth, countJustice, countLand, countResidency, expectedIndicators, makeFixture } from '../helpers/fixture';
import { parsePeriod } from '../../lib/periods';
import { getArea } from '../../lib/areas';

const fixture = makeFixture();

const ALL_DISTRICTS = `{ provinces { code districts { code name stats(period: "2024-06") {
    residency { population chipIdCards eidLevel2 }
    land { parcels digitizedParcels }
    indicators { chipIdCoverage eidLevel2Coverage parcelDigitizationRate } } } } }`;

const FIGURES = `
  areaCode period periodStart periodEnd
  residency { population eligiblePopulation chipIdCards eidLevel1 eidLevel2 eidAccounts newRegistrations chipIdCardsIssued eidAccountsActivated eidLevel2Activated }
  land { parcels digitizedParcels parcelsDigitizedInPeriod }
  civilStatus { births marriages deaths records digitizedRecords recordsRegistered recordsDigitized }
  justiceRecords { requests requestsViaVneid issued requestsToDate requestsViaVneidToDate issuedToDate medianDaysToIssue }
  health { eHealthRecords integratedIntoVneid eHealthRecordsCreated integratedInPeriod }
  indicators { ${INDICATOR_CATALOG.map((d) => d.id).join(' ')} all { id value numerator denominator } }`;

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

describe.each(testDatabases())('the graph on $label', (database) => {
  let graph: RunningGraph;

  beforeAll(async () => {
    graph = await startGraph(database.config('e2e'), async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
      await dbs['civil-status'].transaction((trx) => upsertFacts(trx, civilRecordFacts, fixture.civilRecords));
      await dbs['justice-records'].transaction((trx) => upsertFacts(trx, requestFacts, fixture.requests));
      await dbs.health.transaction((trx) => upsertFacts(trx, healthRecordFacts, fixture.healthRecords));
    });
  });
  afterAll(() => graph?.stop());

  test('every district of the country in one query, with figures that match the rows and each other', async () => {
    const res = await graph.queryGateway(ALL_DISTRICTS);
    expect(res.errors).toBeUndefined();
    const districts = res.data.provinces.flatMap((p: any) => p.districts);
    expect(districts).toHaveLength(696);
    const populated = new Set<string>();
    for (const d of districts) {
      const r = countResidency(fixture, d.code, '2024-06-01', '2024-06-30');
      const l = countLand(fixture, d.code, '2024-06-01', '2024-06-30');
      const s = d.stats;
      expect({ code: d.code, ...s.residency }).toEqual({ code: d.code, population: r.population, chipIdCards: r.chipIdCards, eidLevel2: r.eidLevel2 });
      expect({ code: d.code, ...s.land }).toEqual({ code: d.code, parcels: l.parcels, digitizedParcels: l.digitizedParcels });
      expect(s.indicators.chipIdCoverage).toBe(ratio(s.residency.chipIdCards, s.residency.population));
      expect(s.indicators.eidLevel2Coverage).toBe(ratio(s.residency.eidLevel2, s.residency.population));
      expect(s.indicators.parcelDigitizationRate).toBe(ratio(s.land.digitizedParcels, s.land.parcels));
      if (r.population > 0) populated.add(d.code);
    }
    // The fixture's districts hold data and differ from one another.
    expect([...populated].sort()).toEqual(['001', '019', '288', '290', '760']);
    const rates = districts.filter((d: any) => populated.has(d.code)).map((d: any) => d.stats.indicators.chipIdCoverage);
    expect(new Set(rates).size).toBe(rates.length);
  });

  test('one SQL statement per subgraph fetch, whatever the number of entities', async () => {
    graph.resetCounts();
    // A fresh answer: an earlier test asked the same, and the response cache holds it.
    const res = await graph.queryGateway(ALL_DISTRICTS, undefined, undefined, { 'cache-control': 'no-cache' });
    expect(res.errors).toBeUndefined();
    for (const domain of ['residency', 'land']) {
      expect({ domain, fetches: graph.subgraphRequests[domain] }).toEqual({ domain, fetches: 1 });
      expect({ domain, statements: graph.sqlStatements[domain] }).toEqual({ domain, statements: 1 });
    }
  });

  test.each(['2024', '2024-Q3', '2024-11', '2024-02-29', '2023-12-31', '2025-01-01', '2021-Q1', '2030'])(
    'stocks and flows of nation, province, district and commune in period %s',
    async (period) => {
      const { start, end } = parsePeriod(period);
      for (const areaCode of ['VN', '30', '290', '10525', '00004']) {
        const res = await graph.queryGateway(`query($a: String!, $p: String!) { stats(areaCode: $a, period: $p) { ${FIGURES} } }`, { a: areaCode, p: period });
        expect(res.errors).toBeUndefined();
        const s = res.data.stats;
        expect({ areaCode, period, ...s.residency }).toEqual({ areaCode, period, ...countResidency(fixture, areaCode, start, end) });
        expect({ areaCode, period, ...s.land }).toEqual({ areaCode, period, ...countLand(fixture, areaCode, start, end) });
        expect({ areaCode, period, ...s.civilStatus }).toEqual({ areaCode, period, ...countCivilStatus(fixture, areaCode, start, end) });
        expect({ areaCode, period, ...s.justiceRecords }).toEqual({ areaCode, period, ...countJustice(fixture, areaCode, start, end) });
        expect({ areaCode, period, ...s.health }).toEqual({ areaCode, period, ...countHealth(fixture, areaCode, start, end) });
        const { all: _all, ...indicators } = s.indicators;
        expect({ areaCode, period, ...indicators }).toEqual({ areaCode, period, ...expectedIndicators(fixture, areaCode, start, end) });
        expect(s.periodEnd).toBe(end);
        const all = Object.fromEntries(s.indicators.all.map((v: any) => [v.id, v]));
        expect(all.chipIdCoverage).toEqual({ id: 'chipIdCoverage', value: ratio(s.residency.chipIdCards, s.residency.population), numerator: s.residency.chipIdCards, denominator: s.residency.population });
        expect(all.parcelDigitizationRate.value).toBe(s.indicators.parcelDigitizationRate);
      }
    },
  );

  test('a series is one entity per period, oldest first, each with its own figures', async () => {
    const res = await graph.queryGateway(`{ province(code: "30") { series(from: "2023-11", to: "2024", every: QUARTER) {
      period residency { population chipIdCardsIssued } indicators { chipIdCoverage } } } }`);
    expect(res.errors).toBeUndefined();
    const series = res.data.province.series;
    expect(series.map((s: any) => s.period)).toEqual(['2023-Q4', '2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']);
    for (const s of series) {
      const { start, end } = parsePeriod(s.period);
      const expected = countResidency(fixture, '30', start, end);
      expect({ period: s.period, population: s.residency.population, issued: s.residency.chipIdCardsIssued }).toEqual({
        period: s.period,
        population: expected.population,
        issued: expected.chipIdCardsIssued,
      });
    }
  });

  test('a write moves the figures at once: a parcel digitized, a citizen moved', async () => {
    const parcel = fixture.parcels.find((p) => p.communeCode === '10525' && p.digitizedOn === null)!;
    const citizen = fixture.citizens.find((c) => c.communeCode === '10525' && c.registeredOn < '2020-01-01')!;
    const before = await graph.queryGateway(`{ a: stats(areaCode: "10525", period: "2024-05") { land { digitizedParcels parcelsDigitizedInPeriod } residency { population } }
      b: stats(areaCode: "00004", period: "2024-05") { residency { population } } }`);
    await graph.dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, [{ ...parcel, digitizedOn: '2024-05-20' }]));
    await graph.dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, [{ ...citizen, communeCode: '00004' }]));
    await graph.dataChanged('land', 'residency');
    const after = await graph.queryGateway(`{ a: stats(areaCode: "10525", period: "2024-05") { land { digitizedParcels parcelsDigitizedInPeriod } residency { population } }
      b: stats(areaCode: "00004", period: "2024-05") { residency { population } } }`);
    expect(after.data.a.land.digitizedParcels).toBe(before.data.a.land.digitizedParcels + 1);
    expect(after.data.a.land.parcelsDigitizedInPeriod).toBe(before.data.a.land.parcelsDigitizedInPeriod + 1);
    expect(after.data.a.residency.population).toBe(before.data.a.residency.population - 1);
    expect(after.data.b.residency.population).toBe(before.data.b.residency.population + 1);
    // Put both back, so the other tests keep counting the fixture as it was.
    await graph.dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, [parcel]));
    await graph.dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, [citizen]));
    await graph.dataChanged('land', 'residency');
    const restored = await graph.queryGateway(`{ a: stats(areaCode: "10525", period: "2024-05") { land { digitizedParcels parcelsDigitizedInPeriod } residency { population } }
      b: stats(areaCode: "00004", period: "2024-05") { residency { population } } }`);
    expect(restored.data).toEqual(before.data);
  });

  test('administrative units: counts, hierarchy and search without diacritics', async () => {
    const res = await graph.queryGateway(`{
      nation { code name provinces { code } }
      d: districts(provinceCode: "30") { code name kind province { code name } }
      c: commune(code: "10525") { name kind district { code name } province { code name } }
      hd: searchAreas(text: "hai duong") { code name level }
      cl: searchAreas(text: "CHI LINH") { code name kind level }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.nation.provinces).toHaveLength(63);
    expect(res.data.d.map((d: any) => d.code)).toContain('288');
    expect(res.data.d.find((d: any) => d.code === '290')).toEqual({ code: '290', name: 'Thành phố Chí Linh', kind: 'Thành phố', province: { code: '30', name: 'Tỉnh Hải Dương' } });
    expect(res.data.c.district.code).toBe('288');
    expect(res.data.c.province.code).toBe('30');
    expect(res.data.hd[0]).toEqual({ code: '30', name: 'Tỉnh Hải Dương', level: 'PROVINCE' });
    expect(res.data.cl[0]).toEqual({ code: '290', name: 'Thành phố Chí Linh', kind: 'Thành phố', level: 'DISTRICT' });
  });

  test('one citizen, with the residence commune named by the geography subgraph', async () => {
    const c = fixture.citizens[5];
    const res = await graph.queryGateway(`query($id: String!) { citizen(id: $id) { id fullName birthDate sex eidLevel chipIdCardIssuedOn residenceCommune { code name district { name } } } }`, { id: c.personalId });
    expect(res.errors).toBeUndefined();
    expect(res.data.citizen).toMatchObject({ id: c.personalId, fullName: c.fullName, birthDate: c.birthDate, sex: c.sex, chipIdCardIssuedOn: c.chipCardIssuedOn });
    expect(res.data.citizen.residenceCommune.code).toBe(c.communeCode);
    expect(res.data.citizen.residenceCommune.name).toMatch(/^(Xã|Phường|Thị trấn) /);
  });

  test('the indicator catalogue lists every indicator with its formula', async () => {
    const res = await graph.queryGateway('{ indicatorCatalog { id name nameVi formula unit sourceDomains } }');
    expect(res.data.indicatorCatalog.map((i: any) => i.id)).toEqual([
      'chipIdCoverage', 'chipIdCoverageOfEligible', 'eidLevel1Coverage', 'eidLevel2Coverage', 'parcelDigitizationRate',
      'civilStatusDigitizationRate', 'criminalRecordVneidShare', 'eHealthIntegrationRate',
    ]);
    expect(res.data.indicatorCatalog.find((i: any) => i.id === 'eHealthIntegrationRate')).toMatchObject({ formula: 'health.integratedIntoVneid / residency.population', sourceDomains: ['health', 'residency'] });
    expect(res.data.indicatorCatalog[0]).toMatchObject({ formula: 'residency.chipIdCards / residency.population', unit: 'fraction', sourceDomains: ['residency'] });
  });

  test('every district of Hải Dương in 2024-11: the figures of all five domains and every indicator, one fetch and one statement per subgraph', async () => {
    graph.resetCounts();
    const res = await graph.queryGateway(`{ districts(provinceCode: "30") { code stats(period: "2024-11") { ${FIGURES} } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.districts).toHaveLength(12);
    for (const d of res.data.districts) {
      const s = d.stats;
      const [start, end] = ['2024-11-01', '2024-11-30'];
      expect({ code: d.code, ...s.civilStatus, ...s.justiceRecords, ...s.health }).toEqual({
        code: d.code, ...countCivilStatus(fixture, d.code, start, end), ...countJustice(fixture, d.code, start, end), ...countHealth(fixture, d.code, start, end),
      });
      const { all: _all, ...indicators } = s.indicators;
      expect({ code: d.code, ...indicators }).toEqual({ code: d.code, ...expectedIndicators(fixture, d.code, start, end) });
    }
    for (const domain of ['residency', 'land', 'civil-status', 'justice-records', 'health', 'indicators']) {
      expect({ domain, fetches: graph.subgraphRequests[domain] }).toEqual({ domain, fetches: 1 });
      if (domain in graph.sqlStatements) expect({ domain, statements: graph.sqlStatements[domain] }).toEqual({ domain, statements: 1 });
    }
  });

  test('one citizen across all five domains in one request', async () => {
    const married = fixture.civilRecords.find((r) => r.kind === 'MARRIAGE')!;
    const id = fixture.citizens.find((c) => married.personalIds.includes(c.personalId) && fixture.requests.some((r) => r.personalId === c.personalId) && fixture.parcels.some((p) => p.ownerPersonalId === c.personalId))?.personalId
      ?? married.personalIds[0];
    const c = fixture.citizens.find((x) => x.personalId === id)!;
    graph.resetCounts();
    const res = await graph.queryGateway(`query($id: String!) { citizen(id: $id) {
      id fullName birthDate sex eidLevel chipIdCardIssuedOn eidLevel1ActivatedOn eidLevel2ActivatedOn residenceRegisteredOn
      residenceCommune { code name district { code name } province { code name } }
      parcels { id areaM2 digitizedOn }
      civilStatusRecords { id kind registeredOn digitizedOn personalIds }
      criminalRecordRequests { id channel status submittedOn issuedOn }
      eHealth { id createdOn integratedOn integratedIntoVneid }
    } }`, { id });
    expect(res.errors).toBeUndefined();
    const got = res.data.citizen;
    expect(got).toMatchObject({ id, fullName: c.fullName, birthDate: c.birthDate, sex: c.sex, chipIdCardIssuedOn: c.chipCardIssuedOn, residenceRegisteredOn: c.registeredOn });
    expect(got.residenceCommune.code).toBe(c.communeCode);
    const district = getArea(c.communeCode)!.parentCode!;
    expect(got.residenceCommune.district.code).toBe(district);
    expect(got.residenceCommune.province.code).toBe(getArea(district)!.parentCode);
    expect(got.residenceCommune.name).toBe(getArea(c.communeCode)!.name);
    expect(got.parcels.map((p: any) => p.id)).toEqual(fixture.parcels.filter((p) => p.ownerPersonalId === id).map((p) => p.parcelId).sort());
    expect(got.civilStatusRecords.map((r: any) => r.id).sort()).toEqual(fixture.civilRecords.filter((r) => r.personalIds.includes(id)).map((r) => r.recordId).sort());
    expect(got.criminalRecordRequests.map((r: any) => r.id)).toEqual(fixture.requests.filter((r) => r.personalId === id).map((r) => r.requestId));
    const book = fixture.healthRecords.find((h) => h.personalId === id)!;
    expect(got.eHealth).toEqual({ id: book.recordId, createdOn: book.createdOn, integratedOn: book.integratedOn, integratedIntoVneid: book.integratedOn !== null });
    expect(got.civilStatusRecords.length).toBeGreaterThan(0);
    for (const domain of ['residency', 'land', 'civil-status', 'justice-records', 'health', 'geography']) {
      expect({ domain, fetched: graph.subgraphRequests[domain] > 0 }).toEqual({ domain, fetched: true });
    }
  });

  test('citizens of a commune, a page at a time', async () => {
    const commune = '10525';
    const expected = fixture.citizens.filter((c) => c.communeCode === commune).map((c) => c.personalId).sort();
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res: any = await graph.queryGateway(`query($after: String) { citizens(communeCode: "${commune}", first: 7, after: $after) { nodes { id residenceCommune { code } } pageInfo { endCursor hasNextPage } totalCount } }`, { after });
      expect(res.errors).toBeUndefined();
      const p = res.data.citizens;
      expect(p.totalCount).toBe(expected.length);
      seen.push(...p.nodes.map((n: any) => n.id));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  test.each([
    ['{ province(code: "99") { name } }', '"99"'],
    ['{ district(code: "30") { name } }', '"30"'],
    ['{ districts(provinceCode: "abc") { name } }', '"abc"'],
    ['{ stats(areaCode: "12345678", period: "2024") { areaCode } }', '"12345678"'],
    ['{ province(code: "30") { stats(period: "2024-13") { areaCode } } }', '"2024-13"'],
    ['{ province(code: "30") { stats(period: "24-01") { areaCode } } }', '"24-01"'],
    ['{ province(code: "30") { stats(period: "2023-02-29") { areaCode } } }', '"2023-02-29"'],
    ['{ province(code: "30") { series(from: "2025", to: "2024", every: MONTH) { period } } }', '"2025"'],
    ['{ nation { series(from: "1900", to: "2100", every: MONTH) { period } } }', 'MAX_SERIES_LENGTH'],
    ['{ citizen(id: "12345") { fullName } }', '"12345"'],
    ['{ citizen(id: "099012345678") { fullName } }', '"099012345678"'],
    ['{ citizen(id: "001912345678") { fullName } }', '"001912345678"'],
    ['{ citizens(communeCode: "288") { totalCount } }', '"288"'],
    ['{ citizens(communeCode: "10525", first: 0) { totalCount } }', 'Invalid first 0'],
    ['{ citizens(communeCode: "10525", after: "x") { totalCount } }', '"x"'],
  ])('%s is refused with BAD_USER_INPUT naming the value', async (query, named) => {
    const res = await fetch(graph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor({ role: 'admin' })}` }, body: JSON.stringify({ query }) });
    expect(res.status).toBeLessThan(500);
    const body: any = await res.json();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toContain(named);
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });
});
