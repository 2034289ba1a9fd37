/**
 * The public-services part of the demo world, at the default scale and seed (as `npm start`
 * makes it), tells the story the reports published (../shared/DOMAIN.md), read through the
 * gateway: Hải Dương's 65 % of dossiers online at the end of 2022 and 70 % in April 2023 (within
 * 1 point), Cửa Lò's one dossier per four residents in January-October 2022, and the nation's
 * about 70.8 % in December 2025 after a steady rise. Only residency (for the residents) and
 * public services are seeded. SQLite only: this checks the data, not the database.
 */
import { loadConfig } from '../../lib/config';
import { DEMO_HORIZON } from '../../demo/population';
import { domainModule } from '../registry';
import { startGraph, testDatabases, type RunningGraph } from '../../test/helpers/graph';

let graph: RunningGraph;

beforeAll(async () => {
  const config = testDatabases()[0].config('ps-calibration');
  const defaults = loadConfig({});
  const options = { seed: defaults.DEMO_SEED, scale: defaults.DEMO_SCALE };
  graph = await startGraph({ ...config, TODAY: DEMO_HORIZON }, async (dbs) => {
    for (const name of ['residency', 'public-services']) await domainModule(name).demo!.seed(dbs[name], options);
  });
}, 900_000);
afterAll(() => graph?.stop());

async function query(text: string) {
  const res = await graph.queryGateway(text);
  expect(res.errors).toBeUndefined();
  return res.data;
}

/** Received online over received, from the figures (the indicator, onlineDossierShare, is the same ratio). */
const share = (f: { dossiersReceived: number; dossiersReceivedOnline: number }) => f.dossiersReceivedOnline / f.dossiersReceived;

test('Hải Dương: 65 % of dossiers online in December 2022, 70 % in April 2023 (within 1 point)', async () => {
  const data = await query(`{ province(code: "30", structure: THREE_TIER) {
    dec: stats(period: "2022-12") { publicServices { dossiersReceived dossiersReceivedOnline } }
    apr: stats(period: "2023-04") { publicServices { dossiersReceived dossiersReceivedOnline } indicators { onlineDossierShare } } } }`);
  const { dec, apr } = data.province;
  expect(apr.indicators.onlineDossierShare).toBeCloseTo(share(apr.publicServices), 12);
  expect(Math.abs(share(dec.publicServices) - 0.65)).toBeLessThanOrEqual(0.01);
  expect(Math.abs(share(apr.publicServices) - 0.7)).toBeLessThanOrEqual(0.01);
  // Hundreds of dossiers a month: the share is not an accident of a handful.
  expect(apr.publicServices.dossiersReceived).toBeGreaterThan(500);
});

test('Cửa Lò (its seven old wards, today Phường Cửa Lò): about one dossier per four residents in January-October 2022', async () => {
  const data = await query(`{ commune(code: "16732", structure: TWO_TIER) { name
    series(from: "2022-01", to: "2022-10", every: MONTH) { publicServices { dossiersReceived } }
    stats(period: "2022-10") { residency { population } } } }`);
  const c = data.commune;
  expect(c.name).toBe('Phường Cửa Lò');
  const dossiers = c.series.reduce((s: number, p: any) => s + p.publicServices.dossiersReceived, 0);
  // 17,166 dossiers for about 70,000 residents: 0.245 a resident; the demo's few dozen residents give a rougher ratio.
  expect(dossiers / c.stats.residency.population).toBeGreaterThanOrEqual(0.2);
  expect(dossiers / c.stats.residency.population).toBeLessThanOrEqual(0.3);
});

test('the nation: about 70.8 % online in December 2025 (within 1 point), rising year on year since 2022', async () => {
  const data = await query(`{ nation {
    dec2025: stats(period: "2025-12") { publicServices { dossiersReceived dossiersReceivedOnline } }
    series(from: "2022", to: "2025", every: YEAR) { period publicServices { dossiersReceived dossiersReceivedOnline } } } }`);
  expect(Math.abs(share(data.nation.dec2025.publicServices) - 0.708)).toBeLessThanOrEqual(0.01);
  const yearly = data.nation.series.map((p: any) => share(p.publicServices));
  expect(yearly).toHaveLength(4);
  for (let i = 1; i < yearly.length; i++) expect(yearly[i]).toBeGreaterThan(yearly[i - 1] + 0.02);
});

test('volume: the nation files about 0.29 dossiers a resident a year (Cửa Lò\'s rate)', async () => {
  const data = await query('{ nation { stats(period: "2024") { publicServices { dossiersReceived } residency { population } } } }');
  const { publicServices, residency } = data.nation.stats;
  expect(Math.abs(publicServices.dossiersReceived / residency.population - 17_166 / 70_000 / (10 / 12))).toBeLessThanOrEqual(0.01);
});
