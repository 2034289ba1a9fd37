/**
 * Analysts' own indicators through the gateway: defined in the query (`customIndicator`), or
 * saved into the catalogue by an admin (`saveIndicator`) and then read and ranked like a
 * built-in one. Values are checked against the fixture's rows counted here; for an analyst, the
 * numerator and denominator are the protected figures the analyst reads.
 */
import { upsertFacts } from '../../lib/fact-store';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts } from '../../services/land/facts';
import { healthRecordFacts } from '../../services/health/facts';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';
import { countHealth, countLand, countResidency, makeFixture, type AreaName } from '../helpers/fixture';

const fixture = makeFixture();
const two = (code: string): AreaName => ({ structure: 'TWO_TIER', code });
const OCT = ['2026-10-01', '2026-10-31'] as const;

const SAVE = `mutation($d: IndicatorInput!) { saveIndicator(definition: $d) { id name formula numerator denominator numeratorFigures denominatorFigures factor unit sourceDomains builtIn } }`;
const PARCELS_PER_1000 = {
  id: 'digitizedParcelsPer1000',
  name: 'Digitized parcels per 1,000 citizens',
  nameVi: 'Số thửa đất đã số hóa trên 1.000 dân',
  description: 'Digitized parcels (stock) per 1,000 registered citizens (stock), as of the period\'s last day.',
  numerator: ['land.digitizedParcels'],
  denominator: ['residency.population'],
  factor: 1000,
};

describe.each(testDatabases())('own indicators on $label', (database) => {
  let graph: RunningGraph;

  beforeAll(async () => {
    graph = await startGraph(database.config('ownind'), async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
      await dbs.health.transaction((trx) => upsertFacts(trx, healthRecordFacts, fixture.healthRecords));
    });
  });
  afterAll(() => graph?.stop());

  test('a ratio across domains with a factor, and a sum of figures, defined in the query', async () => {
    const res = await graph.queryGateway(`{ province(code: "31") { stats(period: "2026-10") {
      parcels: customIndicator(numerator: ["land.digitizedParcels"], denominator: ["residency.population"], factor: 1000) { id value numerator denominator protected suppressed complete }
      accounts: customIndicator(numerator: ["residency.eidLevel1", "residency.eidLevel2"], denominator: ["residency.population"], factor: 100) { value numerator denominator }
      books: customIndicator(numerator: ["health.eHealthRecords"], denominator: ["residency.eligiblePopulation", "land.parcels"]) { value }
    } } }`);
    expect(res.errors).toBeUndefined();
    const s = res.data.province.stats;
    const r = countResidency(fixture, two('31'), ...OCT);
    const l = countLand(fixture, two('31'), ...OCT);
    const h = countHealth(fixture, two('31'), ...OCT);
    expect(r.population).toBeGreaterThan(0);
    expect(s.parcels).toEqual({ id: 'custom', value: (1000 * l.digitizedParcels) / r.population, numerator: l.digitizedParcels, denominator: r.population, protected: false, suppressed: false, complete: true });
    expect(s.accounts).toEqual({ value: (100 * (r.eidLevel1 + r.eidLevel2)) / r.population, numerator: r.eidLevel1 + r.eidLevel2, denominator: r.population });
    expect(s.books.value).toBe(h.eHealthRecords / (r.eligiblePopulation + l.parcels));
  });

  test('for an analyst, a commune\'s numerator and denominator are the protected figures the analyst reads, divided after', async () => {
    const analyst = { role: 'analyst' as const };
    const res = await graph.queryGateway(`{ communes(provinceCode: "31") { code stats(period: "2026-10") {
      residency { population protected } land { digitizedParcels protected }
      customIndicator(numerator: ["land.digitizedParcels"], denominator: ["residency.population"], factor: 1000) { value numerator denominator protected }
    } } }`, undefined, analyst);
    expect(res.errors).toBeUndefined();
    let populated = 0;
    for (const c of res.data.communes) {
      const s = c.stats;
      const n = s.land.digitizedParcels;
      const d = s.residency.population;
      expect({ code: c.code, ...s.customIndicator }).toEqual({ code: c.code, value: d === 0 ? null : (1000 * n) / d, numerator: n, denominator: d, protected: true });
      if (d > 0) populated++;
    }
    expect(populated).toBeGreaterThan(5);
  });

  test('a bad formula is a BAD_USER_INPUT naming the unknown figure', async () => {
    const cases: [string, string][] = [
      [`customIndicator(numerator: ["land.digitisedParcels"], denominator: ["residency.population"])`, 'Unknown figure "land.digitisedParcels" in numerator (did you mean land.digitizedParcels?)'],
      [`customIndicator(numerator: ["land.parcels"], denominator: ["population"])`, 'Unknown figure "population" in denominator (did you mean residency.population?)'],
      [`customIndicator(numerator: ["land.parcels"], denominator: ["residency.population"], factor: 0)`, 'Invalid factor 0: must be a positive number'],
      [`customIndicator(numerator: [], denominator: ["residency.population"])`, 'Missing numerator'],
      [`customIndicator(numerator: ["justiceRecords.medianDaysToIssue"], denominator: ["residency.population"])`, 'is a median, not a count'],
    ];
    for (const [field, message] of cases) {
      const res = await graph.queryGateway(`{ province(code: "31") { stats(period: "2026-10") { ${field} { value } } } }`);
      expect({ field, error: res.errors?.[0] }).toMatchObject({ field, error: { message: expect.stringContaining(message), extensions: { code: 'BAD_USER_INPUT' } } });
    }
  });

  test('an admin saves an indicator into the catalogue; it then reads, ranks and is listed like a built-in one; deleted, it is gone', async () => {
    const before = await graph.queryGateway('{ indicatorCatalog { id builtIn } }', undefined, 'anonymous');
    expect(before.data.indicatorCatalog.every((d: any) => d.builtIn)).toBe(true);

    // Only admins; a bad formula names the figure.
    const byAnalyst = await graph.queryGateway(SAVE, { d: PARCELS_PER_1000 }, { role: 'analyst' });
    expect(byAnalyst.errors?.[0]).toMatchObject({ message: 'Only admins may change the indicator catalogue', extensions: { code: 'FORBIDDEN' } });
    const bad = await graph.queryGateway(SAVE, { d: { ...PARCELS_PER_1000, denominator: ['residency.citizens'] } });
    expect(bad.errors?.[0]).toMatchObject({ message: expect.stringContaining('Unknown figure "residency.citizens" in definition.denominator'), extensions: { code: 'BAD_USER_INPUT' } });
    const builtIn = await graph.queryGateway(SAVE, { d: { ...PARCELS_PER_1000, id: 'chipIdCoverage' } });
    expect(builtIn.errors?.[0]).toMatchObject({ message: expect.stringContaining('a built-in indicator has that id'), extensions: { code: 'BAD_USER_INPUT' } });

    const saved = await graph.queryGateway(SAVE, { d: PARCELS_PER_1000 });
    expect(saved.errors).toBeUndefined();
    expect(saved.data.saveIndicator).toEqual({
      id: 'digitizedParcelsPer1000', name: PARCELS_PER_1000.name, formula: '1000 × land.digitizedParcels / residency.population',
      numerator: 'land.digitizedParcels', denominator: 'residency.population', numeratorFigures: ['land.digitizedParcels'], denominatorFigures: ['residency.population'],
      factor: 1000, unit: 'per 1000', sourceDomains: ['land', 'residency'], builtIn: false,
    });
    const rows = await graph.dbs.indicators('saved_indicators').select('id', 'factor');
    expect(rows.map((r: any) => [r.id, Number(r.factor)])).toEqual([['digitizedParcelsPer1000', 1000]]);

    // The catalogue answer cached before is not served again.
    const after = await graph.queryGateway('{ indicatorCatalog { id nameVi builtIn } }', undefined, 'anonymous');
    expect(after.data.indicatorCatalog.slice(-1)).toEqual([{ id: 'digitizedParcelsPer1000', nameVi: PARCELS_PER_1000.nameVi, builtIn: false }]);

    const read = await graph.queryGateway(`{ province(code: "31") { stats(period: "2026-10") { indicator(id: "digitizedParcelsPer1000") { id value numerator denominator } builtIn: indicator(id: "chipIdCoverage") { value } } } }`);
    expect(read.errors).toBeUndefined();
    const r = countResidency(fixture, two('31'), ...OCT);
    const l = countLand(fixture, two('31'), ...OCT);
    expect(read.data.province.stats.indicator).toEqual({ id: 'digitizedParcelsPer1000', value: (1000 * l.digitizedParcels) / r.population, numerator: l.digitizedParcels, denominator: r.population });
    expect(read.data.province.stats.builtIn.value).toBe(r.chipIdCards / r.population);

    const ranked = await graph.queryGateway(`{ ranking(level: COMMUNE, parentCode: "31", period: "2026-10") { entries(by: "digitizedParcelsPer1000", first: 5) { rank areaCode value } } }`);
    expect(ranked.errors).toBeUndefined();
    const communes = (await graph.queryGateway('{ communes(provinceCode: "31") { code } }')).data.communes.map((c: any) => c.code);
    const expected = communes
      .map((code: string) => {
        const p = countResidency(fixture, two(code), ...OCT).population;
        return { areaCode: code, value: p === 0 ? null : (1000 * countLand(fixture, two(code), ...OCT).digitizedParcels) / p };
      })
      .filter((e: any) => e.value !== null)
      .sort((a: any, b: any) => b.value - a.value || (a.areaCode < b.areaCode ? -1 : 1))
      .slice(0, 5);
    expect(ranked.data.ranking.entries.map((e: any) => ({ areaCode: e.areaCode, value: e.value }))).toEqual(expected);
    expect(ranked.data.ranking.entries[0].rank).toBe(1);

    const deleted = await graph.queryGateway('mutation { deleteIndicator(id: "digitizedParcelsPer1000") }');
    expect(deleted.data).toEqual({ deleteIndicator: true });
    // Both changes, and the analyst's refused attempt, are in the audit log with who made them.
    const audited = (await graph.queryGateway('{ auditLog { subject operationText outcome } }')).data.auditLog.filter((r: any) => /saveIndicator|deleteIndicator/.test(r.operationText ?? ''));
    expect(audited.map((r: any) => [r.subject, r.operationText.includes('deleteIndicator') ? 'delete' : 'save', r.outcome])).toEqual([
      ['test-analyst', 'save', 'DENIED'],
      ['test-admin', 'save', 'ALLOWED'],
      ['test-admin', 'save', 'ALLOWED'],
      ['test-admin', 'save', 'ALLOWED'],
      ['test-admin', 'delete', 'ALLOWED'],
    ]);
    const gone = await graph.queryGateway(`{ province(code: "31") { stats(period: "2026-10") { indicator(id: "digitizedParcelsPer1000") { value } } } }`);
    expect(gone.errors?.[0]).toMatchObject({ message: 'Unknown indicator "digitizedParcelsPer1000": give an id of indicatorCatalog', extensions: { code: 'BAD_USER_INPUT' } });
  });
});
