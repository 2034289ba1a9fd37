/**
 * Attacks on how the gateway knows its callers and answers them: tokens that never expire or
 * live too long, a numeric subject, a persisted-query hash that is not its text's, an argument
 * sent to be echoed back 90 kB long, and an X-Forwarded-For header chosen to dodge the anonymous
 * rate limit.
 */
import { SignJWT } from 'jose';
import { DEV_JWT_SECRET } from '../../lib/auth';
import { loadConfig } from '../../lib/config';
import { logger } from '../../lib/logger';
import { startGraph, testDatabases, tokenFor, type RunningGraph } from '../helpers/graph';

const secret = new TextEncoder().encode(DEV_JWT_SECRET);
const now = () => Math.floor(Date.now() / 1000);

/** A token with exactly these claims (no defaults added). */
const token = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(secret);

describe('hostile callers', () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph({ ...testDatabases()[0].config('callers'), RATE_LIMIT_PER_MINUTE: 0 });
  });
  afterAll(() => graph?.stop());

  const ask = async (headers: Record<string, string>, body: unknown = { query: '{ nation { stats(period: "2024") { residency { population } } } }' }) => {
    const res = await fetch(graph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) };
  };

  test.each([
    ['without exp (valid forever)', { sub: 'a', roles: ['analyst'], iat: now() }, 'the token has no "exp" (expiry time) claim: tokens must expire'],
    ['without iat (lifetime unknown)', { sub: 'a', roles: ['analyst'], exp: now() + 600 }, 'the token has no "iat" (issued at) claim'],
    ['living 13 hours', { sub: 'a', roles: ['analyst'], iat: now(), exp: now() + 13 * 3600 }, 'the token lives 46800 s (exp - iat), longer than the maximum of 43200 s (JWT_MAX_LIFETIME)'],
    ['issued in the past to look short-lived, still living a year', { sub: 'a', roles: ['analyst'], iat: now() - 3600, exp: now() + 365 * 86_400 }, 'the token lives 31539600 s (exp - iat), longer than the maximum of 43200 s (JWT_MAX_LIFETIME)'],
    ['with a numeric sub', { sub: 12345, roles: ['admin'], iat: now(), exp: now() + 600 }, 'the "sub" claim must be a non-empty string (got a number)'],
    ['with an empty sub', { sub: '', roles: ['admin'], iat: now(), exp: now() + 600 }, 'the "sub" claim must be a non-empty string (got an empty string)'],
    ['without sub', { roles: ['admin'], iat: now(), exp: now() + 600 }, 'the "sub" claim must be a non-empty string (got none)'],
  ])('a token %s is refused with 401 saying why', async (_name, claims, reason) => {
    const res = await ask({ authorization: `Bearer ${await token(claims)}` });
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.body.errors[0].message).toContain(`Invalid bearer token: ${reason}`);
  });

  test('a token living exactly the maximum (12 h) is accepted; the maximum is configurable', async () => {
    const res = await ask({ authorization: `Bearer ${await token({ sub: 'a', roles: ['analyst'], iat: now(), exp: now() + 12 * 3600 })}` });
    expect(res.status).toBe(200);
    expect(res.body.data.nation.stats.residency.population).toBe(0);
    expect(loadConfig({ JWT_MAX_LIFETIME: '90m' }).JWT_MAX_LIFETIME).toBe(5400);
    expect(() => loadConfig({ JWT_MAX_LIFETIME: 'forever' })).toThrow(/JWT_MAX_LIFETIME: "forever" is not a duration/);
  });

  test('a persisted-query hash that does not match its text is a 400 of its own, and nothing is logged as an internal error', async () => {
    const errors = jest.spyOn(logger, 'error');
    try {
      const res = await ask(
        { authorization: `Bearer ${await tokenFor({ role: 'analyst' })}` },
        { query: '{ nation { code } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } },
      );
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions).toEqual({ code: 'PERSISTED_QUERY_HASH_MISMATCH' });
      expect(res.body.errors[0].message).toMatch(/not the SHA-256 of the query sent with it/);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });

  test('a 90 kB argument is not echoed whole in the error', async () => {
    const huge = 'x'.repeat(90_000);
    for (const query of ['query($c: String!) { province(code: $c) { name } }', 'query($c: Int!) { searchAreas(text: "hai", first: $c) { code } }']) {
      const res = await ask({ authorization: `Bearer ${await tokenFor({ role: 'analyst' })}` }, { query, variables: { c: huge } });
      expect(res.body.errors[0].message).toContain('(90000 characters)');
      expect(res.text.length).toBeLessThan(2000);
    }
  });
});

describe('the anonymous rate limit and X-Forwarded-For', () => {
  const anonymous = (url: string, forwardedFor: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor }, body: JSON.stringify({ query: '{ nation { code } }' }) }).then((r) => r.status);

  test('a caller who changes X-Forwarded-For on every request still shares one allowance (the socket address)', async () => {
    const graph = await startGraph({ ...testDatabases()[0].config('spoof'), RATE_LIMIT_PER_MINUTE: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push(await anonymous(graph.gatewayUrl, `203.0.113.${i}`));
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await graph.stop();
    }
  });

  test('behind a trusted proxy (TRUSTED_PROXIES) the forwarded address is the one counted', async () => {
    const graph = await startGraph({ ...testDatabases()[0].config('proxy'), RATE_LIMIT_PER_MINUTE: 3, TRUSTED_PROXIES: ['loopback'] });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push(await anonymous(graph.gatewayUrl, `203.0.113.${i}`));
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      for (let i = 0; i < 3; i++) await anonymous(graph.gatewayUrl, '198.51.100.7');
      expect(await anonymous(graph.gatewayUrl, '198.51.100.7')).toBe(429);
    } finally {
      await graph.stop();
    }
  });
});
