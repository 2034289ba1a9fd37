/**
 * Dashboards built on Apollo Client, against the gateway: persisted queries over GET (the
 * `useGETForHashedQueries` setting that lets HTTP caches serve dashboards: `Accept: *\/*`, no
 * `query` in the URL, which the gateway once answered with GraphiQL's page) and over POST; the
 * registered operations by their ids in the manifest at /persisted-operations.json; automatic
 * persisted queries (hash unknown, then registered with its text, then sent by hash alone);
 * Cache-Control fit for HTTP caches on aggregate answers and never on person-level ones.
 */
import crypto from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql, type DocumentNode } from '@apollo/client/core';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { getOperationAST } from 'graphql';
import { upsertFacts } from '../../lib/fact-store';
import { citizenFacts } from '../../services/residency/facts';
import { loadPersistedOperations } from '../../gateway/persisted-operations';
import { countResidency, makeFixture } from '../helpers/fixture';
import { startGraph, testDatabases, tokenFor, type RunningGraph } from '../helpers/graph';
import { placeFact } from '../helpers/reference';

const fixture = makeFixture('apollo-client', 12);
const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

interface Exchange {
  method: string;
  url: URL;
  body: any;
  accept: string | null;
  status: number;
  headers: Headers;
}

/** An Apollo Client as a dashboard makes one, recording what goes over the wire. */
function dashboardClient(graph: RunningGraph, options: { token?: string; get: boolean; generateHash?: (doc: DocumentNode) => string }) {
  const exchanges: Exchange[] = [];
  const recordingFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await fetch(input, init);
    const headers = new Headers(init?.headers as HeadersInit);
    exchanges.push({ method: init?.method ?? 'GET', url: new URL(String(input)), body: init?.body ? JSON.parse(String(init.body)) : undefined, accept: headers.get('accept'), status: res.status, headers: res.headers });
    return res;
  };
  const persisted = createPersistedQueryLink({ useGETForHashedQueries: options.get, ...(options.generateHash ? { generateHash: options.generateHash } : { sha256 }) });
  const http = new HttpLink({ uri: graph.gatewayUrl, fetch: recordingFetch as typeof fetch, headers: options.token ? { authorization: `Bearer ${options.token}` } : {} });
  // Every answer from the network: what is checked is the gateway, not Apollo's cache.
  const client = new ApolloClient({ link: persisted.concat(http), cache: new InMemoryCache(), defaultOptions: { query: { fetchPolicy: 'no-cache' } } });
  return { client, exchanges };
}

describe('Apollo Client against the gateway', () => {
  let graph: RunningGraph;
  let manifest: { format: string; version: number; operations: { id: string; name: string; type: string; body: string }[] };

  beforeAll(async () => {
    graph = await startGraph(testDatabases()[0].config('apollo'), async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
    });
    const res = await fetch(new URL('/persisted-operations.json', graph.gatewayUrl));
    expect(res.status).toBe(200);
    manifest = await res.json();
  });
  afterAll(() => graph?.stop());

  test('the manifest lists every registered operation: its id is the SHA-256 of its body, exactly the file', () => {
    const registered = loadPersistedOperations().operations;
    expect(manifest.format).toBe('apollo-persisted-query-manifest');
    expect(manifest.version).toBe(1);
    expect(manifest.operations.map((o) => o.name)).toEqual(registered.map((o) => o.name));
    for (const op of manifest.operations) {
      expect(op.type).toBe('query');
      expect(op.id).toBe(sha256(op.body));
      expect(op.body).toBe(registered.find((r) => r.name === op.name)!.text);
    }
  });

  test('a registered operation by its manifest id over GET: answered as GraphQL (not GraphiQL), with the right figures, cacheable privately', async () => {
    const idByName = new Map(manifest.operations.map((o) => [o.name, o.id]));
    const { client, exchanges } = dashboardClient(graph, {
      // An officer of Hải Dương: exact figures there (an analyst's would be perturbed).
      token: await tokenFor({ role: 'officer', provinces: ['30'] }),
      get: true,
      generateHash: (doc) => idByName.get(getOperationAST(doc)!.name!.value)!,
    });
    const op = manifest.operations.find((o) => o.name === 'DistrictsOfProvince')!;
    const result = await client.query({ query: gql(op.body), variables: { province: '30', period: '2024-06' } });
    expect(result.errors).toBeUndefined();

    // One GET, as Apollo Client sends it: the hash in the URL, no query, Accept: */*.
    expect(exchanges.map((e) => e.method)).toEqual(['GET']);
    const [get] = exchanges;
    expect(get.url.searchParams.has('query')).toBe(false);
    expect(JSON.parse(get.url.searchParams.get('extensions')!).persistedQuery.sha256Hash).toBe(op.id);
    expect(get.accept).toBe('*/*');
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toMatch(/^application\/json/);
    expect(get.headers.get('cache-control')).toBe('private, max-age=60');
    expect(get.headers.get('vary')).toBe('Authorization, Accept');

    // The figures are the fixture's.
    for (const code of ['288', '290']) {
      const district = result.data.districts.find((d: any) => d.code === code);
      const exact = countResidency(fixture, code, '2024-06-01', '2024-06-30');
      expect({ code, population: district.stats.residency.population, eidLevel2: district.stats.residency.eidLevel2 }).toEqual({ code, population: exact.population, eidLevel2: exact.eidLevel2 });
    }
  });

  test('automatic persisted queries over GET: an unknown hash, the text once by POST, then the hash alone by GET, served from the cache and public for anonymous callers', async () => {
    const query = gql`query FindChiLinh { searchAreas(text: "chi linh", level: DISTRICT) { code name level structure } }`;
    const first = dashboardClient(graph, { get: true });
    const answer = await first.client.query({ query });
    // (Apollo Client adds __typename to what it sends, as it does by default.)
    expect(answer.data.searchAreas).toEqual([{ __typename: 'District', code: '290', name: 'Thành phố Chí Linh', level: 'DISTRICT', structure: 'THREE_TIER' }]);
    // The hash is unknown at first; the link sends the text with it by POST, which registers it.
    expect(first.exchanges.map((e) => [e.method, e.status])).toEqual([['GET', 200], ['POST', 200]]);
    expect(first.exchanges[1].body.query).toContain('FindChiLinh');

    const second = dashboardClient(graph, { get: true });
    const again = await second.client.query({ query });
    expect(again.data).toEqual(answer.data);
    expect(second.exchanges.map((e) => e.method)).toEqual(['GET']);
    const [get] = second.exchanges;
    expect(get.url.searchParams.has('query')).toBe(false);
    expect(get.headers.get('cache-control')).toBe('public, max-age=60');
    expect(get.headers.get('x-cache')).toBe('HIT');
  });

  test('persisted queries over POST: the hash alone once the text is known', async () => {
    const query = gql`query HaiDuongPopulation($p: String!) { province(code: "30", structure: THREE_TIER) { code stats(period: $p) { residency { population } } } }`;
    const token = await tokenFor({ role: 'analyst' });
    const first = dashboardClient(graph, { token, get: false });
    const answer = await first.client.query({ query, variables: { p: '2024-12' } });
    expect(answer.data.province.stats.residency.population).toBe(countResidency(fixture, '30', '2024-12-01', '2024-12-31').population);
    expect(first.exchanges.map((e) => [e.method, e.body.query === undefined])).toEqual([['POST', true], ['POST', false]]);

    const second = dashboardClient(graph, { token, get: false });
    expect((await second.client.query({ query, variables: { p: '2024-12' } })).data).toEqual(answer.data);
    expect(second.exchanges.map((e) => [e.method, e.body.query === undefined, e.status])).toEqual([['POST', true, 200]]);
    expect(second.exchanges[0].headers.get('cache-control')).toBe('private, max-age=60');
  });

  test('person-level data over GET: answered and audited, but never cacheable', async () => {
    const query = gql`query OneCitizen($id: String!) { citizen(id: $id) { id fullName residenceCommuneCode } }`;
    const citizen = fixture.citizens[0];
    const auditRows = async () => Number((await graph.dbs.audit('audit_log').count({ n: '*' }))[0].n);
    const before = await auditRows();
    const token = await tokenFor({ role: 'admin' });
    await dashboardClient(graph, { token, get: true }).client.query({ query, variables: { id: citizen.personalId } });
    const { client, exchanges } = dashboardClient(graph, { token, get: true });
    const result = await client.query({ query, variables: { id: citizen.personalId } });
    expect(result.data.citizen).toEqual({ __typename: 'Citizen', id: citizen.personalId, fullName: citizen.fullName, residenceCommuneCode: placeFact(citizen.communeCode, citizen.communeStructure, citizen.personalId, 'people').newCommune });
    expect(exchanges.map((e) => e.method)).toEqual(['GET']);
    expect(exchanges[0].headers.get('cache-control')).toBe('private, no-store');
    expect(exchanges[0].headers.get('x-cache')).toBe('BYPASS');
    // Two reads answered (the first client's after its POST, and this GET): two audit records.
    expect(await auditRows()).toBe(before + 2);
  });

  test('GraphiQL only for a browser asking for HTML; a query in the URL is answered as GraphQL whatever the Accept', async () => {
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const page = await fetch(graph.gatewayUrl, { headers: { accept: browser } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('GraphiQL');
    for (const accept of ['*/*', browser, 'application/json']) {
      const res = await fetch(`${graph.gatewayUrl}?query=${encodeURIComponent('{ province(code: "31") { name } }')}`, { headers: { accept, 'apollo-require-preflight': 'true' } });
      expect({ accept, type: res.headers.get('content-type') }).toEqual({ accept, type: expect.stringMatching(/^application\/json/) });
      expect((await res.json()).data.province.name).toBe('Thành phố Hải Phòng');
    }
    // Nothing asked for at all: not the page either.
    const bare = await fetch(graph.gatewayUrl, { headers: { accept: '*/*' } });
    expect(bare.headers.get('content-type')).not.toMatch(/^text\/html/);
  });

  test("a GET that Apollo Server's CSRF prevention refuses is refused even when its answer is in the cache", async () => {
    const url = `${graph.gatewayUrl}?query=${encodeURIComponent('{ province(code: "01") { name } }')}`;
    const preflighted = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect((await preflighted.json()).data.province.name).toBe('Thành phố Hà Nội');
    expect((await fetch(url, { headers: { 'apollo-require-preflight': 'true' } })).headers.get('x-cache')).toBe('HIT');
    // What a page on another site can make a browser send: a simple GET.
    const simple = await fetch(url);
    expect(simple.status).toBe(400);
    expect((await simple.json()).errors[0].message).toMatch(/Cross-Site Request Forgery/);
  });
});
