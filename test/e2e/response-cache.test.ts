/**
 * The gateway's response cache (gateway/response-cache.ts), through the gateway as dashboards use
 * it: a repeated aggregate query is answered from the cache without touching the subgraphs; an
 * import makes the answers over its domain stale at once (and only those); callers of different
 * scope never share an answer; person-level answers are never cached; with Redis, two gateway
 * processes share one cache and see the same invalidation.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reference } from '../helpers/reference';
import { upsertFacts } from '../../lib/fact-store';
import { importFile } from '../../lib/import/engine';
import { loadConfig, type Config } from '../../lib/config';
import { startGateway } from '../../gateway/server';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts } from '../../services/land/facts';
import { healthRecordFacts } from '../../services/health/facts';
import { countHealth, countLand, makeFixture } from '../helpers/fixture';
import { LAND_COLUMNS, parcelCells, writeCsv } from '../helpers/import-files';
import { startGraph, testDatabases, tokenFor, type Caller, type RunningGraph } from '../helpers/graph';
import { importDefinition } from '../../services/registry';

const fixture = makeFixture('cache', 6);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-cache-'));
const DISTRICT = '290';

const LAND_OF_DISTRICTS = `query Land($p: String!) { province(code: "30", structure: THREE_TIER) { districts { code stats(period: $p) { land { parcels digitizedParcels parcelsDigitizedInPeriod } } } } }`;
const HEALTH_OF_DISTRICTS = `query Health($p: String!) { province(code: "30", structure: THREE_TIER) { districts { code stats(period: $p) { health { eHealthRecords integratedIntoVneid } } } } }`;

interface Answer {
  status: number;
  cache: string | null;
  text: string;
  body: any;
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}, as: Caller = { role: 'admin' }, headers: Record<string, string> = {}): Promise<Answer> {
  const h: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (as !== 'anonymous') h.authorization = `Bearer ${await tokenFor(as)}`;
  const res = await fetch(url, { method: 'POST', headers: h, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  return { status: res.status, cache: res.headers.get('x-cache'), text, body: JSON.parse(text) };
}

const totalRequests = (graph: RunningGraph) => Object.values(graph.subgraphRequests).reduce((a, b) => a + b, 0);

/** A parcel of a district of Hải Dương not digitized yet, and the CSV that digitizes it in 2024-05. */
function digitizeOneParcel(name: string) {
  const parcel = fixture.parcels.find((p) => p.digitizedOn === null && p.communeStructure === 'THREE_TIER' && ['288', '290'].includes(districtOfCommune(p.communeCode)) && !digitized.has(p.parcelId))!;
  digitized.add(parcel.parcelId);
  const file = path.join(dir, `${name}.csv`);
  writeCsv(file, LAND_COLUMNS, [parcelCells({ ...parcel, digitizedOn: '2024-05-20' })]);
  return { parcel, file };
}
const digitized = new Set<string>();
/** The three-tier district of a three-tier commune, from the official list. */
const districtOfCommune = (code: string) => reference().oldCommunes.get(code)!.district;

const districtOf = (answer: Answer, code: string) => answer.body.data.province.districts.find((d: any) => d.code === code).stats;

describe.each(testDatabases())('the response cache on $label', (database) => {
  let graph: RunningGraph;
  let config: Config;

  beforeAll(async () => {
    config = database.config('cache');
    graph = await startGraph(config, async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
      await dbs.health.transaction((trx) => upsertFacts(trx, healthRecordFacts, fixture.healthRecords));
    });
  });
  afterAll(() => graph?.stop());

  test('a repeated aggregate query is answered from the cache, without a subgraph request, whatever its spacing, comments or variable order', async () => {
    const first = await post(graph.gatewayUrl, LAND_OF_DISTRICTS, { p: '2024-03' });
    expect(first.cache).toBe('MISS');
    expect(first.body.errors).toBeUndefined();
    const expected = countLand(fixture, DISTRICT, '2024-03-01', '2024-03-31');
    expect(districtOf(first, DISTRICT).land).toEqual({ parcels: expected.parcels, digitizedParcels: expected.digitizedParcels, parcelsDigitizedInPeriod: expected.parcelsDigitizedInPeriod });

    graph.resetCounts();
    const again = await post(graph.gatewayUrl, LAND_OF_DISTRICTS, { p: '2024-03' });
    expect(again.cache).toBe('HIT');
    expect(again.text).toBe(first.text);
    const reformatted = await post(graph.gatewayUrl, `# the same operation, laid out differently
      query Land( $p : String! ) {
        province(code: "30", structure: THREE_TIER) { districts { code stats(period: $p) { land { parcels  digitizedParcels parcelsDigitizedInPeriod } } } }
      }`, { p: '2024-03' });
    expect(reformatted.cache).toBe('HIT');
    expect(reformatted.text).toBe(first.text);
    expect(totalRequests(graph)).toBe(0);

    // Two variables in either order are the same request.
    const twoVars = `query($a: String!, $p: String!) { stats(areaCode: $a, structure: THREE_TIER, period: $p) { land { parcels } } }`;
    expect((await post(graph.gatewayUrl, twoVars, { a: DISTRICT, p: '2024' })).cache).toBe('MISS');
    expect((await post(graph.gatewayUrl, twoVars, { p: '2024', a: DISTRICT })).cache).toBe('HIT');
    // Other variables are another request.
    expect((await post(graph.gatewayUrl, LAND_OF_DISTRICTS, { p: '2024-04' })).cache).toBe('MISS');
  });

  test('an import makes the cached figures of its domain stale at once; the next answer has the new figure', async () => {
    const before = await post(graph.gatewayUrl, LAND_OF_DISTRICTS, { p: '2024-05' });
    expect((await post(graph.gatewayUrl, LAND_OF_DISTRICTS, { p: '2024-05' })).cache).toBe('HIT');
    const { parcel, file } = digitizeOneParcel('digitize-one');
    const districtCode = districtOfCommune(parcel.communeCode);

    const summary = await importFile({ config, definition: importDefinition('land'), file });
    expect(summary.updated).toBe(1);

    const after = await post(graph.gatewayUrl, LAND_OF_DISTRICTS, { p: '2024-05' });
    expect(after.cache).toBe('MISS');
    const was = districtOf(before, districtCode).land;
    const now = districtOf(after, districtCode).land;
    expect(now).toEqual({ parcels: was.parcels, digitizedParcels: was.digitizedParcels + 1, parcelsDigitizedInPeriod: was.parcelsDigitizedInPeriod + 1 });
    // And the new answer is the one cached now.
    const cached = await post(graph.gatewayUrl, LAND_OF_DISTRICTS, { p: '2024-05' });
    expect(cached.cache).toBe('HIT');
    expect(cached.text).toBe(after.text);
  });

  test('an import invalidates only the answers read from its domain', async () => {
    expect((await post(graph.gatewayUrl, HEALTH_OF_DISTRICTS, { p: '2024-06' })).cache).toMatch(/MISS|HIT/);
    expect((await post(graph.gatewayUrl, HEALTH_OF_DISTRICTS, { p: '2024-06' })).cache).toBe('HIT');
    const { file } = digitizeOneParcel('digitize-another');
    await importFile({ config, definition: importDefinition('land'), file });
    const health = await post(graph.gatewayUrl, HEALTH_OF_DISTRICTS, { p: '2024-06' });
    expect(health.cache).toBe('HIT');
    expect(districtOf(health, DISTRICT).health).toEqual({
      eHealthRecords: countHealth(fixture, DISTRICT, '2024-06-01', '2024-06-30').eHealthRecords,
      integratedIntoVneid: countHealth(fixture, DISTRICT, '2024-06-01', '2024-06-30').integratedIntoVneid,
    });
    expect((await post(graph.gatewayUrl, LAND_OF_DISTRICTS, { p: '2024-06' })).cache).toBe('MISS');
  });

  test('identical requests that arrive while their answer is being computed share that one computation', async () => {
    await post(graph.gatewayUrl, LAND_OF_DISTRICTS, { p: '2023-09' });
    await graph.dataChanged('land');
    graph.resetCounts();
    const answers = await Promise.all(Array.from({ length: 4 }, () => post(graph.gatewayUrl, LAND_OF_DISTRICTS, { p: '2023-09' })));
    expect(graph.subgraphRequests.land).toBe(1);
    expect(answers.map((a) => a.cache).sort()).toEqual(['HIT', 'HIT', 'HIT', 'MISS']);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
  });

  test('callers of different roles or provinces never share an answer', async () => {
    const communes = `{ district(code: "${DISTRICT}") { communes { code stats(period: "2024") { residency { population protected } } } } }`;
    const admin = await post(graph.gatewayUrl, communes);
    expect((await post(graph.gatewayUrl, communes)).cache).toBe('HIT');
    const analyst = await post(graph.gatewayUrl, communes, {}, { role: 'analyst' });
    expect(analyst.cache).toBe('MISS');
    const officer = await post(graph.gatewayUrl, communes, {}, { role: 'officer', provinces: ['30'] });
    expect(officer.cache).toBe('MISS');
    const officerElsewhere = await post(graph.gatewayUrl, communes, {}, { role: 'officer', provinces: ['01'] });
    expect(officerElsewhere.cache).toBe('MISS');
    // The analyst's counts are protected (perturbed), the admin's and the local officer's are exact.
    const populations = (a: Answer) => a.body.data.district.communes.map((c: any) => c.stats.residency.population);
    expect(analyst.body.data.district.communes.every((c: any) => c.stats.residency.protected)).toBe(true);
    expect(populations(analyst)).not.toEqual(populations(admin));
    expect(populations(officer)).toEqual(populations(admin));
    expect(populations(officerElsewhere)).toEqual(populations(analyst));
    expect((await post(graph.gatewayUrl, communes, {}, { role: 'analyst', sub: 'another-analyst' })).text).toBe(analyst.text);
  });

  test('person-level answers are never cached, and each one is audited', async () => {
    const id = fixture.citizens[0].personalId;
    const query = `query($id: String!) { citizen(id: $id) { id fullName parcels { id } } }`;
    const before = Number((await graph.dbs.audit('audit_log').count({ n: '*' }))[0].n);
    graph.resetCounts();
    const first = await post(graph.gatewayUrl, query, { id });
    const second = await post(graph.gatewayUrl, query, { id });
    expect(first.body.data.citizen.id).toBe(id);
    expect([first.cache, second.cache]).toEqual(['BYPASS', 'BYPASS']);
    expect(graph.subgraphRequests.residency).toBe(2);
    expect(Number((await graph.dbs.audit('audit_log').count({ n: '*' }))[0].n)).toBe(before + 2);
  });

  test('answers with errors are not cached; Cache-Control: no-cache computes afresh', async () => {
    const bad = `{ stats(areaCode: "${DISTRICT}", structure: THREE_TIER, period: "2024-13") { land { parcels } } }`;
    const first = await post(graph.gatewayUrl, bad);
    expect(first.body.errors[0].message).toMatch(/2024-13/);
    expect((await post(graph.gatewayUrl, bad)).cache).toBe('BYPASS');
    const good = `{ stats(areaCode: "${DISTRICT}", structure: THREE_TIER, period: "2023") { land { parcels } } }`;
    await post(graph.gatewayUrl, good);
    graph.resetCounts();
    const fresh = await post(graph.gatewayUrl, good, {}, { role: 'admin' }, { 'cache-control': 'no-cache' });
    expect(fresh.cache).toBe('MISS');
    expect(graph.subgraphRequests.land).toBe(1);
  });

  test('Cache-Control: no-store is answered afresh and leaves nothing stored: the next request is a miss, then a hit', async () => {
    const query = `{ stats(areaCode: "${DISTRICT}", structure: THREE_TIER, period: "2022") { land { parcels } } }`;
    graph.resetCounts();
    const unstored = await post(graph.gatewayUrl, query, {}, { role: 'admin' }, { 'cache-control': 'no-store' });
    expect(unstored.body.errors).toBeUndefined();
    expect(unstored.cache).toBe('BYPASS');
    const next = await post(graph.gatewayUrl, query);
    expect(next.cache).toBe('MISS');
    expect(next.body).toEqual(unstored.body);
    expect((await post(graph.gatewayUrl, query)).cache).toBe('HIT');
    // Two computations (the no-store one and the miss), one land fetch each; the hit fetched nothing.
    expect(graph.subgraphRequests.land).toBe(2);
    // A stored answer is not served to a no-store request either.
    graph.resetCounts();
    expect((await post(graph.gatewayUrl, query, {}, { role: 'admin' }, { 'cache-control': 'no-store' })).cache).toBe('BYPASS');
    expect(graph.subgraphRequests.land).toBe(1);
  });
});

describe('the response cache in Redis, shared by two gateways', () => {
  let graph: RunningGraph;
  let config: Config;
  let second: Awaited<ReturnType<typeof startGateway>>;

  beforeAll(async () => {
    const base = testDatabases()[0].config('cache-redis');
    // A key prefix of its own: other runs on the same Redis never see these entries.
    config = loadConfig({ NODE_ENV: 'test', DATA_DIR: base.DATA_DIR, DEMO_SCALE: '0', REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: `p06test:${crypto.randomUUID()}:` });
    graph = await startGraph(config, async (dbs) => {
      await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
    });
    second = await startGateway({ config, subgraphUrls: graph.subgraphUrls(), port: 0 });
  });
  afterAll(async () => {
    await second?.stop();
    await graph?.stop();
  });

  test('what one gateway computed, the other serves; an import makes both compute afresh', async () => {
    const a = await post(graph.gatewayUrl, LAND_OF_DISTRICTS, { p: '2024-05' });
    expect(a.cache).toBe('MISS');
    graph.resetCounts();
    const b = await post(second.url, LAND_OF_DISTRICTS, { p: '2024-05' });
    expect(b.cache).toBe('HIT');
    expect(b.text).toBe(a.text);
    expect(totalRequests(graph)).toBe(0);

    const { parcel, file } = digitizeOneParcel('digitize-redis');
    await importFile({ config, definition: importDefinition('land'), file });
    const districtCode = districtOfCommune(parcel.communeCode);
    const afterB = await post(second.url, LAND_OF_DISTRICTS, { p: '2024-05' });
    expect(afterB.cache).toBe('MISS');
    expect(districtOf(afterB, districtCode).land.digitizedParcels).toBe(districtOf(a, districtCode).land.digitizedParcels + 1);
    const afterA = await post(graph.gatewayUrl, LAND_OF_DISTRICTS, { p: '2024-05' });
    expect(afterA.cache).toBe('HIT');
    expect(afterA.text).toBe(afterB.text);
  });

  test('an operation a client registered with one gateway can be sent by its hash alone to the other', async () => {
    const query = `query LandOfOneProvince($p: String!) { province(code: "30", structure: THREE_TIER) { code stats(period: $p) { land { digitizedParcels } } } } # ${crypto.randomUUID()}`;
    const hash = crypto.createHash('sha256').update(query).digest('hex');
    const send = async (url: string, body: Record<string, unknown>) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor({ role: 'admin' })}` }, body: JSON.stringify(body) });
      return (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
    };
    const persisted = (sha256Hash: string) => ({ variables: { p: '2024-05' }, extensions: { persistedQuery: { version: 1, sha256Hash } } });
    // Unknown everywhere at first: the client is told to send the text.
    expect((await send(second.url, persisted(hash))).errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await send(graph.gatewayUrl, { query, ...persisted(hash) });
    expect(registered.errors).toBeUndefined();
    const byHash = await send(second.url, persisted(hash));
    expect(byHash).toEqual(registered);
    expect(byHash.data.province.code).toBe('30');
  });
});
