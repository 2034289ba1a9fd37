/**
 * The demo world at its default scale tells the story the project's reports published
 * (../shared/DOMAIN.md): each figure is read through the gateway, the way an analyst would,
 * and compared with the published value. Figures published before the reform are read in the
 * three-tier structure they were published in, those published after it in the two-tier one.
 * SQLite only: this checks the data, not the database.
 */
import { areaByCode, communesIn, linkedAreas } from '../../lib/areas';
import { loadConfig } from '../../lib/config';
import { DEMO_HORIZON } from '../../demo/world';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';

let graph: RunningGraph;

beforeAll(async () => {
  const config = testDatabases()[0].config('calibration');
  // The default scale and seed, as `npm start` uses them; today is the day the demo reaches.
  const defaults = loadConfig({});
  graph = await startGraph({ ...config, DEMO_SCALE: defaults.DEMO_SCALE, DEMO_SEED: defaults.DEMO_SEED, TODAY: DEMO_HORIZON });
}, 900_000);
afterAll(() => graph?.stop());

async function query(text: string, as?: Parameters<RunningGraph['queryGateway']>[2]) {
  const res = await graph.queryGateway(text, undefined, as);
  expect(res.errors).toBeUndefined();
  return res.data;
}

async function oldProvinceFigures(period: string, selection: string) {
  const data = await query(`{ provinces(structure: THREE_TIER) { code stats(period: "${period}") { ${selection} } } }`);
  expect(data.provinces).toHaveLength(63);
  return data.provinces as { code: string; stats: any }[];
}

test('November 2024: 461 of 705 districts had digitized parcels (within 2 points)', async () => {
  const data = await query('{ provinces(structure: THREE_TIER) { districts { code stats(period: "2024-11") { land { digitizedParcels } } } } }');
  const districts = data.provinces.flatMap((p: any) => p.districts);
  expect(districts).toHaveLength(696);
  const share = districts.filter((d: any) => d.stats.land.digitizedParcels > 0).length / districts.length;
  expect(Math.abs(share - 461 / 705)).toBeLessThanOrEqual(0.02);
});

test('November 2024: 15 provinces had finished digitizing civil status records', async () => {
  const provinces = await oldProvinceFigures('2024-11', 'indicators { civilStatusDigitizationRate }');
  expect(provinces.filter((p) => p.stats.indicators.civilStatusDigitizationRate === 1).length).toBe(15);
  expect(provinces.find((p) => p.code === '30')!.stats.indicators.civilStatusDigitizationRate).toBe(1);
});

test('criminal record certificates through VNeID: 2 provinces by 2 October 2024, 47 by 13 November 2024', async () => {
  const early = await oldProvinceFigures('2024-10-02', 'justiceRecords { requestsViaVneidToDate }');
  const later = await oldProvinceFigures('2024-11-13', 'justiceRecords { requestsViaVneidToDate }');
  expect(early.filter((p) => p.stats.justiceRecords.requestsViaVneidToDate > 0).length).toBe(2);
  expect(later.filter((p) => p.stats.justiceRecords.requestsViaVneidToDate > 0).length).toBe(47);
});

test('13 November 2024: 14.8 % of the population had their e-health book on VNeID (within 1 point)', async () => {
  const data = await query('{ nation { stats(period: "2024-11-13") { indicators { eHealthIntegrationRate } } } }');
  expect(Math.abs(data.nation.stats.indicators.eHealthIntegrationRate - 0.148)).toBeLessThanOrEqual(0.01);
});

test('Hải Dương, April 2023: 98.5 % chip ID coverage and 73.6 % with eID level 1 or 2 (within 1 point)', async () => {
  const data = await query('{ province(code: "30", structure: THREE_TIER) { stats(period: "2023-04") { indicators { chipIdCoverageOfEligible eidLevel1Coverage eidLevel2Coverage } } } }');
  const i = data.province.stats.indicators;
  expect(Math.abs(i.chipIdCoverageOfEligible - 0.985)).toBeLessThanOrEqual(0.01);
  expect(Math.abs(i.eidLevel1Coverage + i.eidLevel2Coverage - 0.736)).toBeLessThanOrEqual(0.01);
});

test('30 November 2025: the land clean-up had reached 2,342 of 3,321 communes (70.5 %, within 1 point)', async () => {
  const data = await query('{ provinces(structure: TWO_TIER) { communes { code stats(period: "2025-11") { land { digitizedParcels } } } } }');
  const communes = data.provinces.flatMap((p: any) => p.communes);
  expect(communes).toHaveLength(3321);
  const share = communes.filter((c: any) => c.stats.land.digitizedParcels > 0).length / communes.length;
  expect(Math.abs(share - 2342 / 3321)).toBeLessThanOrEqual(0.01);
});

test('September 2025: about 64 % of the population had a VNeID level-2 account (within 1 point)', async () => {
  const data = await query('{ nation { stats(period: "2025-09") { residency { population eidLevel2 } indicators { eidLevel2Coverage } } } }');
  const { residency, indicators } = data.nation.stats;
  expect(indicators.eidLevel2Coverage).toBeCloseTo(residency.eidLevel2 / residency.population, 10);
  expect(Math.abs(indicators.eidLevel2Coverage - 0.64)).toBeLessThanOrEqual(0.01);
});

test('Hải Dương at realistic density: an analyst sees its two-tier communes\' figures unsuppressed', async () => {
  // The new communes old Hải Dương (30) passed into, from the official crosswalk: all in new Hải Phòng (31).
  const haiDuong = new Set(communesIn(areaByCode('30', 'THREE_TIER')!, 'THREE_TIER').flatMap((c) => linkedAreas(c, 'successors').map((a) => a.code)));
  const data = await query('{ province(code: "31", structure: TWO_TIER) { communes { code stats(period: "2026-10") { residency { population chipIdCards eidLevel2 } } } } }', { role: 'analyst' });
  const communes = (data.province.communes as any[]).filter((c) => haiDuong.has(c.code));
  expect(communes).toHaveLength(haiDuong.size);
  expect(communes.length).toBeGreaterThan(50);
  const shown = communes.filter((c) => ['population', 'chipIdCards', 'eidLevel2'].every((f) => c.stats.residency[f] !== null));
  expect(shown.length / communes.length).toBeGreaterThanOrEqual(0.9);
  const populations = shown.map((c) => c.stats.residency.population as number).sort((a, b) => a - b);
  expect(populations[Math.floor(populations.length / 2)]).toBeGreaterThanOrEqual(300);
});
