/**
 * A corpus of hostile requests: each is answered with a 4xx status or a GraphQL error, none
 * crashes a process or changes any data, and the graph keeps answering afterwards.
 */
import crypto from 'node:crypto';
import { loadConfig } from '../../lib/config';
import { upsertFacts } from '../../lib/fact-store';
import { startGateway } from '../../gateway/server';
import { citizenFacts } from '../../services/residency/facts';
import { startGraph, testDatabases, tokenFor, type RunningGraph } from '../helpers/graph';
import { makeFixture } from '../helpers/fixture';
import { attacks, bodyText } from '../helpers/attacks';

const fixture = makeFixture('hostile', 4);
const someone = fixture.citizens[0].personalId;
const SQL = ["' OR '1'='1", '30; DROP TABLE citizens; --', '" OR ""="', '%', '_', '\\', "0' UNION SELECT * FROM citizens --", '\u0000', '🙂'.repeat(50)];

type Case = { name: string; body: string | Buffer; contentType?: string; method?: string };

function corpus(): Case[] {
  const json = (query: string, variables?: unknown) => JSON.stringify({ query, variables });
  const cases: Case[] = [
    { name: 'malformed JSON', body: '{"query": "{ nation { code } "' },
    { name: 'JSON that is not an object', body: '"{ nation { code } }"' },
    { name: 'empty body', body: '' },
    { name: 'wrong content type', body: json('{ nation { code } }'), contentType: 'text/plain' },
    { name: 'form content type', body: 'query=%7B+nation+%7B+code+%7D+%7D', contentType: 'application/x-www-form-urlencoded' },
    { name: 'body over the size limit', body: json(`{ nation { code } } # ${'x'.repeat(200_000)}`) },
    { name: 'huge string argument', body: json('query($c: String!) { province(code: $c) { name } }', { c: 'x'.repeat(90_000) }) },
    { name: 'invalid UTF-8', body: Buffer.concat([Buffer.from('{"query": "{ searchAreas(text: \\"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('\\") { code } }"}')]) },
    { name: 'batched array of operations', body: JSON.stringify([{ query: '{ nation { code } }' }, { query: '{ nation { name } }' }]) },
    { name: 'syntax error', body: json('{ nation { code ') },
    { name: 'unknown field', body: json('{ nation { population } }') },
    { name: 'wrong argument type', body: json('{ province(code: 30) { name } }') },
    { name: 'wrong variable type', body: json('query($c: String!) { province(code: $c) { name } }', { c: { $gt: '' } }) },
    { name: 'missing variable', body: json('query($c: String!) { province(code: $c) { name } }') },
    { name: 'deep nesting', body: json(`{ ${'nation { provinces { districts { province { '.repeat(6)} code ${'} } } } '.repeat(6)} }`) },
    { name: 'alias bomb', body: json(`{ ${Array.from({ length: 500 }, (_, i) => `a${i}: nation { code }`).join(' ')} }`) },
    {
      name: 'fragment bomb',
      body: json(`query { provinces { ...F5 } } fragment F0 on Province { districts { communes { code name } } } ${[1, 2, 3, 4, 5].map((i) => `fragment F${i} on Province { ...F${i - 1} districts { province { ...F${i - 1} } } }`).join(' ')}`),
    },
    { name: 'fragment cycle', body: json('{ nation { ...A } } fragment A on Nation { provinces { nation { ...B } } } fragment B on Nation { ...A }') },
    { name: 'directive abuse', body: json(`{ nation { code ${'@skip(if: false) '.repeat(300)} } }`) },
    { name: 'series over the limit', body: json('{ nation { series(from: "1900", to: "2100", every: DAY) { period } } }') },
    { name: 'unknown mutation', body: json('mutation { deleteEverything }') },
    { name: 'subscription', body: json('subscription { nation { code } }') },
    { name: 'GET with a query', body: '', method: 'GET' },
    { name: 'persisted-query hash that is not its text', body: JSON.stringify({ query: '{ nation { code } }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } }) },
    { name: 'unknown persisted-query hash alone', body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }) },
  ];
  // The attacks on the gateway's own work (test/helpers/attacks.ts), as their bodies.
  for (const attack of attacks()) cases.push({ name: attack.name, body: bodyText(attack) });
  for (const value of SQL) {
    cases.push(
      { name: `SQL in a province code: ${value.slice(0, 20)}`, body: json('query($v: String!) { province(code: $v) { name } }', { v: value }) },
      { name: `SQL in a period: ${value.slice(0, 20)}`, body: json('query($v: String!) { stats(areaCode: "30", period: $v) { areaCode } }', { v: value }) },
      { name: `SQL in an area code: ${value.slice(0, 20)}`, body: json('query($v: String!) { stats(areaCode: $v, period: "2024") { residency { population } } }', { v: value }) },
      { name: `SQL in a personal ID: ${value.slice(0, 20)}`, body: json('query($v: String!) { citizen(id: $v) { id } }', { v: value }) },
      { name: `SQL in a page cursor: ${value.slice(0, 20)}`, body: json('query($v: String) { citizens(communeCode: "10525", after: $v) { totalCount } }', { v: value }) },
      { name: `SQL in a parcel id: ${value.slice(0, 20)}`, body: json('query($v: String!) { parcel(id: $v) { id } }', { v: value }) },
      { name: `SQL in a search: ${value.slice(0, 20)}`, body: json('query($v: String!) { searchAreas(text: $v) { code } }', { v: value }) },
      { name: `SQL in an audit subject: ${value.slice(0, 20)}`, body: json('query($v: String) { auditLog(from: "2000-01-01", to: "2100-01-01", subject: $v) { id } }', { v: value }) },
    );
  }
  return cases;
}

describe.each(testDatabases())('hostile requests on $label', (database) => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph({ ...database.config('hostile'), RATE_LIMIT_PER_MINUTE: 100_000 }, async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
    });
  });
  afterAll(() => graph?.stop());

  const counts = async () => ({
    citizens: Number((await graph.dbs.residency('citizens').count({ n: '*' }))[0].n),
    summary: Number((await graph.dbs.residency('residency_summary_delta').sum({ s: 'population' }))[0].s),
  });

  test('every request of the corpus is refused cleanly, nothing changes, and the graph keeps answering', async () => {
    const before = await counts();
    const token = await tokenFor({ role: 'admin' });
    const outcomes: string[] = [];
    for (const c of corpus()) {
      const res = await fetch(c.method === 'GET' ? `${graph.gatewayUrl}?query=${encodeURIComponent('{ nation { code } }')}` : graph.gatewayUrl, {
        method: c.method ?? 'POST',
        headers: { 'content-type': c.contentType ?? 'application/json', authorization: `Bearer ${token}` },
        body: c.method === 'GET' ? undefined : typeof c.body === 'string' ? c.body : new Uint8Array(c.body),
      });
      const text = await res.text();
      let body: any = null;
      try {
        body = JSON.parse(text);
      } catch {
        // a plain-text refusal is fine as long as its status is 4xx
      }
      const refused = (res.status >= 400 && res.status < 500) || (res.status === 200 && Array.isArray(body?.errors) && body.errors.length > 0) || (res.status === 200 && body?.data && !JSON.stringify(body.data).includes(someone));
      outcomes.push(`${c.name}: ${res.status}${body?.errors ? ` ${body.errors[0].extensions?.code ?? ''}` : ''}`);
      expect({ case: c.name, status: res.status < 500 }).toEqual({ case: c.name, status: true });
      expect({ case: c.name, refused }).toEqual({ case: c.name, refused: true });
      expect(text).not.toMatch(/at .+\.(ts|js):\d+|stacktrace/);
      // No refusal echoes a large input back (a 90 kB argument, 10,000 levels of variables).
      const longest = Math.max(0, ...((body?.errors ?? []) as { message: string }[]).map((e) => e.message.length));
      expect({ case: c.name, longestMessage: longest <= 1100 }).toEqual({ case: c.name, longestMessage: true });
    }
    expect(await counts()).toEqual(before);
    const after = await graph.queryGateway(`{ nation { code } citizen(id: "${someone}") { id } }`);
    expect(after.data).toEqual({ nation: { code: 'VN' }, citizen: { id: someone } });
    expect(outcomes.length).toBeGreaterThan(90);
  });

  test('a subject over its rate limit gets 429 and a Retry-After', async () => {
    const limited = await startGraph({ ...database.config('ratelimit'), RATE_LIMIT_PER_MINUTE: 5 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await fetch(limited.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor({ role: 'analyst', sub: 'eager' })}` }, body: JSON.stringify({ query: '{ nation { code } }' }) });
        statuses.push(res.status);
        if (res.status === 429) {
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
          expect(((await res.json()) as any).errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' }, message: expect.stringContaining('RATE_LIMIT_PER_MINUTE') });
        }
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      // Another subject is not held back.
      const other = await limited.queryGateway('{ nation { code } }', undefined, { role: 'analyst', sub: 'patient' });
      expect(other.data).toEqual({ nation: { code: 'VN' } });
    } finally {
      await limited.stop();
    }
  });
});

describe('the rate limit in Redis, shared by two gateways', () => {
  test("a subject's allowance is one for both gateways; another subject keeps its own", async () => {
    const base = testDatabases()[0].config('ratelimit-redis');
    // A key prefix of its own: other runs on the same Redis never share these counts.
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: base.DATA_DIR, DEMO_SCALE: '0', RATE_LIMIT_PER_MINUTE: '5', REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: `p06test:${crypto.randomUUID()}:` });
    const graph = await startGraph(config);
    const second = await startGateway({ config, subgraphUrls: graph.subgraphUrls(), port: 0 });
    try {
      const ask = async (url: string, sub: string) => {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor({ role: 'analyst', sub })}` }, body: JSON.stringify({ query: '{ nation { code } }' }) });
        return res.status;
      };
      const statuses: number[] = [];
      for (const url of [graph.gatewayUrl, second.url, graph.gatewayUrl, second.url, second.url, graph.gatewayUrl, second.url]) statuses.push(await ask(url, 'eager'));
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect([await ask(graph.gatewayUrl, 'patient'), await ask(second.url, 'patient')]).toEqual([200, 200]);
    } finally {
      await second.stop();
      await graph.stop();
    }
  });

  test('with Redis unreachable, requests are still answered, and each gateway limits on its own', async () => {
    const base = testDatabases()[0].config('ratelimit-no-redis');
    // Nothing listens on port 1.
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: base.DATA_DIR, DEMO_SCALE: '0', RATE_LIMIT_PER_MINUTE: '3', REDIS_URL: 'redis://127.0.0.1:1' });
    const graph = await startGraph(config);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(graph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor({ role: 'analyst', sub: 'offline' })}` }, body: JSON.stringify({ query: '{ nation { code } }' }) });
        statuses.push(res.status);
        if (res.status === 200) expect(await res.json()).toEqual({ data: { nation: { code: 'VN' } } });
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await graph.stop();
    }
  });
});

