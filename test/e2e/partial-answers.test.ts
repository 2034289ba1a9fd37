/**
 * A subgraph that fails costs only its own fields. The land subgraph sits behind a real HTTP
 * proxy that plays it down (connection refused), hanging, or failing with 503; the answers keep
 * every other domain's figures (checked against the fixture rows), null land's, and carry one
 * error naming land, the path and the cause. A partial answer is never cached; a subgraph that
 * keeps failing is not asked again until its circuit's reset time, then probed.
 *
 * SQLite only: the faults are between the gateway and a subgraph, whatever the database.
 */
import { upsertFacts } from '../../lib/fact-store';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts } from '../../services/land/facts';
import { startGraph, testDatabases, tokenFor, type GraphQLResponse, type RunningGraph } from '../helpers/graph';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { countLand, countResidency, makeFixture } from '../helpers/fixture';
import { newCommunesOf } from '../helpers/reference';

// The province and period of the example; passed as constants so that the queries can
// follow a change of the area model (a `structure:` argument) in one place.
// Today's Hải Phòng (two-tier, with the former Hải Dương).
const PROVINCE = '31';
const AREA = { structure: 'TWO_TIER' as const, code: PROVINCE };
const PERIOD = '2024-06';
const PERIOD_START = '2024-06-01';
const PERIOD_END = '2024-06-30';
const TIMEOUT_MS = 600;
const BREAKER_RESET_MS = 1500;

const provinceQuery = (province: string, period: string) =>
  `{ province(code: "${province}") { name stats(period: "${period}") { residency { population } land { parcels } indicators { chipIdCoverage parcelDigitizationRate } } } }`;
const districtsQuery = (province: string, period: string) =>
  `{ province(code: "${province}") { communes { code stats(period: "${period}") { residency { population } land { parcels } } } } }`;

const fixture = makeFixture();

describe('partial answers when a subgraph fails', () => {
  let graph: RunningGraph;
  let land: FaultProxy;
  const residency = countResidency(fixture, AREA, PERIOD_START, PERIOD_END);
  const parcels = countLand(fixture, AREA, PERIOD_START, PERIOD_END);

  beforeAll(async () => {
    const config = { ...testDatabases()[0].config('partial'), SUBGRAPH_TIMEOUT_MS: TIMEOUT_MS, SUBGRAPH_BREAKER_RESET_MS: BREAKER_RESET_MS };
    graph = await startGraph(
      config,
      async (dbs) => {
        await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
        await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
      },
      {
        gatewayUrls: async (urls) => {
          land = await startFaultProxy(urls.land);
          return { ...urls, land: land.url };
        },
      },
    );
    expect(residency.population).toBeGreaterThan(0);
    expect(parcels.parcels).toBeGreaterThan(0);
    // The graph has started (every subgraph ready once): from now on a failing subgraph costs
    // only its fields (before, the gateway answers 503 STARTING: test/e2e/readiness.test.ts).
    expect((await graph.queryGateway('{ provinces { code } }')).errors).toBeUndefined();
    // A subgraph's first answer compiles its code paths and may take longer than TIMEOUT_MS on a
    // busy machine: ask the tests' question once, whatever comes back (one failure at most, below
    // the breaker's minimum of fetches), so that the tests' 600 ms bound an answer, not a start.
    // Asked with no-store: an answer stored now would be served to the tests below whatever land does.
    await graph.queryGateway(provinceQuery(PROVINCE, PERIOD), undefined, undefined, { 'cache-control': 'no-store' });
  });
  afterAll(async () => {
    await graph?.stop();
    await land?.stop();
  });

  /**
   * A POST to the gateway, keeping the HTTP status and headers. Fresh by default (`Cache-Control:
   * no-cache`): a complete answer stored earlier would be served whatever land does.
   */
  async function post(query: string, fresh = true): Promise<{ status: number; cache: string | null; ms: number; body: GraphQLResponse }> {
    const started = performance.now();
    const res = await fetch(graph.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor({ role: 'admin' })}`, ...(fresh ? { 'cache-control': 'no-cache' } : {}) },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, cache: res.headers.get('x-cache'), body: (await res.json()) as GraphQLResponse, ms: performance.now() - started };
  }

  const noBareErrors = (body: GraphQLResponse) => {
    for (const e of body.errors ?? []) {
      expect(e.message).not.toBe('Internal server error');
      expect(e.extensions).toEqual(expect.objectContaining({ code: expect.any(String), serviceName: expect.any(String) }));
    }
  };

  // First: an answer with errors is not a failure for the circuit, but later tests open it.
  test("a subgraph's unexpected error is named at the gateway: which subgraph, and that its log has the details", async () => {
    await land.mode('internal');
    const { status, body } = await post(provinceQuery(PROVINCE, PERIOD));
    await land.mode('pass');
    expect(status).toBe(200);
    expect(body.data.province.stats.residency.population).toBe(residency.population);
    expect(body.data.province.stats.land).toBeNull();
    expect(body.errors).toEqual([
      { message: 'The land subgraph failed unexpectedly (its log has the details); its fields are null in this answer', extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'land' } },
    ]);
  });

  test('a hanging subgraph costs its timeout, not more: SUBGRAPH_TIMEOUT naming land, the rest answered', async () => {
    await land.mode('hang');
    const { status, body, ms } = await post(provinceQuery(PROVINCE, PERIOD));
    await land.mode('pass');
    expect(status).toBe(200);
    expect(ms).toBeLessThan(TIMEOUT_MS + 1500);
    expect(body.data.province.stats.residency.population).toBe(residency.population);
    expect(body.data.province.stats.land).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['province', 'stats', 'land'], extensions: expect.objectContaining({ code: 'SUBGRAPH_TIMEOUT', serviceName: 'land' }) }),
    ]);
    expect(body.errors![0].message).toMatch(/land.*did not answer.*600 ms.*SUBGRAPH_TIMEOUT_MS/);
  });

  test("with land down, the province's name and residency figures come back, land's are null, one error names land", async () => {
    await land.mode('down');
    const { status, body, cache } = await post(provinceQuery(PROVINCE, PERIOD), false);
    expect(status).toBe(200);
    noBareErrors(body);
    expect(body.data.province.name).toBe('Thành phố Hải Phòng');
    expect(body.data.province.stats.residency).toEqual({ population: residency.population });
    expect(body.data.province.stats.land).toBeNull();
    // Indicators of the domains that answered are computed; those needing land are null.
    const r = countResidency(fixture, AREA, PERIOD_START, PERIOD_END);
    expect(body.data.province.stats.indicators.chipIdCoverage).toBeCloseTo(r.chipIdCards / r.population, 12);
    expect(body.data.province.stats.indicators.parcelDigitizationRate).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toEqual({
      message: expect.stringMatching(/^Subgraph "land" is unavailable \(connection refused at http:\/\/127\.0\.0\.1:\d+\/graphql.*\); null in this answer: province\.stats\.land$/),
      path: ['province', 'stats', 'land'],
      extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'land', reason: expect.stringContaining('connection refused') }),
    });
    // A partial answer is not stored: not cacheable, and not served once land is back.
    expect(cache).toBe('BYPASS');
    await land.mode('pass');
    const back = await post(provinceQuery(PROVINCE, PERIOD), false);
    expect(back.body.errors).toBeUndefined();
    expect(back.cache).toBe('MISS');
    expect(back.body.data.province.stats.land).toEqual({ parcels: parcels.parcels });
  });

  test('across a list: every element keeps its other figures; the error points at the list and gives the whole path', async () => {
    await land.mode('down');
    const { body } = await post(districtsQuery(PROVINCE, PERIOD));
    await land.mode('pass');
    noBareErrors(body);
    const communes = body.data.province.communes as { code: string; stats: { residency: { population: number }; land: unknown } }[];
    expect(communes.map((d) => d.code)).toEqual(newCommunesOf(PROVINCE));
    for (const c of communes) {
      expect(c.stats.residency.population).toBe(countResidency(fixture, { structure: 'TWO_TIER', code: c.code }, PERIOD_START, PERIOD_END).population);
      expect(c.stats.land).toBeNull();
    }
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['province', 'communes'], extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'land', responsePath: ['province.communes.@.stats.land'] }) }),
    ]);
  });

  test("a citizen without land: the citizen's own fields stay, parcels is null with the error", async () => {
    const citizen = fixture.citizens.find((c) => fixture.parcels.some((p) => p.ownerPersonalId === c.personalId))!;
    await land.mode('down');
    const { body } = await post(`{ citizen(id: "${citizen.personalId}") { id fullName birthDate parcels { id } } }`);
    await land.mode('pass');
    noBareErrors(body);
    expect(body.data.citizen).toEqual({ id: citizen.personalId, fullName: citizen.fullName, birthDate: citizen.birthDate, parcels: null });
    expect(body.errors).toEqual([expect.objectContaining({ path: ['citizen', 'parcels'], extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'land' }) })]);
  });

  test('a subgraph that keeps failing is not asked again until the circuit resets; then one probe brings it back', async () => {
    // Start from a closed circuit: land answering.
    await land.mode('pass');
    for (let i = 0; ; i++) {
      const { body } = await post(provinceQuery(PROVINCE, PERIOD));
      if (!body.errors) break;
      if (i > 20) throw new Error('land did not come back');
      await new Promise((r) => setTimeout(r, 200));
    }
    await land.mode('error');
    let opened: GraphQLResponse | undefined;
    for (let i = 0; i < 20 && !opened; i++) {
      const { body } = await post(provinceQuery(PROVINCE, PERIOD));
      noBareErrors(body);
      expect(body.data.province.stats.residency.population).toBe(residency.population);
      if (body.errors?.[0].extensions?.circuit === 'open') opened = body;
      else expect(body.errors![0].message).toMatch(/Subgraph "land" is unavailable \(HTTP 503 Service Unavailable\)/);
    }
    expect(opened?.errors?.[0]).toEqual(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'land', circuit: 'open' }), path: ['province', 'stats', 'land'] }),
    );
    // While open: answered at once, and nothing reaches land.
    const before = land.requests;
    for (let i = 0; i < 3; i++) {
      const { body, ms } = await post(provinceQuery(PROVINCE, PERIOD));
      expect(body.errors?.[0].extensions?.circuit).toBe('open');
      expect(ms).toBeLessThan(500);
    }
    expect(land.requests).toBe(before);
    // Land recovers; after the reset time one fetch probes it and closes the circuit.
    await land.mode('pass');
    await new Promise((r) => setTimeout(r, BREAKER_RESET_MS + 200));
    const { body } = await post(provinceQuery(PROVINCE, PERIOD));
    expect(body.errors).toBeUndefined();
    expect(body.data.province.stats.land).toEqual({ parcels: parcels.parcels });
  });
});
