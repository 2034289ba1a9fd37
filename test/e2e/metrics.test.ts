/**
 * `/metrics` on the gateway and on every subgraph, in Prometheus' text format, with figures that
 * match what the test did and what the subgraphs counted on their own side: requests by operation
 * and outcome, response cache hits and misses, rate-limit refusals, audit writes, subgraph fetches,
 * SQL statements, import rows. And the Grafana dashboard under ops/ queries only metrics and
 * labels the services really expose.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { upsertFacts } from '../../lib/fact-store';
import { importFile } from '../../lib/import/engine';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts } from '../../services/land/facts';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';
import { makeFixture } from '../helpers/fixture';
import { generateParcels, LAND_COLUMNS, parcelCells, writeCsv } from '../helpers/import-files';
import { importDefinition } from '../../services/registry';

const fixture = makeFixture();
const RATE_LIMIT = 40;

/** Samples of a Prometheus text exposition: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) types.set(type[1], type[2]);
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { samples, types };
}

describe('metrics', () => {
  let graph: RunningGraph;
  const config = { ...testDatabases()[0].config('metrics'), RATE_LIMIT_PER_MINUTE: RATE_LIMIT };

  beforeAll(async () => {
    graph = await startGraph(config, async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
    });
  });
  afterAll(() => graph?.stop());

  const scrape = async (graphqlUrl: string) => {
    const res = await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await res.text());
  };
  const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

  test('every service answers /metrics', async () => {
    for (const url of [graph.gatewayUrl, ...Object.values(graph.subgraphUrls())]) {
      const { samples } = await scrape(url);
      expect(samples.some((s) => s.name === 'process_cpu_seconds_total')).toBe(true);
      expect(samples.some((s) => s.name === 'p06_service_ready')).toBe(true);
    }
  });

  test('requests, cache, fetches and SQL statements are counted as they happened', async () => {
    const before = (await scrape(graph.gatewayUrl)).samples;
    graph.resetCounts();
    const query = `query MetricsProvince { province(code: "31") { name stats(period: "2024-06") { residency { population } land { parcels } } } }`;
    for (let i = 0; i < 3; i++) expect((await graph.queryGateway(query)).errors).toBeUndefined();
    const bad = await graph.queryGateway(`query MetricsBad { province(code: "99") { name } }`);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const citizen = fixture.citizens[0];
    expect((await graph.queryGateway(`query MetricsCitizen { citizen(id: "${citizen.personalId}") { fullName } }`)).data.citizen.fullName).toBe(citizen.fullName);
    const after = (await scrape(graph.gatewayUrl)).samples;
    const delta = (name: string, labels: Record<string, string>) => value(after, name, labels) - value(before, name, labels);

    expect(delta('p06_graphql_requests_total', { service: 'gateway', operation: 'MetricsProvince', outcome: 'ok' })).toBe(3);
    expect(delta('p06_graphql_request_duration_seconds_count', { service: 'gateway', operation: 'MetricsProvince' })).toBe(3);
    expect(delta('p06_graphql_requests_total', { service: 'gateway', operation: 'MetricsBad', outcome: 'error' })).toBe(1);
    expect(delta('p06_response_cache_requests_total', { result: 'miss' })).toBe(1);
    expect(delta('p06_response_cache_requests_total', { result: 'hit' })).toBe(2);
    expect(delta('p06_audit_writes_total', { outcome: 'written' })).toBe(1);
    // Fetches and statements, as the subgraphs and their databases counted them on their side.
    for (const name of ['geography', 'residency', 'land']) {
      expect([name, delta('p06_subgraph_fetches_total', { subgraph: name, outcome: 'ok' })]).toEqual([name, graph.subgraphRequests[name]]);
    }
    expect(graph.subgraphRequests.residency).toBeGreaterThan(0);
    for (const domain of ['residency', 'land']) {
      expect([domain, delta('p06_sql_statements_total', { domain, outcome: 'ok' })]).toEqual([domain, graph.sqlStatements[domain]]);
      expect(delta('p06_sql_statement_duration_seconds_count', { domain })).toBe(graph.sqlStatements[domain]);
    }
    // The subgraphs count the requests they answered too.
    expect(delta('p06_graphql_requests_total', { service: 'residency' })).toBe(graph.subgraphRequests.residency);
  });

  test('rate-limit refusals', async () => {
    const before = value((await scrape(graph.gatewayUrl)).samples, 'p06_rate_limit_refusals_total', {});
    let refused = 0;
    for (let i = 0; i < RATE_LIMIT + 3; i++) {
      const res = await graph.queryGateway('{ indicatorCatalog { id } }', undefined, { role: 'analyst', sub: 'metrics-flood' });
      if (res.errors?.[0].extensions?.code === 'RATE_LIMITED') refused++;
    }
    expect(refused).toBe(3);
    expect(value((await scrape(graph.gatewayUrl)).samples, 'p06_rate_limit_refusals_total', {}) - before).toBe(3);
  });

  test('import rows, committed and rolled back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-metrics-import-'));
    const good = path.join(dir, 'parcels.csv');
    const rows = writeCsv(good, LAND_COLUMNS, [...generateParcels('metrics', 250, ['00004', '10525'])].map((p) => ({ ...parcelCells(p), parcel_id: `M-${p.parcelId}` })));
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, `${LAND_COLUMNS.join(',')}\nM-1,00004,12.5,ONT,,2024-02-30\nM-2,00004,10,ONT,,\n`);
    const before = (await scrape(graph.gatewayUrl)).samples;
    await importFile({ config, definition: importDefinition('land'), file: good });
    await expect(importFile({ config, definition: importDefinition('land'), file: bad })).rejects.toThrow(/2024-02-30/);
    const after = (await scrape(graph.gatewayUrl)).samples;
    expect(value(after, 'p06_import_rows_total', { domain: 'land', outcome: 'committed' }) - value(before, 'p06_import_rows_total', { domain: 'land', outcome: 'committed' })).toBe(rows);
    expect(value(after, 'p06_import_rows_total', { domain: 'land', outcome: 'rolled_back' }) - value(before, 'p06_import_rows_total', { domain: 'land', outcome: 'rolled_back' })).toBe(2);
  });

  test('the Grafana dashboard queries only metrics and labels the services expose', async () => {
    const dashboard = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'ops', 'grafana-dashboard.json'), 'utf8'));
    const { samples, types } = await scrape(graph.gatewayUrl);
    const subgraph = await scrape(graph.subgraphUrls().residency);
    const all = [...samples, ...subgraph.samples];
    const labelsOf = new Map<string, Set<string>>();
    for (const s of all) {
      const set = labelsOf.get(s.name) ?? new Set<string>();
      for (const k of Object.keys(s.labels)) set.add(k);
      labelsOf.set(s.name, set);
    }
    const exprs: string[] = dashboard.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(12);
    const used = new Set<string>();
    for (const expr of exprs) {
      for (const m of expr.matchAll(/\b((?:p06|process|nodejs)_[a-z0-9_]+)(\{[^}]*\})?/g)) {
        const name = m[1];
        used.add(name.replace(/_(bucket|sum|count)$/, ''));
        expect([expr, name, labelsOf.has(name)]).toEqual([expr, name, true]);
        for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]+)\s*(?:=|!=|=~|!~)/g)) expect([name, l[1], labelsOf.get(name)!.has(l[1])]).toEqual([name, l[1], true]);
      }
      // Labels that sums keep must be on the metric summed.
      for (const by of expr.matchAll(/by \(([^)]*)\)\s*\(\s*(?:rate|increase)?\(?\s*([a-z0-9_]+)/g)) {
        for (const label of by[1].split(',').map((s) => s.trim())) expect([by[2], label, labelsOf.get(by[2])?.has(label)]).toEqual([by[2], label, true]);
      }
    }
    // Every metric of this graph is on the dashboard.
    const ours = [...types.keys()].filter((n) => n.startsWith('p06_'));
    expect(ours.filter((n) => !used.has(n))).toEqual([]);
  });
});
