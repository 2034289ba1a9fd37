/**
 * The demo world at its default scale tells the story the project's reports published
 * (../shared/DOMAIN.md): each figure is read through the gateway, the way an analyst would,
 * and compared with the published value. SQLite only: this checks the data, not the database.
 */
import { loadConfig } from '../../lib/config';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';

let graph: RunningGraph;

beforeAll(async () => {
  const config = testDatabases()[0].config('calibration');
  // The default scale and seed, as `npm start` uses them.
  const defaults = loadConfig({});
  graph = await startGraph({ ...config, DEMO_SCALE: defaults.DEMO_SCALE, DEMO_SEED: defaults.DEMO_SEED });
}, 600_000);
afterAll(() => graph?.stop());

async function provinceFigures(period: string, selection: string) {
  const res = await graph.queryGateway(`{ provinces { code stats(period: "${period}") { ${selection} } } }`);
  expect(res.errors).toBeUndefined();
  return res.data.provinces as { code: string; stats: any }[];
}

test('November 2024: 461 of 705 districts had digitized parcels (within 2 points)', async () => {
  const res = await graph.queryGateway('{ provinces { districts { code stats(period: "2024-11") { land { digitizedParcels } } } } }');
  const districts = res.data.provinces.flatMap((p: any) => p.districts);
  const share = districts.filter((d: any) => d.stats.land.digitizedParcels > 0).length / districts.length;
  expect(Math.abs(share - 461 / 705)).toBeLessThanOrEqual(0.02);
});

test('November 2024: 15 provinces had finished digitizing civil status records', async () => {
  const provinces = await provinceFigures('2024-11', 'indicators { civilStatusDigitizationRate }');
  expect(provinces.filter((p) => p.stats.indicators.civilStatusDigitizationRate === 1).length).toBe(15);
  expect(provinces.find((p) => p.code === '30')!.stats.indicators.civilStatusDigitizationRate).toBe(1);
});

test('criminal record certificates through VNeID: 2 provinces by 2 October 2024, 47 by 13 November 2024', async () => {
  const early = await provinceFigures('2024-10-02', 'justiceRecords { requestsViaVneidToDate }');
  const later = await provinceFigures('2024-11-13', 'justiceRecords { requestsViaVneidToDate }');
  expect(early.filter((p) => p.stats.justiceRecords.requestsViaVneidToDate > 0).length).toBe(2);
  expect(later.filter((p) => p.stats.justiceRecords.requestsViaVneidToDate > 0).length).toBe(47);
});

test('13 November 2024: 14.8 % of the population had their e-health book on VNeID (within 1 point)', async () => {
  const res = await graph.queryGateway('{ nation { stats(period: "2024-11-13") { indicators { eHealthIntegrationRate } } } }');
  expect(Math.abs(res.data.nation.stats.indicators.eHealthIntegrationRate - 0.148)).toBeLessThanOrEqual(0.01);
});

test('Hải Dương, April 2023: 98.5 % chip ID coverage and 73.6 % with eID level 1 or 2 (within 1 point)', async () => {
  const res = await graph.queryGateway('{ province(code: "30") { stats(period: "2023-04") { indicators { chipIdCoverageOfEligible eidLevel1Coverage eidLevel2Coverage } } } }');
  const i = res.data.province.stats.indicators;
  expect(Math.abs(i.chipIdCoverageOfEligible - 0.985)).toBeLessThanOrEqual(0.01);
  expect(Math.abs(i.eidLevel1Coverage + i.eidLevel2Coverage - 0.736)).toBeLessThanOrEqual(0.01);
});
