/**
 * The dashboard at /dashboard in a real (headless) Chromium, against a gateway that accepts
 * registered operations only (PERSISTED_OPERATIONS_ONLY=true), over the fixture's rows:
 * the map of the 34 provinces, the ranking, the series and the table show the graph's answer to
 * the same registered operations (asked here directly, by hash: its ranking, relative periods
 * resolved by the graph) and, for Hải Phòng, the value counted from the fixture rows; a click on the map drills down to the communes and Back comes
 * back; the URL holds the view; the CSV and XLSX downloads parse back to the same values; a
 * value the graph does not give is shown as suppressed, never as zero; a failing request says
 * why. Screenshots go to test-output/dashboard/. Signing in: dashboard-signin.test.ts.
 * Needs the system Chromium (`apt-get install -y chromium`); SKIP_BROWSER_TESTS=1 skips it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { upsertFacts } from '../../lib/fact-store';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts } from '../../services/land/facts';
import { civilRecordFacts } from '../../services/civil-status/facts';
import { requestFacts } from '../../services/justice-records/facts';
import { healthRecordFacts } from '../../services/health/facts';
import { loadPersistedOperations } from '../../gateway/persisted-operations';
import { saveIndicator } from '../../services/indicators/store';
import { countLand, countResidency, expectedIndicators, makeFixture } from '../helpers/fixture';
import { isLocal, launchChromium, SKIP_BROWSER } from '../helpers/browser';
import { asTable, chartsOf, nextViewOf, registeredClient, tableOf, tableValuesOf, viewReady } from '../helpers/dashboard';
import { startGraph, testDatabases, tokenFor, type RunningGraph } from '../helpers/graph';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-output', 'dashboard');

const fixture = makeFixture();
/** TEST_TODAY is 2026-11-29: "last month" is October 2026. */
const LAST_MONTH = '2026-10';
const SAVED = {
  id: 'digitizedParcelsPer1000',
  name: 'Digitized parcels per 1,000 citizens',
  nameVi: 'Thửa đất đã số hóa trên 1.000 công dân',
  description: 'land.digitizedParcels per 1,000 residency.population, both stocks as of the period end.',
  numerator: ['land.digitizedParcels'],
  denominator: ['residency.population'],
  factor: 1000,
};
const registered = new Map(loadPersistedOperations().operations.map((op) => [op.name, op]));

(SKIP_BROWSER ? describe.skip : describe)('the dashboard in a browser', () => {
  let graph: RunningGraph | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let analystToken: string;
  const requests: string[] = [];
  const failures: string[] = [];

  /** The registered operations, by hash alone, as the analyst the development token is. */
  const { data, rankingOf } = registeredClient(() => graph!.gatewayUrl, () => analystToken);
  const ready = () => viewReady(page);
  const nextView = (action: () => Promise<unknown>) => nextViewOf(page, action);
  const table = () => tableOf(page);
  const tableValues = () => tableValuesOf(page);
  const charts = () => chartsOf(page);

  beforeAll(async () => {
    [graph, browser] = await Promise.all([
      startGraph({ ...testDatabases()[0].config('dashboard'), PERSISTED_OPERATIONS_ONLY: true }, async (dbs) => {
        await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
        await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
        await dbs['civil-status'].transaction((trx) => upsertFacts(trx, civilRecordFacts, fixture.civilRecords));
        await dbs['justice-records'].transaction((trx) => upsertFacts(trx, requestFacts, fixture.requests));
        await dbs.health.transaction((trx) => upsertFacts(trx, healthRecordFacts, fixture.healthRecords));
        // An indicator an admin saved: the dashboard offers it like a built-in one.
        await saveIndicator(dbs.indicators, SAVED, 'test-admin');
      }),
      launchChromium(),
    ]);
    analystToken = await tokenFor({ role: 'analyst', sub: 'dashboard-test' });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    await context.route('**/*', (route) => (isLocal(route.request().url()) ? route.continue() : route.abort()));
    context.on('request', (r) => void requests.push(r.url()));
    context.on('requestfailed', (r) => void failures.push(`${r.url()}: ${r.failure()?.errorText}`));
    context.on('response', (r) => void (r.status() >= 400 && failures.push(`${r.url()}: HTTP ${r.status()}`)));
    page = await context.newPage();
    page.on('pageerror', (e) => void failures.push(`page error: ${e.message}`));
    // Anything the page's Content-Security-Policy blocked would be said on the console.
    context.on('console', (m) => void (m.type() === 'error' && /Content Security Policy/i.test(m.text()) && failures.push(`CSP: ${m.text()}`)));
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await graph?.stop();
  });

  test("opens on last month's eID level 2 coverage: map of 34 provinces, ranking, series and table equal the graph's answer", async () => {
    const dashboard = new URL('/dashboard', graph!.gatewayUrl).href;
    const nav = await page.goto(dashboard);
    expect(nav?.status()).toBe(200);
    expect(nav?.headers()['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self' 'nonce-[\w+/=]+'; .*connect-src 'self';/);
    await expect(ready()).resolves.toMatch(/^\d+$/);

    // Last month, as the graph resolves it.
    const { period, rows: expectedRows } = await rankingOf({ level: 'PROVINCE', period: 'LAST_MONTH', by: 'eidLevel2Coverage' });
    expect(period).toBe(LAST_MONTH);
    expect(expectedRows).toHaveLength(34);
    // Independently of the graph: Hải Phòng's coverage counted from the fixture rows.
    const counted = expectedIndicators(fixture, { structure: 'TWO_TIER', code: '31' }, '2026-10-01', '2026-10-31').eidLevel2Coverage;
    expect(counted).not.toBeNull();
    expect(expectedRows.find((r) => r.code === '31')!.value).toBeCloseTo(counted!, 12);

    await expect(page.locator('#map-title').innerText()).resolves.toBe('eID level 2 coverage (%), Last month: 2026-10');
    const drawn = await charts();
    expect(drawn.mapName).toBe('vn34');
    expect(drawn.features.sort()).toEqual(expectedRows.map((p) => p.code).sort());
    const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);
    expect(drawn.map.sort(byCode)).toEqual(expectedRows.map(({ code, value }) => ({ code, value })).sort(byCode));
    // One SVG path at least per province.
    expect(await page.locator('#map svg path').count()).toBeGreaterThanOrEqual(34);
    await expect(page.locator('#map-credit').innerText()).resolves.toContain('Province boundaries: Open Development Mekong (CC BY-SA 4.0), simplified');

    const withValue = expectedRows.filter((r) => r.value !== null);
    expect(withValue.length).toBeGreaterThan(0);
    expect(drawn.ranking).toEqual({ labels: withValue.map((r) => `${r.rank}. ${r.name}`), values: withValue.map((r) => r.value) });

    await expect(tableValues()).resolves.toEqual(asTable(expectedRows));
    const rows = await table();
    const haiPhong = rows.find((r) => r.code === '31')!;
    expect(haiPhong.text).toBe(`${(counted! * 100).toFixed(1)} %`);
    // Its numerator and denominator: the fixture's eID level 2 accounts and population.
    const people = countResidency(fixture, { structure: 'TWO_TIER', code: '31' }, '2026-10-01', '2026-10-31');
    expect({ numerator: Number(haiPhong.numerator), denominator: Number(haiPhong.denominator) }).toEqual({ numerator: people.eidLevel2, denominator: people.population });
    // Provinces the fixture has no people in: no value (nothing to divide by), never 0.
    const empty = rows.filter((r) => r.raw === '');
    expect(empty.length).toBeGreaterThan(0);
    for (const r of empty) expect(r.text).toBe('no value');

    // The series is the first province's, the 12 months to last month, as the graph answers it.
    const series = (await data('DashboardSeries', { code: expectedRows[0].code, from: '2025-11', to: LAST_MONTH, structure: 'TWO_TIER', by: 'eidLevel2Coverage', indicator: true })).area;
    await expect(page.locator('#series-title').innerText()).resolves.toBe(`${series.name}, 2025-11 to ${LAST_MONTH}`);
    expect(drawn.series).toEqual({ periods: series.series.map((s: any) => s.period), values: series.series.map((s: any) => s.indicator.value) });
    expect(drawn.series!.periods).toHaveLength(12);

    await page.screenshot({ path: path.join(SCREENSHOTS, 'provinces.png'), fullPage: true });
    expect(failures).toEqual([]);
    expect(requests.filter((u) => !isLocal(u))).toEqual([]);
    expect(requests).toEqual(expect.arrayContaining(['echarts.js', 'dashboard.js', 'provinces-34.geojson'].map((a) => new URL(`/dashboard/${a}`, graph!.gatewayUrl).href)));
  }, 60_000);

  test('a click on Hải Phòng on the map drills down to its communes (table and ranking), a commune to its series, and Back comes back', async () => {
    await page.goto(new URL('/dashboard', graph!.gatewayUrl).href);
    await ready();
    // A point inside Hải Phòng (31) on the map (in the former Hải Dương), where a person would click.
    const at = await page.evaluate(() => {
      const g = globalThis as any;
      const el = g.document.getElementById('map');
      const [x, y] = g.echarts.getInstanceByDom(el).convertToPixel({ seriesIndex: 0 }, [106.35, 20.95]);
      const box = el.getBoundingClientRect();
      return { x: box.left + x, y: box.top + y };
    });
    await expect(nextView(() => page.mouse.click(at.x, at.y))).resolves.toMatch(/^\d+$/);
    expect(new URL(page.url()).searchParams.get('province')).toBe('31');

    const { rows: order } = await rankingOf({ level: 'COMMUNE', period: 'LAST_MONTH', by: 'eidLevel2Coverage', parent: '31' });
    expect(order.length).toBeGreaterThan(50);
    await expect(tableValues()).resolves.toEqual(asTable(order));
    const rows = await table();
    // An analyst sees communes' figures protected: each rate is marked as computed from protected counts.
    expect(order.every((c) => c.protected)).toBe(true);
    for (const r of rows.filter((x) => x.raw !== '')) expect(r.text).toBe(`≈ ${(Number(r.raw) * 100).toFixed(1)} %`);
    await expect(page.locator('#ranking-title').innerText()).resolves.toBe('Ranking of the communes of Thành phố Hải Phòng');
    await expect(page.locator('#crumbs').innerText()).resolves.toBe('All provinces › Thành phố Hải Phòng');
    const drawn = await charts();
    const withValue = order.filter((r) => r.value !== null).slice(0, 40);
    expect(drawn.ranking).toEqual({ labels: withValue.map((r) => `${r.rank}. ${r.name}`), values: withValue.map((r) => r.value) });
    // The province's own series, and the map still shows the provinces.
    await expect(page.locator('#series-title').innerText()).resolves.toBe(`Thành phố Hải Phòng, 2025-11 to ${LAST_MONTH}`);
    expect(drawn.map).toHaveLength(34);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'communes-of-31.png'), fullPage: true });

    // A commune's row: its series.
    const commune = order[0];
    await nextView(() => page.locator(`#table tbody tr[data-code="${commune.code}"]`).click());
    expect(new URL(page.url()).searchParams.get('unit')).toBe(commune.code);
    const series = (await data('DashboardSeries', { code: commune.code, from: '2025-11', to: LAST_MONTH, structure: 'TWO_TIER', by: 'eidLevel2Coverage', indicator: true })).area;
    expect(series.level).toBe('COMMUNE');
    await expect(page.locator('#series-title').innerText()).resolves.toBe(`${commune.name}, 2025-11 to ${LAST_MONTH}`);
    expect((await charts()).series).toEqual({ periods: series.series.map((s: any) => s.period), values: series.series.map((s: any) => s.indicator.value) });

    // Back: the province's view, then all provinces.
    await nextView(() => page.goBack());
    expect(new URL(page.url()).searchParams.get('unit')).toBeNull();
    await expect(page.locator('#series-title').innerText()).resolves.toBe(`Thành phố Hải Phòng, 2025-11 to ${LAST_MONTH}`);
    await nextView(() => page.goBack());
    expect(new URL(page.url()).searchParams.get('province')).toBeNull();
    expect(await table()).toHaveLength(34);
    // And the link back in the page does the same.
    await nextView(() => page.goForward());
    await nextView(() => page.locator('#back').click());
    expect(await table()).toHaveLength(34);
    expect(failures).toEqual([]);
  }, 60_000);

  test("a shared link opens its view: Hải Phòng's communes by median days to issue last year, the withheld medians shown as suppressed", async () => {
    const shared = await context.newPage();
    const previous = page;
    page = shared;
    try {
      await page.goto(new URL('/dashboard?measure=justiceRecords.medianDaysToIssue&period=LAST_YEAR&province=31', graph!.gatewayUrl).href);
      await expect(ready()).resolves.toMatch(/^\d+$/);
      await expect(page.locator('#measure').inputValue()).resolves.toBe('justiceRecords.medianDaysToIssue');
      await expect(page.locator('#period-kind').inputValue()).resolves.toBe('LAST_YEAR');
      await expect(page.locator('#table-title').innerText()).resolves.toBe('Table: communes of Thành phố Hải Phòng, Last year: 2025');
      const variables = { level: 'COMMUNE', period: 'LAST_YEAR', by: 'justiceRecords.medianDaysToIssue', parent: '31' };
      const { period, rows: order } = await rankingOf(variables);
      expect(period).toBe('2025');
      await expect(tableValues()).resolves.toEqual(asTable(order));
      const rows = await table();
      // An admin sees medians the analyst's ranking withholds (fewer than 20 certificates issued): withheld, not missing.
      const admin = await graph!.queryGateway(registered.get('DashboardRanking')!.text, { ...variables, structure: 'TWO_TIER' }, { role: 'admin' });
      const adminMedian = new Map((admin.data.ranking.entries as any[]).map((e) => [e.areaCode, e.value]));
      const withheld = order.filter((c) => c.value === null && typeof adminMedian.get(c.code) === 'number');
      expect(withheld.length).toBeGreaterThan(0);
      for (const c of withheld) {
        const row = rows.find((r) => r.code === c.code)!;
        expect({ code: c.code, text: row.text }).toEqual({ code: c.code, text: 'suppressed' });
      }
      await page.screenshot({ path: path.join(SCREENSHOTS, 'shared-link-median-days.png'), fullPage: true });
    } finally {
      page = previous;
      await shared.close();
    }
    expect(failures).toEqual([]);
  }, 60_000);

  test('the old structure: the map of the 63 provinces of June 2024 with the values of the graph', async () => {
    await page.goto(new URL('/dashboard?structure=THREE_TIER&period=2024-06&measure=residency.population', graph!.gatewayUrl).href);
    await expect(ready()).resolves.toMatch(/^\d+$/);
    const { rows: answer } = await rankingOf({ level: 'PROVINCE', period: '2024-06', by: 'residency.population', structure: 'THREE_TIER' });
    expect(answer).toHaveLength(63);
    const drawn = await charts();
    expect(drawn.mapName).toBe('vn63');
    expect(drawn.features.sort()).toEqual(answer.map((p) => p.code).sort());
    const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);
    expect(drawn.map.sort(byCode)).toEqual(answer.map((p) => ({ code: p.code, value: p.value })).sort(byCode));
    // Hải Dương (30), abolished since: its people of June 2024, counted from the fixture rows.
    const counted = countResidency(fixture, '30', '2024-06-01', '2024-06-30').population;
    expect(counted).toBeGreaterThan(0);
    expect(answer.find((p) => p.code === '30')!.value).toBe(counted);
    await expect(tableValues()).resolves.toEqual(asTable(answer));
    const rows = await table();
    expect(rows[0].text).toBe(Number(rows[0].raw).toLocaleString('en'));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'three-tier-2024-06.png'), fullPage: true });
    expect(failures).toEqual([]);
  }, 60_000);

  test('every commune of the country ranked (the level chosen), a commune\'s row its series', async () => {
    await page.goto(new URL('/dashboard?period=2026-10', graph!.gatewayUrl).href);
    await ready();
    await expect(page.locator('#level option[value=DISTRICT]').isDisabled()).resolves.toBe(true);
    await expect(nextView(() => page.locator('#level').selectOption('COMMUNE'))).resolves.toMatch(/^\d+$/);
    expect(new URL(page.url()).searchParams.get('level')).toBe('COMMUNE');
    const { rows: order } = await rankingOf({ level: 'COMMUNE', period: '2026-10', by: 'eidLevel2Coverage' });
    expect(order).toHaveLength(3321);
    await expect(page.locator('#ranking-title').innerText()).resolves.toBe('Ranking of the 3,321 communes');
    await expect(tableValues()).resolves.toEqual(asTable(order));
    const drawn = await charts();
    const withValue = order.filter((r) => r.value !== null).slice(0, 40);
    expect(drawn.ranking).toEqual({ labels: withValue.map((r) => `${r.rank}. ${r.name}`), values: withValue.map((r) => r.value) });
    const commune = order[1];
    await nextView(() => page.locator(`#table tbody tr[data-code="${commune.code}"]`).click());
    expect(new URL(page.url()).searchParams.get('unit')).toBe(commune.code);
    await expect(page.locator('#series-title').innerText()).resolves.toBe(`${commune.name}, 2025-11 to 2026-10`);
    expect(failures).toEqual([]);
  }, 60_000);

  test('an indicator an admin saved is offered and shown like a built-in one, per 1,000', async () => {
    await page.goto(new URL(`/dashboard?measure=${SAVED.id}&period=2026-10`, graph!.gatewayUrl).href);
    await expect(ready()).resolves.toMatch(/^\d+$/);
    await expect(page.locator('#measure').inputValue()).resolves.toBe(SAVED.id);
    await expect(page.locator('#map-title').innerText()).resolves.toBe('Digitized parcels per 1,000 citizens (per 1000), 2026-10');
    const { rows: order } = await rankingOf({ level: 'PROVINCE', period: '2026-10', by: SAVED.id });
    await expect(tableValues()).resolves.toEqual(asTable(order));
    // Hải Phòng's rate from the fixture rows: 1,000 × digitized parcels / population.
    const where = { structure: 'TWO_TIER' as const, code: '31' };
    const rate = (1000 * countLand(fixture, where, '2026-10-01', '2026-10-31').digitizedParcels) / countResidency(fixture, where, '2026-10-01', '2026-10-31').population;
    const haiPhong = (await table()).find((r) => r.code === '31')!;
    expect(Number(haiPhong.raw)).toBeCloseTo(rate, 9);
    expect(haiPhong.text).toBe(`${rate.toFixed(2)} per 1000`);
    const series = (await data('DashboardSeries', { code: order[0].code, from: '2025-11', to: '2026-10', structure: 'TWO_TIER', by: SAVED.id, indicator: true })).area;
    expect((await charts()).series).toEqual({ periods: series.series.map((s: any) => s.period), values: series.series.map((s: any) => s.indicator.value) });
    expect(series.series.some((s: any) => typeof s.indicator.value === 'number')).toBe(true);
    expect(failures).toEqual([]);
  }, 60_000);

  test('the CSV and XLSX downloads are the table\'s operation answered as a table: they parse back to the same values', async () => {
    await page.goto(new URL('/dashboard?province=31', graph!.gatewayUrl).href);
    await ready();
    const answer = (await data('DashboardRanking', { level: 'COMMUNE', period: LAST_MONTH, by: 'eidLevel2Coverage', parent: '31', structure: 'TWO_TIER' })).ranking;
    const entries = answer.entries as any[];
    /** Each column of the file and the answer's value for it, per entry. */
    const COLUMNS: Record<string, (e: any) => unknown> = {
      'ranking.period': () => answer.period,
      'ranking.entries.rank': (e) => e.rank,
      'ranking.entries.areaCode': (e) => e.areaCode,
      'ranking.entries.areaName': (e) => e.areaName,
      'ranking.entries.value': (e) => e.value,
      'ranking.entries.numerator': (e) => e.numerator,
      'ranking.entries.denominator': (e) => e.denominator,
      'ranking.entries.stats.residency.population': (e) => e.stats.residency.population,
    };

    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#download-csv').click()]);
    expect(csvDownload.suggestedFilename()).toBe('DashboardRanking.csv');
    const csvFile = path.join(SCREENSHOTS, 'DashboardRanking.csv');
    await csvDownload.saveAs(csvFile);
    const csv = parseCsv(fs.readFileSync(csvFile), { bom: true, columns: true }) as Record<string, string>[];
    expect(csv).toHaveLength(entries.length);
    for (const [column, of] of Object.entries(COLUMNS)) {
      expect({ column, values: csv.map((r) => r[column]) }).toEqual({ column, values: entries.map((e) => (of(e) === null ? '' : String(of(e)))) });
    }

    const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#download-xlsx').click()]);
    expect(xlsxDownload.suggestedFilename()).toBe('DashboardRanking.xlsx');
    const xlsxFile = path.join(SCREENSHOTS, 'DashboardRanking.xlsx');
    await xlsxDownload.saveAs(xlsxFile);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsxFile);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const column = (name: string) => {
      const i = header.indexOf(name) + 1;
      expect(i).toBeGreaterThan(0);
      return entries.map((_e, r) => sheet.getRow(r + 2).getCell(i).value ?? null);
    };
    expect(sheet.rowCount).toBe(entries.length + 1);
    // Numbers are number cells.
    for (const [name, of] of Object.entries(COLUMNS)) expect({ name, values: column(name) }).toEqual({ name, values: entries.map((e) => of(e)) });
    // And they are what the page showed.
    await expect(tableValues()).resolves.toEqual(entries.map((e, r) => ({ code: column('ranking.entries.areaCode')[r], value: column('ranking.entries.value')[r], rank: e.rank === null ? '–' : String(column('ranking.entries.rank')[r]) })));
    expect(failures).toEqual([]);
  }, 60_000);

  test('a failing request says why: a period after today, a token the graph refuses; signing out returns to the development token', async () => {
    await page.goto(new URL('/dashboard', graph!.gatewayUrl).href);
    await ready();
    await page.locator('#period-kind').selectOption('CUSTOM');
    await expect(nextView(() => page.locator('#period-custom').fill('2027-03').then(() => page.locator('#period-custom').press('Enter')))).resolves.toMatch(/^error-/);
    const said = await page.locator('#error').innerText();
    expect(said).toMatch(/^DashboardRanking failed: BAD_USER_INPUT: .*"2027-03".* after today/);
    // What is still drawn is the earlier view: faded under the error.
    await expect(page.evaluate(() => (globalThis as any).document.body.classList.contains('failed'))).resolves.toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'error-future-period.png') });

    // A pasted token: kept in the tab's session storage only, and sent.
    await nextView(async () => {
      await page.locator('#sign-in').click();
      await page.locator('#token-input').fill('Bearer not-a-valid-token');
      await page.locator('#token-save').click();
    });
    await expect(page.evaluate(() => (globalThis as any).sessionStorage.getItem('p06:dashboard:token'))).resolves.toBe('not-a-valid-token');
    await expect(page.evaluate(() => (globalThis as any).localStorage.length)).resolves.toBe(0);
    await expect(page.locator('#error').innerText()).resolves.toMatch(/^DashboardCatalog failed \(HTTP 401\): UNAUTHENTICATED: .*Sign in with a valid token\.$/);
    await expect(page.locator('#who').innerText()).resolves.toBe('Signed in with a pasted token');

    // Signed out: the development token again, and the view in the URL is still the refused period.
    await expect(nextView(() => page.locator('#sign-out').click())).resolves.toMatch(/^error-/);
    await expect(page.locator('#who').innerText()).resolves.toBe('Development token (analyst)');
    await expect(page.locator('#error').innerText()).resolves.toMatch(/^DashboardRanking failed: BAD_USER_INPUT: .*"2027-03".* after today/);
    await expect(nextView(() => page.locator('#period-kind').selectOption('LAST_MONTH'))).resolves.toMatch(/^\d+$/);
    await expect(page.locator('#error').isHidden()).resolves.toBe(true);
    expect(await table()).toHaveLength(34);
    // Only the refused token's 401 and the refused period failed.
    expect(failures.filter((f) => !/HTTP (400|401)$/.test(f))).toEqual([]);
    failures.length = 0;
  }, 60_000);

  test('shows that it is loading, asks once more when subgraphs were too slow, and says so when the graph cannot be reached', async () => {
    await page.goto(new URL('/dashboard', graph!.gatewayUrl).href);
    await ready();
    // The graph slow to answer: the page says it is loading meanwhile.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/graphql', async (route) => {
      await held;
      await route.continue();
    });
    await page.evaluate(() => delete (globalThis as any).document.body.dataset.ready);
    await page.locator('#measure').selectOption('chipIdCoverage');
    await expect(page.locator('#status').innerText()).resolves.toBe('Loading…');
    await expect(page.locator('body').getAttribute('aria-busy')).resolves.toBe('true');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'loading.png') });
    release();
    await expect(ready()).resolves.toMatch(/^\d+$/);
    await expect(page.locator('#status').innerText()).resolves.toBe('');
    await page.unroute('**/graphql');
    // Subgraphs too slow once (as on the first requests after a start): asked once more, and drawn.
    let timedOut = 0;
    await page.route('**/graphql', async (route) => {
      if (timedOut++ > 0) return route.continue();
      // The gateway's answer when every subgraph a ranking needs missed SUBGRAPH_TIMEOUT_MS.
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ data: null, errors: [{ message: 'Subgraph "residency" did not answer in time', extensions: { code: 'SUBGRAPH_TIMEOUT' } }] }) });
    });
    await expect(nextView(() => page.locator('#measure').selectOption('eidLevel1Coverage'))).resolves.toMatch(/^\d+$/);
    expect(timedOut).toBeGreaterThan(1);
    await expect(page.locator('#error').isHidden()).resolves.toBe(true);
    expect(await table()).toHaveLength(34);
    await page.unroute('**/graphql');
    // The graph unreachable: the error names the operation and says the graph did not answer.
    await page.route('**/graphql', (route) => route.abort('connectionrefused'));
    await expect(nextView(() => page.locator('#measure').selectOption('eidLevel2Coverage'))).resolves.toMatch(/^error-/);
    await expect(page.locator('#error').innerText()).resolves.toMatch(/^DashboardRanking: the graph did not answer \(.+\)\.$/);
    await page.unroute('**/graphql');
    expect(failures.filter((f) => !/graphql: net::ERR_CONNECTION_REFUSED$/.test(f))).toEqual([]);
    failures.length = 0;
  }, 60_000);

  test('loads in under 2 s, assets and all, once the graph knows the view', async () => {
    // The page's own cost: a new browser context each time (nothing cached in the browser), the
    // graph's answers from its response cache (its computing time is measured in the README, on
    // the demo data). The best of three: the machine is shared.
    const url = new URL('/dashboard?period=2026-09', graph!.gatewayUrl).href;
    await page.goto(url);
    await expect(ready()).resolves.toMatch(/^\d+$/);
    const timings: number[] = [];
    for (let i = 0; i < 3; i++) {
      const fresh = await browser!.newContext({ viewport: { width: 1400, height: 1000 } });
      const tab = await fresh.newPage();
      const started = Date.now();
      await tab.goto(url);
      await tab.waitForFunction(() => /^\d+$/.test((globalThis as any).document.body.dataset.ready ?? ''), undefined, { timeout: 20_000 });
      timings.push(Date.now() - started);
      await fresh.close();
    }
    expect({ timings, under2s: Math.min(...timings) < 2000 }).toEqual({ timings, under2s: true });
  }, 60_000);
});
