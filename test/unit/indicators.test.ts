import { computeIndicator, figureFieldDomain } from '../../services/indicators/catalog';
import { INDICATOR_CATALOG } from '../../services/registry';

const byId = (id: string) => INDICATOR_CATALOG.find((d) => d.id === id)!;

test('an indicator divides the summed numerator by the summed denominator', () => {
  expect(computeIndicator(byId('chipIdCoverage'), { residency: { chipIdCards: 3, population: 4, estimated: false, complete: true } })).toEqual({ id: 'chipIdCoverage', value: 0.75, numerator: 3, denominator: 4, suppressed: false, estimated: false, complete: true, protected: false });
});

test('an indicator is estimated when a figure it reads is, and complete only when both are', () => {
  const rate = computeIndicator(byId('eHealthIntegrationRate'), {
    health: { integratedIntoVneid: 2, estimated: true, complete: false },
    residency: { population: 8, estimated: false, complete: true },
  });
  expect(rate).toEqual({ id: 'eHealthIntegrationRate', value: 0.25, numerator: 2, denominator: 8, suppressed: false, estimated: true, complete: false, protected: false });
  const exact = computeIndicator(byId('eidLevel2Coverage'), { residency: { eidLevel2: 1, population: 2, estimated: false, complete: false } });
  expect([exact.estimated, exact.complete]).toEqual([false, false]);
});

test('a zero denominator or a missing (suppressed) figure gives null, not 0 or NaN', () => {
  expect(computeIndicator(byId('parcelDigitizationRate'), { land: { digitizedParcels: 0, parcels: 0 } }).value).toBeNull();
  expect(computeIndicator(byId('eidLevel2Coverage'), { residency: { eidLevel2: null, population: 10 } }).value).toBeNull();
  expect(computeIndicator(byId('eidLevel2Coverage'), {}).value).toBeNull();
});

test('the DHIS2 rule: a province rate is the ratio of sums, not the mean of district rates', () => {
  const districts = [{ chipIdCards: 1, population: 1 }, { chipIdCards: 0, population: 9 }];
  const sum = (k: 'chipIdCards' | 'population') => districts.reduce((s, d) => s + d[k], 0);
  const province = computeIndicator(byId('chipIdCoverage'), { residency: { chipIdCards: sum('chipIdCards'), population: sum('population') } });
  expect(province.value).toBe(0.1);
});

test('every catalogue entry names its source domains in its figure paths, and lives in its numerator\'s domain', () => {
  const { DOMAIN_MODULES } = require('../../services/registry') as typeof import('../../services/registry');
  for (const m of DOMAIN_MODULES) for (const d of m.indicators ?? []) expect([d.id, figureFieldDomain(d.numerator.split('.')[0])]).toEqual([d.id, m.name]);
  for (const d of INDICATOR_CATALOG) {
    expect(d.sourceDomains).toContain(figureFieldDomain(d.numerator.split('.')[0]));
    expect(d.sourceDomains).toContain(figureFieldDomain(d.denominator.split('.')[0]));
  }
});

test('every @requires of the indicators that read any figure fetches exactly the figures formulas may name', () => {
  const { figurePaths } = require('../../services/indicators/formula') as typeof import('../../services/indicators/formula');
  const FIGURE_PATHS = figurePaths();
  const { readSchema } = require('../../lib/subgraph') as typeof import('../../lib/subgraph');
  const sdl = readSchema('indicators');
  const selections = [...sdl.matchAll(/@requires\(\s*fields: """([\s\S]*?)"""/g)].map((m) => m[1]);
  // Ranking.entries, indicators (the built-in figures only, without `protected`), indicator, customIndicator.
  expect(selections).toHaveLength(4);
  const all = selections.filter((s) => s.includes('protected'));
  expect(all).toHaveLength(3);
  for (const selection of all) {
    const paths = [...selection.matchAll(/(\w+) \{([^{}]*)\}/g)].flatMap(([, object, names]) => names.trim().split(/\s+/).filter((n) => !['estimated', 'complete', 'protected'].includes(n)).map((n) => `${object}.${n}`));
    expect(paths.sort()).toEqual([...FIGURE_PATHS].sort());
  }
});

test('a formula sums its figures, multiplies by its factor, and is protected when a figure it reads is', () => {
  const { computeFormula } = require('../../services/indicators/formula') as typeof import('../../services/indicators/formula');
  const figures = { land: { digitizedParcels: 6, protected: true, complete: true }, residency: { eidLevel1: 1, eidLevel2: 2, population: 12, protected: false, complete: false } };
  expect(computeFormula('x', { numerator: ['land.digitizedParcels'], denominator: ['residency.population'], factor: 1000 }, figures)).toEqual({ id: 'x', value: 500, numerator: 6, denominator: 12, suppressed: false, estimated: false, complete: false, protected: true });
  expect(computeFormula('y', { numerator: ['residency.eidLevel1', 'residency.eidLevel2'], denominator: ['residency.population'], factor: 100 }, figures).value).toBe(25);
  expect(computeFormula('z', { numerator: ['health.integratedIntoVneid'], denominator: ['residency.population'], factor: 1 }, figures)).toMatchObject({ value: null, suppressed: true });
});

test("a domain's declared figures (its module's `figures`) are exactly the figures its SDL publishes under that AreaStats field", () => {
  const { DOMAIN_MODULES } = require('../../services/registry') as typeof import('../../services/registry');
  const { figureObjectsOf } = require('../../services/indicators/figures') as typeof import('../../services/indicators/figures');
  const { readSchema } = require('../../lib/subgraph') as typeof import('../../lib/subgraph');
  const declared = DOMAIN_MODULES.filter((m) => m.figures);
  expect(declared.map((m) => m.name)).toEqual(expect.arrayContaining(['residency', 'land', 'civil-status', 'justice-records', 'health']));
  for (const m of declared) {
    const inSdl = figureObjectsOf(m.name, readSchema(m.name)).find((o) => o.field === m.figures!.field);
    expect([m.name, inSdl?.figures.map((f) => f.name).sort()]).toEqual([m.name, Object.keys(m.figures!.fields).sort()]);
  }
});
