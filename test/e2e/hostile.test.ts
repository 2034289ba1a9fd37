/**
 * A corpus of hostile requests: each gets its own expected status and error code (the limit it
 * names), or exactly its expected data when it is a request to answer; none
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

/**
 * What a case must get back: the HTTP status, the error code (and the limit it names), or, for a
 * request that is answered, exactly its data. "Not a 5xx" is not enough: a limit removed would
 * still leave most of these answered without a 5xx.
 */
type Expected = { status: number; code: string | null; limit?: string; message?: string; data?: unknown };
type Case = { name: string; body: string | Buffer; contentType?: string; method?: string; url?: string; anonymous?: boolean; expected: Expected };

const refused = (status: number, code: string, message?: string): Expected => ({ status, code, ...(message ? { message } : {}) });
const overLimit = (limit: string): Expected => ({ status: 400, code: 'QUERY_LIMIT_EXCEEDED', limit, message: `(${limit})` });
const answered = (data: unknown): Expected => ({ status: 200, code: null, data });

function corpus(): Case[] {
  const json = (query: string, variables?: unknown) => JSON.stringify({ query, variables });
  const cases: Case[] = [
    { name: 'malformed JSON', body: '{"query": "{ nation { code } "', expected: refused(400, 'BAD_REQUEST', 'Request body is not valid JSON') },
    { name: 'JSON that is not an object', body: '"{ nation { code } }"', expected: refused(400, 'BAD_REQUEST', 'Request body is not valid JSON') },
    { name: 'empty body', body: '', expected: refused(400, 'BAD_REQUEST', 'POST body missing') },
    { name: 'wrong content type', body: json('{ nation { code } }'), contentType: 'text/plain', expected: refused(400, 'BAD_REQUEST', 'Cross-Site Request Forgery') },
    { name: 'form content type', body: 'query=%7B+nation+%7B+code+%7D+%7D', contentType: 'application/x-www-form-urlencoded', expected: refused(400, 'BAD_REQUEST', 'Cross-Site Request Forgery') },
    { name: 'body over the size limit', body: json(`{ nation { code } } # ${'x'.repeat(200_000)}`), expected: refused(413, 'PAYLOAD_TOO_LARGE', 'larger than 100000 bytes (MAX_BODY_BYTES)') },
    { name: 'huge string argument', body: json('query($c: String!) { province(code: $c) { name } }', { c: 'x'.repeat(90_000) }), expected: refused(200, 'BAD_USER_INPUT', '(90000 characters)') },
    { name: 'invalid UTF-8', body: Buffer.concat([Buffer.from('{"query": "{ searchAreas(text: \\"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('\\") { code } }"}')]), expected: answered({ searchAreas: [] }) },
    { name: 'batched array of operations', body: JSON.stringify([{ query: '{ nation { code } }' }, { query: '{ nation { name } }' }]), expected: refused(400, 'BAD_REQUEST', 'batching disabled') },
    { name: 'syntax error', body: json('{ nation { code '), expected: refused(400, 'GRAPHQL_PARSE_FAILED', 'Syntax Error') },
    { name: 'unknown field', body: json('{ nation { population } }'), expected: refused(400, 'GRAPHQL_VALIDATION_FAILED', 'Cannot query field "population"') },
    { name: 'wrong argument type', body: json('{ province(code: 30) { name } }'), expected: refused(400, 'GRAPHQL_VALIDATION_FAILED', 'String cannot represent a non string value') },
    // Analysed before validation: an enum value that is none must not break the analysis (it threw, a 500).
    { name: 'ranking in a structure that is none', body: json('{ ranking(level: PROVINCE, structure: FOO, period: "2024") { id } }'), expected: refused(400, 'GRAPHQL_VALIDATION_FAILED', 'Value "FOO" does not exist in "AreaStructure" enum') },
    { name: 'wrong variable type', body: json('query($c: String!) { province(code: $c) { name } }', { c: { $gt: '' } }), expected: refused(400, 'BAD_USER_INPUT', 'Variable "$c" got invalid value') },
    { name: 'missing variable', body: json('query($c: String!) { province(code: $c) { name } }'), expected: refused(400, 'BAD_USER_INPUT', 'was not provided') },
    { name: 'deep nesting', body: json(`{ ${'nation { provinces { districts { province { '.repeat(6)} code ${'} } } } '.repeat(6)} }`), expected: overLimit('MAX_QUERY_DEPTH') },
    // 40 aliases, each a different response name (no repeats), well under the token limit.
    { name: 'alias bomb', body: json(`{ nation { ${Array.from({ length: 40 }, (_, i) => `a${i}: code`).join(' ')} } }`), expected: overLimit('MAX_ALIASES') },
    { name: 'alias bomb over the token limit', body: json(`{ ${Array.from({ length: 500 }, (_, i) => `a${i}: nation { code }`).join(' ')} }`), expected: overLimit('MAX_QUERY_TOKENS') },
    { name: 'more root fields than allowed', body: json(`{ ${Array.from({ length: 21 }, (_, i) => `a${i}: nation { code }`).join(' ')} }`), expected: overLimit('MAX_ROOT_FIELDS') },
    {
      name: 'fragment bomb',
      body: json(`query { provinces { ...F5 } } fragment F0 on Province { districts { communes { code name } } } ${[1, 2, 3, 4, 5].map((i) => `fragment F${i} on Province { ...F${i - 1} districts { province { ...F${i - 1} } } }`).join(' ')}`),
      expected: overLimit('MAX_QUERY_COST'),
    },
    { name: 'fragment cycle', body: json('{ nation { ...A } } fragment A on Nation { provinces { nation { ...B } } } fragment B on Nation { ...A }'), expected: refused(400, 'GRAPHQL_VALIDATION_FAILED', 'Cannot spread fragment "A" within itself') },
    { name: 'directive abuse', body: json(`{ nation { code ${'@skip(if: false) '.repeat(300)} } }`), expected: refused(400, 'GRAPHQL_VALIDATION_FAILED', 'can only be used once') },
    { name: 'series over the limit', body: json('{ nation { series(from: "1900", to: "2100", every: DAY) { period } } }'), expected: refused(200, 'BAD_USER_INPUT', 'more than 600 periods (limit MAX_SERIES_LENGTH)') },
    // The graph's only mutations are the indicator catalogue's (admins' saved indicators).
    { name: 'unknown mutation', body: json('mutation { deleteEverything }'), expected: refused(400, 'GRAPHQL_VALIDATION_FAILED', 'Cannot query field "deleteEverything" on type "Mutation"') },
    { name: 'subscription', body: json('subscription { nation { code } }'), expected: refused(400, 'BAD_REQUEST', 'no subscription operations') },
    // A query by GET is how dashboards read registered operations: answered, not refused.
    { name: 'GET with a query', body: '', method: 'GET', url: `?query=${encodeURIComponent('{ nation { code } }')}`, expected: answered({ nation: { code: 'VN' } }) },
    // A real mutation (an admin's, with an admin's token) by GET: refused, a GET must not change anything.
    { name: 'GET with a mutation', body: '', method: 'GET', url: `?query=${encodeURIComponent('mutation { deleteIndicator(id: "chipIdCoverage") }')}`, expected: { status: 405, code: 'BAD_REQUEST' } },
    { name: 'persisted-query hash that is not its text', body: JSON.stringify({ query: '{ nation { code } }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } }), expected: refused(400, 'PERSISTED_QUERY_HASH_MISMATCH', 'is not the SHA-256 of the query') },
    { name: 'unknown persisted-query hash alone', body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }), expected: refused(200, 'PERSISTED_QUERY_NOT_FOUND') },
  ];
  // The attacks on the gateway's own work (test/helpers/attacks.ts), as their bodies, from whom they name.
  for (const attack of attacks()) cases.push({ name: attack.name, body: bodyText(attack), anonymous: attack.anonymous, expected: overLimit(attack.limit) });
  for (const value of SQL) {
    cases.push(
      { name: `SQL in a province code: ${value.slice(0, 20)}`, body: json('query($v: String!) { province(code: $v) { name } }', { v: value }), expected: refused(200, 'BAD_USER_INPUT', 'Unknown province code') },
      { name: `SQL in a period: ${value.slice(0, 20)}`, body: json('query($v: String!) { stats(areaCode: "31", period: $v) { areaCode } }', { v: value }), expected: refused(200, 'BAD_USER_INPUT', 'period') },
      { name: `SQL in an area code: ${value.slice(0, 20)}`, body: json('query($v: String!) { stats(areaCode: $v, period: "2024") { residency { population } } }', { v: value }), expected: refused(200, 'BAD_USER_INPUT', `Unknown administrative unit code`) },
      { name: `SQL in a personal ID: ${value.slice(0, 20)}`, body: json('query($v: String!) { citizen(id: $v) { id } }', { v: value }), expected: refused(200, 'BAD_USER_INPUT', `must be exactly 12 digits`) },
      { name: `SQL in a page cursor: ${value.slice(0, 20)}`, body: json('query($v: String) { citizens(communeCode: "10525", after: $v) { totalCount } }', { v: value }), expected: refused(200, 'BAD_USER_INPUT', `must be exactly 12 digits`) },
      // An admin asking for a parcel that does not exist gets null (README, One access rule per person).
      { name: `SQL in a parcel id: ${value.slice(0, 20)}`, body: json('query($v: String!) { parcel(id: $v) { id } }', { v: value }), expected: answered({ parcel: null }) },
      { name: `SQL in a search: ${value.slice(0, 20)}`, body: json('query($v: String!) { searchAreas(text: $v) { code } }', { v: value }), expected: answered({ searchAreas: [] }) },
      { name: `SQL in an audit subject: ${value.slice(0, 20)}`, body: json('query($v: String) { auditLog(from: "2000-01-01", to: "2100-01-01", subject: $v) { id } }', { v: value }), expected: answered({ auditLog: [] }) },
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
    const got: unknown[] = [];
    const want: unknown[] = [];
    const cases = corpus();
    for (const c of cases) {
      const headers: Record<string, string> = { 'content-type': c.contentType ?? 'application/json' };
      if (!c.anonymous) headers.authorization = `Bearer ${token}`;
      // Apollo's CSRF prevention wants a non-simple header on a GET.
      if (c.method === 'GET') headers['apollo-require-preflight'] = 'true';
      const res = await fetch(`${graph.gatewayUrl}${c.url ?? ''}`, {
        method: c.method ?? 'POST',
        headers,
        body: c.method === 'GET' ? undefined : typeof c.body === 'string' ? c.body : new Uint8Array(c.body),
      });
      const text = await res.text();
      let body: any = null;
      try {
        body = JSON.parse(text);
      } catch {
        // compared below as having no code
      }
      const error = body?.errors?.[0];
      const e = c.expected;
      got.push({
        case: c.name,
        status: res.status,
        code: error?.extensions?.code ?? null,
        ...(e.limit ? { limit: error?.extensions?.limit } : {}),
        ...(e.message ? { message: error?.message } : {}),
        ...('data' in e ? { data: body?.data } : {}),
      });
      want.push({ case: c.name, ...e, ...(e.message ? { message: expect.stringContaining(e.message) } : {}) });
      expect(text).not.toMatch(/at .+\.(ts|js):\d+|stacktrace/);
      // No refusal echoes a large input back (a 90 kB argument, 10,000 levels of variables).
      const longest = Math.max(0, ...((body?.errors ?? []) as { message: string }[]).map((x) => x.message.length));
      expect({ case: c.name, longestMessage: longest <= 1100 }).toEqual({ case: c.name, longestMessage: true });
    }
    expect(got).toEqual(want);
    expect(await counts()).toEqual(before);
    const after = await graph.queryGateway(`{ nation { code } citizen(id: "${someone}") { id } }`);
    expect(after.data).toEqual({ nation: { code: 'VN' }, citizen: { id: someone } });
    expect(cases.length).toBeGreaterThan(90);
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

