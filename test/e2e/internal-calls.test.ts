/**
 * Internal calls cannot be replayed or redirected. An attacker on the network between the
 * gateway and a subgraph records a real request (a recording proxy stands in front of the
 * residency subgraph), then sends it again, unchanged, straight to the subgraph, and to another
 * subgraph: every replay and every redirect is refused with 401. Replicas of one subgraph share
 * the memory of identities used (Redis); when that store is unreachable, person-level reads fail
 * closed with a named error while aggregates go on.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDENTITY_HEADER } from '../../lib/auth';
import { loadConfig } from '../../lib/config';
import { closeRedis, connectRedis, redisReady } from '../../lib/data-versions';
import { upsertFacts } from '../../lib/fact-store';
import { RedisReplayGuard } from '../../lib/replay-guard';
import { startSubgraph, type ServiceHandle } from '../../lib/subgraph';
import { prepareDomain } from '../../lib/service-runtime';
import { startGateway } from '../../gateway/server';
import { residencyModule } from '../../services/residency/module';
import { citizenFacts } from '../../services/residency/facts';
import { countResidency, makeFixture } from '../helpers/fixture';
import { postToSubgraph, startGraph, testDatabases, tokenFor, type RunningGraph } from '../helpers/graph';

const fixture = makeFixture('internal', 2);
const citizen = fixture.citizens[0];
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Captured {
  headers: Record<string, string>;
  body: string;
}

/** A proxy that forwards to `target` and keeps a copy of every request. */
async function recordingProxy(target: string): Promise<{ url: string; captured: Captured[]; close(): Promise<void> }> {
  const captured: Captured[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => ['content-type', IDENTITY_HEADER].includes(k))) as Record<string, string>;
    // The gateway's readiness probes (GET /ready) pass through as they are.
    if (req.method !== 'POST') {
      const probe = await fetch(new URL(req.url!, target));
      res.writeHead(probe.status, { 'content-type': probe.headers.get('content-type') ?? 'application/json' });
      return void res.end(await probe.text());
    }
    captured.push({ headers, body });
    const answer = await fetch(target, { method: 'POST', headers, body });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, captured, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const replay = (url: string, c: Captured) => fetch(url, { method: 'POST', headers: c.headers, body: c.body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

describe('internal calls', () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph(testDatabases()[0].config('internal'), async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
    });
  });
  afterAll(() => graph?.stop());

  test('a captured request replayed to its subgraph 20 times, or sent to another subgraph, is refused with 401', async () => {
    const urls = graph.subgraphUrls();
    const proxy = await recordingProxy(urls.residency);
    const gateway = await startGateway({ config: testDatabases()[0].config('internal-gw'), subgraphUrls: { ...urls, residency: proxy.url }, port: 0 });
    try {
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor({ role: 'admin' })}` },
        body: JSON.stringify({ query: 'query($id: String!) { citizen(id: $id) { fullName } }', variables: { id: citizen.personalId } }),
      });
      const answer = (await res.json()) as any;
      expect(answer.errors).toBeUndefined();
      expect(answer.data.citizen.fullName).toBe(citizen.fullName);
      const request = proxy.captured.find((c) => c.body.includes(citizen.personalId))!;
      expect(request).toBeDefined();
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const again = await replay(urls.residency, request);
        statuses.push(again.status);
        expect(again.body.errors[0].message).toBe('Unauthorized: this identity was used before: a request is answered once');
        expect(JSON.stringify(again.body)).not.toContain(citizen.fullName);
      }
      expect(statuses).toEqual(Array(20).fill(401));
      // The same identity, sent to another subgraph (its first use there): signed for residency only.
      for (const other of ['land', 'health', 'audit']) {
        const redirected = await replay(urls[other], request);
        expect({ other, status: redirected.status, message: redirected.body.errors[0].message }).toEqual({ other, status: 401, message: `Unauthorized: the identity was signed for another subgraph, not ${other}` });
      }
    } finally {
      await gateway.stop();
      await proxy.close();
    }
  });

  test('each subgraph request carries a signature of its own: identical requests from one caller are all answered', async () => {
    const query = 'query($id: String!) { citizen(id: $id) { fullName } }';
    const answers = await Promise.all(Array.from({ length: 8 }, () => graph.queryGateway(query, { id: citizen.personalId })));
    for (const a of answers) expect(a).toEqual({ data: { citizen: { fullName: citizen.fullName } } });
    // And one after another (no signature kept for reuse).
    for (let i = 0; i < 3; i++) expect(await graph.queryGateway(query, { id: citizen.personalId })).toEqual({ data: { citizen: { fullName: citizen.fullName } } });
  });
});

describe('the memory of identities used, in Redis', () => {
  const config = testDatabases()[0].config('replicas');
  let replicas: ServiceHandle[] = [];
  const redisClients: ReturnType<typeof connectRedis>[] = [];
  const prefix = `p06test:${crypto.randomUUID()}:jti:`;

  afterAll(async () => {
    for (const r of replicas) await r.stop();
    for (const c of redisClients) await closeRedis(c);
  });

  const replica = async (redisUrl: string) => {
    const redis = connectRedis(redisUrl, { failFast: true });
    redisClients.push(redis);
    await redisReady(redis, 2000);
    const prepared = await prepareDomain(residencyModule, config);
    const handle = await startSubgraph(prepared.definition, { port: 0, replayGuard: new RedisReplayGuard(redis, prefix) });
    replicas.push(handle);
    return handle;
  };

  test('two replicas of a subgraph share it: a request answered by one is refused by the other', async () => {
    const [a, b] = [await replica(REDIS_URL), await replica(REDIS_URL)];
    const proxy = await recordingProxy(a.url);
    try {
      const first = await postToSubgraph(proxy.url, 'residency', '{ __typename }', undefined);
      expect(first).toEqual({ data: { __typename: 'Query' } });
      const captured = proxy.captured[0];
      expect((await replay(b.url, captured)).status).toBe(401);
      expect((await replay(a.url, captured)).status).toBe(401);
    } finally {
      await proxy.close();
    }
  });

  test('with the store unreachable, person-level reads fail closed with a named error; aggregates go on', async () => {
    const graph = await startGraph(
      loadConfig({ NODE_ENV: 'test', DATA_DIR: config.DATA_DIR + '-down', DEMO_SCALE: '0' }),
      async (dbs) => {
        await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      },
      {
        // Nothing listens on port 1.
        replayGuard: () => {
          const redis = connectRedis('redis://127.0.0.1:1', { failFast: true });
          redisClients.push(redis);
          return new RedisReplayGuard(redis, prefix);
        },
      },
    );
    try {
      const person = await graph.queryGateway('query($id: String!) { citizen(id: $id) { fullName } }', { id: citizen.personalId });
      expect(person.data?.citizen ?? null).toBeNull();
      expect(person.errors![0].extensions!.code).toBe('REPLAY_GUARD_UNAVAILABLE');
      expect(person.errors![0].message).toMatch(/replay guard store is unreachable/);
      expect(JSON.stringify(person)).not.toContain(citizen.fullName);
      const figures = await graph.queryGateway('{ nation { stats(period: "2024") { residency { population } } } }');
      expect(figures.errors).toBeUndefined();
      expect(figures.data.nation.stats.residency.population).toBe(countResidency(fixture, 'VN', '2024-01-01', '2024-12-31').population);
    } finally {
      await graph.stop();
    }
  });
});
