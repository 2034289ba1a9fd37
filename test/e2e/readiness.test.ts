/**
 * Honest start-up: a subgraph listens before it can answer (`/health` 200, `/ready` and
 * `/graphql` 503 STARTING with its phase and progress); the gateway answers 503 STARTING naming
 * what is not ready until every subgraph is, then figures; `/ready` on the gateway lists each
 * subgraph. Seeding reports its progress. A port that Node's fetch refuses is refused by the
 * configuration, naming the variable.
 */
import { loadConfig, FETCH_BAD_PORTS } from '../../lib/config';
import { openDb } from '../../lib/db';
import { Readiness } from '../../lib/readiness';
import { prepareDomain } from '../../lib/service-runtime';
import { openSubgraphShell, type SubgraphShell } from '../../lib/subgraph';
import { upsertFacts } from '../../lib/fact-store';
import { citizenFacts } from '../../services/residency/facts';
import { residencyModule } from '../../services/residency/module';
import { startGraph, testDatabases, tokenFor, type RunningGraph } from '../helpers/graph';
import { countResidency, makeFixture } from '../helpers/fixture';
import { SUBGRAPHS } from '../../services/registry';

// Today's Hải Phòng (two-tier, with the former Hải Dương).
const PROVINCE = '31';
const PERIOD = '2024-06';
const fixture = makeFixture();

describe('start-up and readiness', () => {
  let graph: RunningGraph;
  let shell: SubgraphShell<any>;
  const config = testDatabases()[0].config('ready');

  beforeAll(async () => {
    graph = await startGraph(
      config,
      async (dbs) => {
        await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      },
      {
        // Residency as a service still starting: it listens, but has not mounted its GraphQL yet.
        gatewayUrls: async (urls) => {
          shell = await openSubgraphShell('residency', { port: 0 });
          return { ...urls, residency: shell.handle.url };
        },
      },
    );
  });
  afterAll(async () => {
    await graph?.stop();
    await shell?.handle.stop();
  });

  const get = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, body: (await res.json()) as any };
  };
  const base = (graphqlUrl: string) => graphqlUrl.replace(/\/graphql$/, '');

  test('a starting subgraph is alive, not ready, and says how far it is', async () => {
    shell.readiness.phase('seeding demo data');
    shell.readiness.progress({ done: 4210, total: 10051, unit: 'communes' });
    const root = base(shell.handle.url);
    expect(await get(`${root}/health`)).toEqual({ status: 200, body: { status: 'ok', service: 'residency' } });
    const ready = await get(`${root}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ service: 'residency', status: 'starting', phase: 'seeding demo data', progress: { done: 4210, total: 10051, unit: 'communes' } });
    const res = await fetch(shell.handle.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions.code).toBe('STARTING');
    expect(body.errors[0].message).toBe('The residency service is starting: seeding demo data (41 %: 4,210 of 10,051 communes); retry shortly');
  });

  test('the gateway answers 503 STARTING naming the subgraph and its progress, and is not ready', async () => {
    const res = await fetch(graph.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor({ role: 'analyst' })}` },
      body: JSON.stringify({ query: `{ province(code: "${PROVINCE}") { name } }` }),
    });
    expect(res.status).toBe(503);
    const body = (await res.json()) as any;
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe('STARTING');
    expect(body.errors[0].message).toBe('The graph is starting: residency is seeding demo data (41 %: 4,210 of 10,051 communes). Retry shortly');
    const ready = await get(`${base(graph.gatewayUrl)}/ready`);
    expect(ready.status).toBe(503);
    const residency = ready.body.subgraphs.find((s: any) => s.name === 'residency');
    expect(residency).toMatchObject({ status: 'starting', phase: 'seeding demo data' });
    expect(ready.body.subgraphs.filter((s: any) => s.status === 'ready').map((s: any) => s.name).sort()).toEqual(SUBGRAPHS.filter((name) => name !== 'residency').sort());
    expect((await get(`${base(graph.gatewayUrl)}/health`)).status).toBe(200);
  });

  test('once the subgraph is ready, the gateway is ready and answers with figures', async () => {
    const db = await openDb(config, 'residency');
    await shell.mount(residencyModule.createSubgraph({ db, config }));
    expect((await get(`${base(shell.handle.url)}/ready`)).status).toBe(200);
    // The gateway reuses a check for a quarter of a second.
    await new Promise((r) => setTimeout(r, 300));
    const res = await graph.queryGateway(`{ province(code: "${PROVINCE}") { name stats(period: "${PERIOD}") { residency { population } } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.province.stats.residency.population).toBe(countResidency(fixture, { structure: 'TWO_TIER', code: PROVINCE }, '2024-06-01', '2024-06-30').population);
    const ready = await get(`${base(graph.gatewayUrl)}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body.subgraphs.every((s: any) => s.status === 'ready')).toBe(true);
    expect(ready.body.supergraph).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  test('seeding reports its phases and progress through to the end', async () => {
    const seedConfig = loadConfig({ NODE_ENV: 'test', DATA_DIR: config.DATA_DIR + '-seed', DEMO_SCALE: '0.002' });
    const readiness = new Readiness('residency');
    const seen: string[] = [];
    const progress: number[] = [];
    const phase = readiness.phase.bind(readiness);
    readiness.phase = (p) => (seen.push(p), phase(p));
    const report = readiness.progress.bind(readiness);
    readiness.progress = (p) => (progress.push(p.done / p.total), report(p));
    const prepared = await prepareDomain(residencyModule, seedConfig, readiness);
    await prepared.db?.destroy();
    expect(prepared.seededRows).toBeGreaterThan(0);
    expect(seen).toEqual(['opening the database', 'migrating', 'seeding demo data', 'loading the administrative units']);
    expect(progress.length).toBeGreaterThan(10);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[progress.length - 1]).toBeGreaterThan(0.98);
  });
});

describe('ports that fetch refuses', () => {
  test('PORT=6000 is refused by the configuration, naming the variable and why', () => {
    expect(() => loadConfig({ PORT: '6000' })).toThrow(/PORT: port 6000 is on the fetch standard's list of blocked ports \("bad port"\)/);
    expect(() => loadConfig({ LAND_PORT: '6665' })).toThrow(/LAND_PORT: port 6665/);
    expect(() => loadConfig({ PORT: '6001' })).not.toThrow();
  });

  test("the list is Node's own: fetch refuses each of its ports, and not the ports beside them", async () => {
    const reason = async (port: number) => {
      try {
        await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
        return 'answered';
      } catch (err) {
        return String((err as { cause?: Error }).cause?.message ?? err);
      }
    };
    for (const port of FETCH_BAD_PORTS) expect([port, await reason(port)]).toEqual([port, 'bad port']);
    for (const port of [6001, 5999, 10081]) expect(await reason(port)).not.toBe('bad port');
  });
});
