/**
 * Every limit and mode the README's *Trust* lists, through the gateway, each set low enough here
 * that one request on either side of it shows the setting is what decides: the request body
 * (MAX_BODY_BYTES), aliases (MAX_ALIASES), estimated cost (MAX_QUERY_COST), introspection without
 * a token in production, PERSISTED_OPERATIONS_ONLY (with the response cache and registration by
 * hash), and the response cache with its Redis gone, or with an import committing while an answer
 * is being computed (never a stale answer after it). SUBGRAPH_TIMEOUT_MS
 * is tested by test/e2e/partial-answers.test.ts (a hanging subgraph costs its timeout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { signUserToken } from '../../lib/auth';
import { loadConfig } from '../../lib/config';
import { upsertFacts } from '../../lib/fact-store';
import { startGateway } from '../../gateway/server';
import { parcelFacts, type Parcel } from '../../services/land/facts';
import { countLand, makeFixture } from '../helpers/fixture';
import { oldCommunesOfProvince } from '../helpers/reference';
import { startGraph, testDatabases, tokenFor, type RunningGraph } from '../helpers/graph';

const fixture = makeFixture('limits', 3);

/** Posts a body as it is written, keeping the status and the cache header. */
async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // compared as null
  }
  return { status: res.status, cache: res.headers.get('x-cache'), body: json, code: json?.errors?.[0]?.extensions?.code ?? null, limit: json?.errors?.[0]?.extensions?.limit ?? null };
}
const admin = async () => ({ authorization: `Bearer ${await tokenFor({ role: 'admin' })}` });

describe('limits set low: one request on each side of each', () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph({ ...testDatabases()[0].config('limits'), MAX_BODY_BYTES: 2_000, MAX_ALIASES: 3, MAX_QUERY_COST: 2_000, RATE_LIMIT_PER_MINUTE: 0 });
  });
  afterAll(() => graph?.stop());

  test('MAX_BODY_BYTES: a body of 1,990 bytes is answered, one of 2,010 is a 413 naming the setting', async () => {
    const body = (bytes: number) => {
      const base = JSON.stringify({ query: '{ nation { code } } # ' });
      return JSON.stringify({ query: `{ nation { code } } # ${'x'.repeat(bytes - base.length)}` });
    };
    expect(Buffer.byteLength(body(1_990))).toBe(1_990);
    const under = await post(graph.gatewayUrl, body(1_990), await admin());
    expect({ status: under.status, data: under.body.data }).toEqual({ status: 200, data: { nation: { code: 'VN' } } });
    const over = await post(graph.gatewayUrl, body(2_010), await admin());
    expect({ status: over.status, code: over.code }).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(over.body.errors[0].message).toBe('Request body larger than 2000 bytes (MAX_BODY_BYTES)');
  });

  test('MAX_ALIASES: three aliases are answered, four are a 400 naming the setting', async () => {
    const aliases = (n: number) => JSON.stringify({ query: `{ nation { ${Array.from({ length: n }, (_, i) => `a${i}: code`).join(' ')} } }` });
    const three = await post(graph.gatewayUrl, aliases(3), await admin());
    expect({ status: three.status, data: three.body.data }).toEqual({ status: 200, data: { nation: { a0: 'VN', a1: 'VN', a2: 'VN' } } });
    const four = await post(graph.gatewayUrl, aliases(4), await admin());
    expect({ status: four.status, code: four.code, limit: four.limit, message: four.body.errors[0].message }).toEqual({ status: 400, code: 'QUERY_LIMIT_EXCEEDED', limit: 'MAX_ALIASES', message: 'Query uses 4 aliases, more than the limit of 3 (MAX_ALIASES)' });
  });

  test("MAX_QUERY_COST: one district's communes are answered, every district's communes of a province are a 400 naming the setting", async () => {
    const cheap = await post(graph.gatewayUrl, JSON.stringify({ query: '{ district(code: "288") { communes { code } } }' }), await admin());
    expect({ status: cheap.status, errors: cheap.body.errors }).toEqual({ status: 200, errors: undefined });
    expect(cheap.body.data.district.communes.length).toBeGreaterThan(5);
    const costly = await post(graph.gatewayUrl, JSON.stringify({ query: '{ provinces(structure: THREE_TIER) { districts { communes { code name } } } }' }), await admin());
    expect({ status: costly.status, code: costly.code, limit: costly.limit }).toEqual({ status: 400, code: 'QUERY_LIMIT_EXCEEDED', limit: 'MAX_QUERY_COST' });
    expect(costly.body.errors[0].message).toMatch(/^Query's estimated cost \d+ exceeds the limit of 2000 \(MAX_QUERY_COST\)$/);
  });
});

describe('introspection in production', () => {
  test('without a token: 401; with a token, or anonymously outside production: the schema', async () => {
    const graph = await startGraph(testDatabases()[0].config('introspection'));
    const secrets = { JWT_SECRET: 'a-real-secret-of-enough-length', INTERNAL_SECRET: 'another-real-secret-0123', PERTURBATION_SECRET: 'a-third-real-secret-456' };
    const production = loadConfig({ NODE_ENV: 'production', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'p06-prod-')), DEMO_SCALE: '0', ...secrets });
    const gateway = await startGateway({ config: production, subgraphUrls: graph.subgraphUrls(), port: 0 });
    try {
      const introspection = JSON.stringify({ query: '{ __schema { queryType { name } } }' });
      const anonymous = await post(gateway.url, introspection);
      expect({ status: anonymous.status, code: anonymous.code, message: anonymous.body.errors[0].message }).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: 'Introspection needs authentication in production: send a bearer token' });
      expect(anonymous.body.data ?? null).toBeNull();
      const token = await signUserToken(secrets.JWT_SECRET, { sub: 'a-developer', roles: ['analyst'] });
      const withToken = await post(gateway.url, introspection, { authorization: `Bearer ${token}` });
      expect({ status: withToken.status, body: withToken.body }).toEqual({ status: 200, body: { data: { __schema: { queryType: { name: 'Query' } } } } });
      // The same anonymous request outside production is answered: production is what refuses it.
      const test = await post(graph.gatewayUrl, introspection);
      expect({ status: test.status, body: test.body }).toEqual({ status: 200, body: { data: { __schema: { queryType: { name: 'Query' } } } } });
    } finally {
      await gateway.stop();
      await graph.stop();
    }
  });
});

describe('PERSISTED_OPERATIONS_ONLY', () => {
  const text = fs.readFileSync(path.join('operations', 'communes-of-province.graphql'), 'utf8');
  const variables = JSON.parse(fs.readFileSync(path.join('operations', 'communes-of-province.variables.json'), 'utf8'));
  const hash = crypto.createHash('sha256').update(text).digest('hex');
  const byHash = (h: string, extra: Record<string, unknown> = {}) => JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: h } }, ...extra });
  let open: RunningGraph;
  let strict: Awaited<ReturnType<typeof startGateway>>;
  beforeAll(async () => {
    const config = { ...testDatabases()[0].config('persisted-only'), RATE_LIMIT_PER_MINUTE: 0 };
    open = await startGraph(config);
    strict = await startGateway({ config: { ...config, PERSISTED_OPERATIONS_ONLY: true }, subgraphUrls: open.subgraphUrls(), port: 0 });
  });
  afterAll(async () => {
    await strict?.stop();
    await open?.stop();
  });

  test('a registered operation by its hash is answered, then from the cache', async () => {
    const first = await post(strict.url, byHash(hash), await admin());
    expect({ status: first.status, errors: first.body.errors, cache: first.cache }).toEqual({ status: 200, errors: undefined, cache: 'MISS' });
    expect(first.body.data.communes.length).toBeGreaterThan(10);
    const again = await post(strict.url, byHash(hash), await admin());
    expect({ status: again.status, cache: again.cache, body: again.body }).toEqual({ status: 200, cache: 'HIT', body: first.body });
  });

  test('any other text is refused, even one the cache holds an answer for (the same operation with a comment)', async () => {
    const variant = JSON.stringify({ query: `${text}\n# the same operation, another text`, variables });
    // Where texts are free, the variant is the cached answer of the registered operation.
    await post(open.gatewayUrl, byHash(hash), await admin());
    const served = await post(open.gatewayUrl, variant, await admin());
    expect({ status: served.status, cache: served.cache }).toEqual({ status: 200, cache: 'HIT' });
    await post(strict.url, byHash(hash), await admin());
    const refused = await post(strict.url, variant, await admin());
    expect({ status: refused.status, code: refused.code, data: refused.body.data ?? null }).toEqual({ status: 400, code: 'PERSISTED_QUERY_NOT_REGISTERED', data: null });
    expect(refused.body.errors[0].message).toContain('(PERSISTED_OPERATIONS_ONLY)');
    const other = await post(strict.url, JSON.stringify({ query: '{ nation { code } }' }), await admin());
    expect({ status: other.status, code: other.code }).toEqual({ status: 400, code: 'PERSISTED_QUERY_NOT_REGISTERED' });
  });

  test('a client cannot register its own operation by hash and text; its hash alone stays unknown', async () => {
    const own = `{ nation { code name } } # ${crypto.randomUUID()}`;
    const ownHash = crypto.createHash('sha256').update(own).digest('hex');
    const registering = await post(strict.url, byHash(ownHash, { query: own }), await admin());
    expect({ status: registering.status, code: registering.code }).toEqual({ status: 400, code: 'PERSISTED_QUERY_NOT_REGISTERED' });
    const later = await post(strict.url, byHash(ownHash), await admin());
    expect({ code: later.code, data: later.body.data ?? null }).toEqual({ code: 'PERSISTED_QUERY_NOT_FOUND', data: null });
    // Where texts are free, the same two requests register it and then answer by hash.
    expect((await post(open.gatewayUrl, byHash(ownHash, { query: own }), await admin())).body).toEqual({ data: { nation: { code: 'VN', name: 'Việt Nam' } } });
    expect((await post(open.gatewayUrl, byHash(ownHash), await admin())).body).toEqual({ data: { nation: { code: 'VN', name: 'Việt Nam' } } });
  });
});

/** A port nothing listens on yet. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('the response cache with its Redis gone', () => {
  let redis: ChildProcess | undefined;
  let graph: RunningGraph | undefined;
  afterAll(async () => {
    await graph?.stop();
    if (redis && redis.exitCode === null) redis.kill('SIGKILL');
  });

  test('an answer cached while Redis was up is never served once it is down: a row written since is in the next answer', async () => {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-redis-'));
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 50; i++) {
      const up = await new Promise<boolean>((resolve) => net.connect(port, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); resolve(true); }).once('error', () => resolve(false)));
      if (up) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const base = testDatabases()[0].config('redis-down');
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: base.DATA_DIR, DEMO_SCALE: '0', RATE_LIMIT_PER_MINUTE: '0', REDIS_URL: `redis://127.0.0.1:${port}` });
    graph = await startGraph(config, async (dbs) => {
      await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
    });
    const query = JSON.stringify({ query: '{ province(code: "30", structure: THREE_TIER) { stats(period: "2024") { land { parcels } } } }' });
    const parcels = (r: Awaited<ReturnType<typeof post>>) => r.body?.data?.province?.stats?.land?.parcels;
    const expected = countLand(fixture, '30', '2024-01-01', '2024-12-31').parcels;
    const first = await post(graph.gatewayUrl, query, await admin());
    expect({ cache: first.cache, parcels: parcels(first) }).toEqual({ cache: 'MISS', parcels: expected });
    expect((await post(graph.gatewayUrl, query, await admin())).cache).toBe('HIT');

    redis.kill('SIGKILL');
    await new Promise((r) => redis!.once('exit', r));
    // A parcel written while Redis is down: no data version can be bumped anywhere.
    const commune = oldCommunesOfProvince('30')[0];
    const added: Parcel = { parcelId: 'REDIS-DOWN-1', communeCode: commune, communeStructure: 'THREE_TIER', areaM2: 50, landUse: 'ONT', ownerPersonalId: null, digitizedOn: '2024-06-01' };
    await graph.dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, [added]));
    const withAdded = { ...fixture, parcels: [...fixture.parcels, added] };
    const after = await post(graph.gatewayUrl, query, await admin());
    expect({ status: after.status, hit: after.cache === 'HIT', parcels: parcels(after) }).toEqual({ status: 200, hit: false, parcels: countLand(withAdded, '30', '2024-01-01', '2024-12-31').parcels });
    // The stale answer would differ: the added parcel counts in the province.
    expect(countLand(withAdded, '30', '2024-01-01', '2024-12-31').parcels).toBe(expected + 1);
  });
});

describe('an import committing while an answer is being computed', () => {
  test('the answer computed from the data before it is not served after it', async () => {
    // A proxy in front of land that, once land has answered, holds the answer until the test lets it go.
    let hold = false;
    let answered!: () => void;
    const landAnswered = new Promise<void>((r) => (answered = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let target = '';
    const proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
        const upstream = await fetch(new URL(req.url ?? '/', target), { method: req.method, headers, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined });
        const body = Buffer.from(await upstream.arrayBuffer());
        if (hold && req.method === 'POST') {
          answered();
          await released;
        }
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(body);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const graph = await startGraph(
      { ...testDatabases()[0].config('import-during-answer'), RATE_LIMIT_PER_MINUTE: 0 },
      async (dbs) => {
        await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
      },
      {
        gatewayUrls: async (urls) => {
          target = urls.land;
          return { ...urls, land: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}/graphql` };
        },
      },
    );
    try {
      const query = JSON.stringify({ query: '{ province(code: "30", structure: THREE_TIER) { stats(period: "2024") { land { parcels } } } }' });
      const parcels = (r: Awaited<ReturnType<typeof post>>) => r.body?.data?.province?.stats?.land?.parcels;
      const before = countLand(fixture, '30', '2024-01-01', '2024-12-31').parcels;
      hold = true;
      const pending = post(graph.gatewayUrl, query, await admin());
      await landAnswered;
      // Land has computed its answer from the data before the import; the import commits now.
      const added: Parcel = { parcelId: 'DURING-1', communeCode: oldCommunesOfProvince('30')[0], communeStructure: 'THREE_TIER', areaM2: 50, landUse: 'ONT', ownerPersonalId: null, digitizedOn: '2024-06-01' };
      await graph.dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, [added]));
      await graph.dataChanged('land');
      hold = false;
      release();
      const first = await pending;
      expect({ cache: first.cache, parcels: parcels(first) }).toEqual({ cache: 'MISS', parcels: before });
      const next = await post(graph.gatewayUrl, query, await admin());
      expect({ hit: next.cache === 'HIT', parcels: parcels(next) }).toEqual({ hit: false, parcels: countLand({ ...fixture, parcels: [...fixture.parcels, added] }, '30', '2024-01-01', '2024-12-31').parcels });
      expect(parcels(next)).not.toBe(before);
    } finally {
      release();
      await graph.stop();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});
