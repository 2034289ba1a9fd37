/**
 * Reading the dashboard in the browser tests: when a view is drawn, what its table and charts
 * hold, and the graph's answer to the dashboard's own registered operations (sent by hash, as
 * the page sends them) to compare them with.
 */
import type { Page } from 'playwright-core';
import { loadPersistedOperations } from '../../gateway/persisted-operations';

const registered = new Map(loadPersistedOperations().operations.map((op) => [op.name, op]));

/** The page's view once it has drawn (body[data-ready] is set after each view, or names an error). */
export async function viewReady(page: Page): Promise<string> {
  await page.waitForFunction(() => /^(\d+|error-.*)$/.test((globalThis as any).document.body.dataset.ready ?? ''), undefined, { timeout: 20_000 });
  return page.evaluate(() => (globalThis as any).document.body.dataset.ready as string);
}

/** Does `action` in the page and waits for the view it leads to. */
export async function nextViewOf(page: Page, action: () => Promise<unknown>): Promise<string> {
  await page.evaluate(() => delete (globalThis as any).document.body.dataset.ready);
  await action();
  return viewReady(page);
}

/** The table as the page shows it: code, name, the raw value behind the chosen measure's cell and its text, numerator and denominator. */
export const tableOf = (page: Page) =>
  page.$$eval('#table tbody tr', (trs) =>
    trs.map((tr: any) => ({ rank: tr.cells[0].textContent, code: tr.dataset.code, name: tr.cells[2].textContent, raw: tr.cells[3].dataset.value, text: tr.cells[3].textContent, numerator: tr.querySelector('.numerator')?.dataset.value, denominator: tr.querySelector('.denominator')?.dataset.value })),
  );

/** Each row's code, value and rank as the page shows them. */
export const tableValuesOf = async (page: Page) => (await tableOf(page)).map((r) => ({ code: r.code, value: r.raw === '' ? null : Number(r.raw), rank: r.rank }));

/** What the table must hold: each unit's code, value and rank as the graph gives them. */
export const asTable = (rows: { code: string; value: number | null; rank: number | null }[]) => rows.map((r) => ({ code: r.code, value: r.value, rank: r.rank === null ? '–' : String(r.rank) }));

/** What the page gave ECharts: the map's data, the ranking's bars and the series' points. */
export const chartsOf = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as any;
    const option = (id: string) => g.echarts.getInstanceByDom(g.document.getElementById(id))?.getOption();
    const map = option('map');
    const ranking = option('ranking');
    const series = option('series');
    return {
      map: map.series[0].data.map((d: any) => ({ code: d.name as string, value: Number.isNaN(d.value) ? null : (d.value as number) })),
      mapName: map.series[0].map as string,
      features: g.echarts.getMap(map.series[0].map).geoJSON.features.map((f: any) => f.properties.code) as string[],
      ranking: { labels: ranking.yAxis[0].data, values: ranking.series[0].data },
      series: series?.series?.[0] ? { periods: series.xAxis[0].data, values: series.series[0].data.map((v: any) => (v === '-' ? null : v)) } : null,
    };
  });

/** Units in the order a ranking must have: highest value first, ties by code, those without a value last. */
export const ranked = <T extends { code: string; value: number | null }>(units: T[]) =>
  [...units].sort((a, b) => Number(a.value === null) - Number(b.value === null) || (b.value ?? 0) - (a.value ?? 0) || a.code.localeCompare(b.code));

/** The dashboard's registered operations, sent by hash alone with a bearer token. */
export function registeredClient(gatewayUrl: () => string, token: () => string) {
  async function ask(name: string, variables: Record<string, unknown>, accept = 'application/json'): Promise<Response> {
    return fetch(gatewayUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${token()}` },
      body: JSON.stringify({ operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: registered.get(name)!.hash } } }),
    });
  }
  async function data(name: string, variables: Record<string, unknown>): Promise<any> {
    const json = (await (await ask(name, variables)).json()) as { data?: unknown; errors?: unknown };
    expect(json.errors).toBeUndefined();
    return json.data;
  }
  /** The graph's ranking, by the dashboard's own operation, as rows; its order checked to be the values'. */
  async function rankingOf(variables: Record<string, unknown>) {
    const ranking = (await data('DashboardRanking', { structure: 'TWO_TIER', ...variables })).ranking;
    const rows = (ranking.entries as any[]).map((e) => ({ code: e.areaCode as string, name: e.areaName as string, value: e.value as number | null, rank: e.rank as number | null, protected: e.protected as boolean, numerator: e.numerator, denominator: e.denominator }));
    expect(rows.map((r) => r.code)).toEqual(ranked(rows).map((r) => r.code));
    return { period: ranking.period as string, rows };
  }
  return { ask, data, rankingOf };
}
