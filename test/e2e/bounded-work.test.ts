/**
 * Work bounded before any expensive step: each attack of test/helpers/attacks.ts (the issue's
 * 926-byte fragment bomb, variables nested 10,000 deep, quadratic validation inputs, ...) is
 * refused with a 400 naming its limit, quickly, while /health keeps answering; queries that real
 * users send still pass. The time each attack holds the event loop is measured by
 * `npm run bench:guards` (timed assertions here would be flaky on a shared machine: the bound
 * below is generous).
 */
import { attacks, bodyText, fragmentBomb } from '../helpers/attacks';
import { startGraph, testDatabases, tokenFor, type RunningGraph } from '../helpers/graph';
import { oldCommunesOfProvince } from '../helpers/reference';

describe('work bounded before any expensive step', () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph({ ...testDatabases()[0].config('bounded'), RATE_LIMIT_PER_MINUTE: 0 });
  });
  afterAll(() => graph?.stop());

  const post = async (body: string, anonymous = false) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!anonymous) headers.authorization = `Bearer ${await tokenFor({ role: 'analyst' })}`;
    const res = await fetch(graph.gatewayUrl, { method: 'POST', headers, body });
    return { status: res.status, body: (await res.json()) as any };
  };

  test.each(attacks().map((a) => [a.name, a] as const))('%s: refused with 400 naming its limit, while /health answers', async (_name, attack) => {
    const started = Date.now();
    let healthAnsweredAt = 0;
    const health = fetch(graph.gatewayUrl.replace('/graphql', '/health')).then(async (r) => {
      healthAnsweredAt = Date.now();
      return r.json();
    });
    const answer = await post(bodyText(attack, Math.random()), attack.anonymous);
    const answeredAt = Date.now();
    expect(answer.status).toBe(400);
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors[0].extensions).toEqual({ code: 'QUERY_LIMIT_EXCEEDED', limit: attack.limit });
    expect(answer.body.errors[0].message).toContain(attack.limit);
    expect(await health).toEqual({ status: 'ok', service: 'gateway' });
    expect(healthAnsweredAt).toBeGreaterThan(0);
    // Generous: `npm run bench:guards` measures the real figures (a few ms).
    expect(answeredAt - started).toBeLessThan(1000);
  });

  test("the issue's fragment bomb (under 1 kB, no token) is refused where its expansion first passes a limit", async () => {
    const bomb = fragmentBomb(22);
    expect(Buffer.byteLength(bomb)).toBeLessThan(1000);
    const res = await post(JSON.stringify({ query: bomb }), true);
    // 2^4 = 16 copies of `code` in fragment F4 are the first past the limit of 10.
    expect(res.body.errors[0].message).toBe('Query selects "code" 16 times in one selection set (fragment F4), fragments included: more than the limit of 10 (MAX_FIELD_REPEATS)');
  });

  test('queries users send pass: fragments spread several times, a small fragment tree, an anonymous list of communes', async () => {
    const withFragments = await post(
      JSON.stringify({
        query: `query Twice($p: String!) { province(code: "30", structure: THREE_TIER) { ...Figures districts { ...Figures } } }
          fragment Figures on Area { code stats(period: $p) { residency { population } land { parcels } } }`,
        variables: { p: '2024-06' },
      }),
    );
    expect(withFragments.body.errors).toBeUndefined();
    expect(withFragments.body.data.province.districts).toHaveLength(12);
    const small = fragmentBomb(3); // 8 copies of `code`, within MAX_FIELD_REPEATS
    expect((await post(JSON.stringify({ query: small }), true)).body).toEqual({ data: { nation: { code: 'VN' } } });
    const communes = await post(JSON.stringify({ query: '{ districts(provinceCode: "30") { communes { code name } } }' }), true);
    expect(communes.body.errors).toBeUndefined();
    expect(communes.body.data.districts.flatMap((d: any) => d.communes.map((c: any) => c.code)).sort()).toEqual(oldCommunesOfProvince('30').sort());
  });

  test('variables and argument values nested within the limit are read as usual', async () => {
    const res = await post(JSON.stringify({ query: 'query($t: String!) { searchAreas(text: $t) { name } }', variables: { t: 'chi linh' } }));
    expect(res.body.data.searchAreas[0].name).toMatch(/Chí Linh$/);
    const listIn = await post(JSON.stringify({ query: '{ searchAreas(text: [[["x"]]]) { code } }' }));
    // Within MAX_VARIABLES_DEPTH: graphql-js validation answers the type error, not a limit.
    expect(listIn.status).toBe(400);
    expect(listIn.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
