/**
 * The 2025 reform through the gateway: both structures from the official files, history
 * re-aggregated onto today's units (new provinces exactly equal to the old ones they absorbed,
 * both structures summing to the nation), abolished units that still answer and say so, periods
 * that have not ended or whose data has not been delivered, and officers' scopes in either
 * structure.
 */
import { upsertFacts } from '../../lib/fact-store';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts } from '../../services/land/facts';
import { civilRecordFacts } from '../../services/civil-status/facts';
import { requestFacts } from '../../services/justice-records/facts';
import { healthRecordFacts } from '../../services/health/facts';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';
import { makeFixture, TEST_TODAY } from '../helpers/fixture';
import { newCommunesOf, placeFact, reference } from '../helpers/reference';

const fixture = makeFixture('reform', 8);

const FIGURES = `residency { population chipIdCards eidLevel1 eidLevel2 eligiblePopulation newRegistrations residencesEnded chipIdCardsIssued }
  land { parcels digitizedParcels parcelsDigitizedInPeriod }
  civilStatus { records digitizedRecords births marriages deaths }
  justiceRecords { requests requestsViaVneid issuedToDate }
  health { eHealthRecords integratedIntoVneid }`;
const INDICATORS = 'indicators { all { id numerator denominator value } }';

type Figures = Record<string, Record<string, number | null>>;
const DOMAINS = ['residency', 'land', 'civilStatus', 'justiceRecords', 'health'];

/** Figures summed field by field. */
function sum(list: Figures[]): Figures {
  const out: Figures = {};
  for (const d of DOMAINS) {
    out[d] = {};
    for (const f of Object.keys(list[0][d])) out[d][f] = list.reduce((a, x) => a + (x[d][f] ?? 0), 0);
  }
  return out;
}

describe.each(testDatabases())('the reform on $label', (database) => {
  let graph: RunningGraph;

  beforeAll(async () => {
    graph = await startGraph(database.config('reform'), async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
      await dbs['civil-status'].transaction((trx) => upsertFacts(trx, civilRecordFacts, fixture.civilRecords));
      await dbs['justice-records'].transaction((trx) => upsertFacts(trx, requestFacts, fixture.requests));
      // E-health data delivered only through 30 June 2026: later periods are not yet known.
      await dbs.health.transaction((trx) => upsertFacts(trx, healthRecordFacts, fixture.healthRecords, { deliveredThrough: '2026-06-30' }));
    });
  });
  afterAll(() => graph?.stop());

  test('both structures come from the official files: 34 / 3,321 today, 63 / 696 / 10,051 before', async () => {
    const res = await graph.queryGateway(`{ provinces { code } old: provinces(structure: THREE_TIER) { code }
      asOf: provinces(asOf: "2025-06-30") { code } today
      areaStructures { structure provinces districts communes inForce validFrom validTo } }`, undefined, 'anonymous');
    expect(res.errors).toBeUndefined();
    expect(res.data.provinces).toHaveLength(34);
    expect(res.data.old).toHaveLength(63);
    expect(res.data.asOf).toEqual(res.data.old);
    expect(res.data.today).toBe(TEST_TODAY);
    expect(res.data.areaStructures).toEqual([
      { structure: 'THREE_TIER', provinces: 63, districts: 696, communes: 10051, inForce: false, validFrom: null, validTo: '2025-06-30' },
      { structure: 'TWO_TIER', provinces: 34, districts: 0, communes: 3321, inForce: true, validFrom: '2025-07-01', validTo: null },
    ]);
    // The new provinces are those of the crosswalk, by code.
    expect(res.data.provinces.map((p: any) => p.code)).toEqual([...new Set(reference().newProvinceOf.values())].sort());
  });

  test('a code is read in its structure: 31 today is Hải Phòng with Hải Dương; 30 is only an old province', async () => {
    const res = await graph.queryGateway(`{ today: province(code: "31") { id name structure inForce communes { code } predecessors { area { id code } relation } }
      old: province(code: "31", structure: THREE_TIER) { id name inForce successors { area { id } relation } }
      hd: province(code: "30", asOf: "2024-12-31") { id name validTo successors { area { id name } relation } districts { code } }
      c: commune(code: "10525") { id name district { code } province { code } predecessors { area { id } relation note } }
      oc: commune(code: "10525", structure: THREE_TIER) { id name district { code } successors { area { id } relation } } }`, undefined, 'anonymous');
    expect(res.errors).toBeUndefined();
    const d = res.data;
    expect(d.today).toMatchObject({ id: 'TWO_TIER:31', name: 'Thành phố Hải Phòng', structure: 'TWO_TIER', inForce: true });
    expect(d.today.predecessors).toEqual([{ area: { id: 'THREE_TIER:30', code: '30' }, relation: 'WHOLE' }, { area: { id: 'THREE_TIER:31', code: '31' }, relation: 'WHOLE' }]);
    expect(d.today.communes.map((c: any) => c.code)).toEqual(newCommunesOf('31'));
    expect(d.old).toEqual({ id: 'THREE_TIER:31', name: 'Thành phố Hải Phòng', inForce: false, successors: [{ area: { id: 'TWO_TIER:31' }, relation: 'WHOLE' }] });
    expect(d.hd).toMatchObject({ id: 'THREE_TIER:30', name: 'Tỉnh Hải Dương', validTo: '2025-06-30', successors: [{ area: { id: 'TWO_TIER:31', name: 'Thành phố Hải Phòng' }, relation: 'WHOLE' }] });
    expect(d.hd.districts).toHaveLength(12);
    expect(d.c).toMatchObject({ id: 'TWO_TIER:10525', district: null, province: { code: '31' } });
    expect(d.c.predecessors.map((p: any) => p.area.id)).toEqual(reference().links.filter((l) => l.new === '10525').map((l) => `THREE_TIER:${l.old}`));
    expect(d.oc).toMatchObject({ id: 'THREE_TIER:10525', district: { code: '288' }, successors: [{ area: { id: 'TWO_TIER:10525' }, relation: 'WHOLE' }] });
  });

  test('searchAreas finds units of both structures, current ones first, each saying which it is', async () => {
    const res = await graph.queryGateway('{ searchAreas(text: "hai phong", level: PROVINCE) { id structure inForce } d: searchAreas(text: "hai duong") { id structure inForce } }', undefined, 'anonymous');
    expect(res.data.searchAreas).toEqual([{ id: 'TWO_TIER:31', structure: 'TWO_TIER', inForce: true }, { id: 'THREE_TIER:31', structure: 'THREE_TIER', inForce: false }]);
    expect(res.data.d[0].structure).toBe('TWO_TIER');
    expect(res.data.d.map((a: any) => a.id)).toContain('THREE_TIER:30');
  });

  test.each(['2024-06', '2025-06-30', '2025-Q3', '2026-05'])('in %s both structures sum to the nation, and each new province to the old ones it absorbed', async (period) => {
    const res = await graph.queryGateway(`{ nation { stats(period: "${period}") { ${FIGURES} ${INDICATORS} } }
      provinces { code predecessors { area { code } } stats(period: "${period}") { ${FIGURES} ${INDICATORS} } }
      old: provinces(structure: THREE_TIER) { code stats(period: "${period}") { ${FIGURES} } } }`);
    expect(res.errors).toBeUndefined();
    const strip = (s: any): Figures => Object.fromEntries(DOMAINS.map((d) => [d, s[d]]));
    const nation = strip(res.data.nation.stats);
    expect(nation.residency.population).toBeGreaterThan(0);
    expect(sum(res.data.provinces.map((p: any) => strip(p.stats)))).toEqual(nation);
    expect(sum(res.data.old.map((p: any) => strip(p.stats)))).toEqual(nation);
    const old = new Map(res.data.old.map((p: any) => [p.code, strip(p.stats)]));
    for (const p of res.data.provinces) {
      expect({ code: p.code, ...strip(p.stats) }).toEqual({ code: p.code, ...sum(p.predecessors.map((x: any) => old.get(x.area.code))) });
      // The DHIS2 rule in either structure: numerator and denominator summed first, then divided.
      for (const v of p.stats.indicators.all) expect({ id: v.id, value: v.value }).toEqual({ id: v.id, value: v.denominator ? v.numerator / v.denominator : null });
    }
  });

  test('old units answer after the reform on their former territory and say they were abolished; new ones before it say they did not exist', async () => {
    const res = await graph.queryGateway(`{ hd: province(code: "30", structure: THREE_TIER) { series(from: "2025-05", to: "2025-08", every: MONTH) { period unitInForce unitNote residency { population } } }
      hp: province(code: "31") { stats(period: "2024-06") { unitInForce unitNote } } }`);
    expect(res.errors).toBeUndefined();
    const series = res.data.hd.series;
    expect(series.map((s: any) => s.unitInForce)).toEqual([true, true, false, false]);
    expect(series[2].unitNote).toMatch(/Tỉnh Hải Dương \(30\) was abolished on 2025-07-01 \(passed into 31 Thành phố Hải Phòng\)/);
    expect(series[0].unitNote).toBeNull();
    // Its population goes on being counted after the reform, from the same facts.
    const counted = (end: string) => fixture.citizens.filter((c) => {
      const all = [...c.previousResidences, c];
      const i = all.findIndex((r, k) => r.registeredOn <= end && (k + 1 < all.length ? all[k + 1].registeredOn > end : !c.residenceEndedOn || c.residenceEndedOn > end));
      return i >= 0 && reference().oldCommunes.get(placeFact(all[i].communeCode, all[i].communeStructure, c.personalId, 'people').oldCommune)?.province === '30';
    }).length;
    expect(series[3].residency.population).toBe(counted('2025-08-31'));
    expect(res.data.hp.stats.unitInForce).toBe(false);
    expect(res.data.hp.stats.unitNote).toMatch(/created on 2025-07-01 from 30 Tỉnh Hải Dương, 31 Thành phố Hải Phòng/);
  });

  test('a domain whose data stops earlier says so: later periods are not shown as zero growth', async () => {
    const res = await graph.queryGateway(`{ province(code: "31") { series(from: "2026-05", to: "2026-08", every: MONTH) { period complete
      health { eHealthRecords integratedInPeriod complete figuresAsOf deliveredThrough protected }
      residency { complete deliveredThrough } indicators { eHealthIntegrationRate complete } } } }`);
    expect(res.errors).toBeUndefined();
    const [may, june, july, august] = res.data.province.series;
    expect(may.health).toMatchObject({ complete: true, figuresAsOf: '2026-05-31', deliveredThrough: '2026-06-30' });
    expect(may.health.eHealthRecords).toBeGreaterThan(0);
    expect(june.health).toMatchObject({ complete: true, figuresAsOf: '2026-06-30' });
    // July starts after the delivery: nothing is known of it (an admin asks: nothing is protected).
    for (const later of [july, august]) {
      expect(later.health).toEqual({ eHealthRecords: null, integratedInPeriod: null, complete: false, figuresAsOf: '2026-06-30', deliveredThrough: '2026-06-30', protected: false });
      expect(later.indicators).toEqual({ eHealthIntegrationRate: null, complete: false });
      expect(later.complete).toBe(true);
      expect(later.residency).toEqual({ complete: true, deliveredThrough: TEST_TODAY });
    }
  });

  test('the period containing today is answered as of today and says it is incomplete', async () => {
    const res = await graph.queryGateway(`{ nation { m: stats(period: "2026-11") { complete figuresAsOf residency { population complete figuresAsOf } }
      d: stats(period: "${TEST_TODAY}") { residency { population } } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.nation.m).toMatchObject({ complete: false, figuresAsOf: TEST_TODAY, residency: { complete: false, figuresAsOf: TEST_TODAY } });
    expect(res.data.nation.m.residency.population).toBe(res.data.nation.d.residency.population);
  });

  test("an officer's scope in either structure: a new province's code covers its old provinces, an old-only code that territory alone", async () => {
    const q = `{ a: province(code: "31") { communes { code stats(period: "2024-06") { residency { protected } } } }
      b: districts(provinceCode: "30") { code stats(period: "2024-06") { residency { protected } } }
      c: districts(provinceCode: "31") { code stats(period: "2024-06") { residency { protected } } } }`;
    const withheld = (rows: any[]) => rows.some((r) => r.stats.residency.protected);
    // "31" names today's Hải Phòng: exact figures in old Hải Dương and old Hải Phòng alike.
    const newScope = await graph.queryGateway(q, undefined, { role: 'officer', provinces: ['31'] });
    expect(withheld(newScope.data.a.communes)).toBe(false);
    expect(withheld(newScope.data.b)).toBe(false);
    // "30" names old Hải Dương only: not the rest of new Hải Phòng.
    const oldScope = await graph.queryGateway(q, undefined, { role: 'officer', provinces: ['30'] });
    expect(withheld(oldScope.data.b)).toBe(false);
    expect(withheld(oldScope.data.c)).toBe(true);
    const analyst = await graph.queryGateway(q, undefined, { role: 'analyst' });
    expect(withheld(analyst.data.b)).toBe(true);
  });
});
