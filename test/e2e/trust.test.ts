/**
 * Trust, through the gateway and around it: subgraphs refuse direct calls; analysts read
 * aggregates but no person; officers read the people of their provinces only, audited either
 * way (small counts are protected for analysts: test/e2e/disclosure.test.ts); person-level data
 * is never returned unaudited; limits are enforced with errors that name them.
 */
import crypto from 'node:crypto';
import { upsertFacts } from '../../lib/fact-store';
import { loadConfig } from '../../lib/config';
import { DEV_INTERNAL_SECRET, IDENTITY_HEADER, bodyHashOf, signInternalIdentity } from '../../lib/auth';
import { oldProvinceOf, placeFact } from '../helpers/reference';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts } from '../../services/land/facts';
import { civilRecordFacts } from '../../services/civil-status/facts';
import { requestFacts } from '../../services/justice-records/facts';
import { healthRecordFacts } from '../../services/health/facts';
import { startGraph, testDatabases, tokenFor, type RunningGraph } from '../helpers/graph';
import { makeFixture } from '../helpers/fixture';

const fixture = makeFixture();
/** The old province a citizen lives in today. */
const livesIn = (c: (typeof fixture.citizens)[number]) => oldProvinceOf(placeFact(c.communeCode, c.communeStructure, c.personalId, 'people').oldCommune);
const inHaiDuong = fixture.citizens.find((c) => livesIn(c) === '30' && !c.residenceEndedOn)!;
const inHanoi = fixture.citizens.find((c) => livesIn(c) === '01' && c.communeStructure === 'THREE_TIER' && !c.residenceEndedOn)!;
const CITIZEN = `query Citizen($id: String!) { citizen(id: $id) { id fullName parcels { id } civilStatusRecords { id } criminalRecordRequests { id } eHealth { id } } }`;
const officer30 = { role: 'officer' as const, provinces: ['30'], sub: 'officer-hai-duong' };
/** Officers state why they read person-level data (gateway/limits.ts). */
const PURPOSE = { 'x-purpose': 'case HD-2024-117' };

describe.each(testDatabases())('trust on $label', (database) => {
  let graph: RunningGraph;
  const config = database.config('trust');

  beforeAll(async () => {
    graph = await startGraph(config, async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
      await dbs['civil-status'].transaction((trx) => upsertFacts(trx, civilRecordFacts, fixture.civilRecords));
      await dbs['justice-records'].transaction((trx) => upsertFacts(trx, requestFacts, fixture.requests));
      await dbs.health.transaction((trx) => upsertFacts(trx, healthRecordFacts, fixture.healthRecords));
    });
  });
  afterAll(() => graph?.stop());

  const auditOf = async (subject: string) =>
    (await graph.queryGateway('query($s: String) { auditLog(from: "2000-01-01", to: "2100-01-01", subject: $s) { subject roles purpose operationName operationHash personalIds requestedPersonalIds returnedPersonalIds outcome detail clientAddress } }', { s: subject })).data.auditLog;

  test('every subgraph refuses a request that did not come through the gateway', async () => {
    const urls = await graph.subgraphUrls();
    const query = '{ __typename }';
    for (const [name, url] of Object.entries(urls)) {
      const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      expect({ name, status: unsigned.status }).toEqual({ name, status: 401 });
      const forged = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await signInternalIdentity('not-the-secret-at-all', { sub: 'x', roles: ['admin'], provinces: [], clientAddress: null }, bodyHashOf(JSON.stringify({ query })), name) },
        body: JSON.stringify({ query }),
      });
      expect({ name, status: forged.status }).toEqual({ name, status: 401 });
      // A genuine signature replayed on another body is refused too.
      const replayed = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await signInternalIdentity(DEV_INTERNAL_SECRET, { sub: 'x', roles: ['admin'], provinces: [], clientAddress: null }, bodyHashOf(JSON.stringify({ query })), name) },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
      });
      expect({ name, status: replayed.status }).toEqual({ name, status: 401 });
      // The same signature on the body it was made for passes.
      const genuine = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await signInternalIdentity(DEV_INTERNAL_SECRET, { sub: 'x', roles: ['admin'], provinces: [], clientAddress: null }, bodyHashOf(JSON.stringify({ query })), name) },
        body: JSON.stringify({ query }),
      });
      expect({ name, status: genuine.status }).toEqual({ name, status: 200 });
      const health = await fetch(url.replace('/graphql', '/health'));
      expect({ name, status: health.status }).toEqual({ name, status: 200 });
    }
  });

  test('without a token: area names and the catalogue, nothing else', async () => {
    const open = await graph.queryGateway('{ indicatorCatalog { id } province(code: "30", structure: THREE_TIER) { code name districts { code name } } searchAreas(text: "hai duong") { code } }', undefined, 'anonymous');
    expect(open.errors).toBeUndefined();
    expect(open.data.province.districts).toHaveLength(12);
    for (const query of ['{ province(code: "31") { stats(period: "2024") { residency { population } } } }', `{ citizen(id: "${inHaiDuong.personalId}") { id } }`, '{ stats(areaCode: "VN", period: "2024") { areaCode } }']) {
      const res = await graph.queryGateway(query, undefined, 'anonymous');
      expect(res.data ?? null).toBeNull();
      expect(res.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      expect(res.errors![0].message).toMatch(/Authentication required to read/);
    }
    const bad = await fetch(graph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' }, body: JSON.stringify({ query: '{ indicatorCatalog { id } }' }) });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as any).errors[0].message).toMatch(/Invalid bearer token/);
  });

  test('an analyst reads aggregates but not a citizen (FORBIDDEN, audited)', async () => {
    const agg = await graph.queryGateway('{ province(code: "30", structure: THREE_TIER) { stats(period: "2024") { residency { population } indicators { chipIdCoverage } } } }', undefined, { role: 'analyst', sub: 'analyst-1' });
    expect(agg.errors).toBeUndefined();
    expect(agg.data.province.stats.residency.population).toBeGreaterThan(0);
    const res = await graph.queryGateway(CITIZEN, { id: inHaiDuong.personalId }, { role: 'analyst', sub: 'analyst-1' });
    expect(res.data.citizen).toBeNull();
    expect(res.errors![0].extensions!.code).toBe('FORBIDDEN');
    const audit = await auditOf('analyst-1');
    expect(audit).toHaveLength(1);
    // The ID asked for is named, though nothing came back.
    expect(audit[0]).toMatchObject({ subject: 'analyst-1', roles: ['analyst'], operationName: 'Citizen', personalIds: [inHaiDuong.personalId], requestedPersonalIds: [inHaiDuong.personalId], returnedPersonalIds: [], outcome: 'DENIED', clientAddress: expect.stringMatching(/127\.0\.0\.1/) });
    expect(audit[0].operationHash).toBe(crypto.createHash('sha256').update(CITIZEN).digest('hex'));
  });

  test('an officer reads a citizen of their province across all domains (audited), not one of another province (FORBIDDEN, audited)', async () => {
    const own = await graph.queryGateway(CITIZEN, { id: inHaiDuong.personalId }, officer30, PURPOSE);
    expect(own.errors).toBeUndefined();
    expect(own.data.citizen).toMatchObject({ id: inHaiDuong.personalId, fullName: inHaiDuong.fullName });
    expect(own.data.citizen.eHealth.id).toBe(`SK-${inHaiDuong.personalId}`);
    const other = await graph.queryGateway(CITIZEN, { id: inHanoi.personalId }, officer30, PURPOSE);
    expect(other.data?.citizen ?? null).toBeNull();
    expect(other.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    // The refusal says nothing of where the person lives (test/e2e/person-access.test.ts tries harder).
    expect(other.errors![0].message).not.toContain(inHanoi.communeCode);
    expect(other.errors![0].message).toMatch(/^Not allowed: person-level data is for admins, and for officers of the provinces where every person it names is registered/);
    const commune = await graph.queryGateway(`{ citizens(communeCode: "${inHanoi.communeCode}", structure: THREE_TIER) { totalCount } }`, undefined, officer30, PURPOSE);
    expect(commune.errors![0].extensions!.code).toBe('FORBIDDEN');
    const audit = await auditOf('officer-hai-duong');
    expect(audit.map((a: any) => a.outcome)).toEqual(['ALLOWED', 'DENIED', 'DENIED']);
    // Whose data came back: the citizen, and the other persons named in their civil status records.
    expect(audit[0].returnedPersonalIds).toContain(inHaiDuong.personalId);
    expect(audit[0].personalIds).toContain(inHaiDuong.personalId);
    expect(audit[1]).toMatchObject({ personalIds: [inHanoi.personalId], returnedPersonalIds: [], purpose: 'case HD-2024-117' });
    expect(audit[1].detail).toMatch(/^Not allowed: person-level data/);
  });

  test('only admins read the audit log', async () => {
    const res = await graph.queryGateway('{ auditLog(from: "2024-01-01", to: "2100-01-01") { id } }', undefined, officer30, PURPOSE);
    expect(res.errors![0].extensions!.code).toBe('FORBIDDEN');
    const bad = await graph.queryGateway('{ auditLog(from: "yesterday", to: "2100-01-01") { id } }');
    expect(bad.errors![0]).toMatchObject({ message: expect.stringContaining('"yesterday"'), extensions: { code: 'BAD_USER_INPUT' } });
  });

  test('the audit log is append-only, and without it no person-level data goes out', async () => {
    const audit = graph.dbs.audit;
    await graph.queryGateway(CITIZEN, { id: inHaiDuong.personalId }, officer30, PURPOSE);
    expect(Number((await audit('audit_log').count({ n: '*' }))[0].n)).toBeGreaterThan(0);
    const attempt = async (write: () => Promise<unknown>) => {
      try {
        return `succeeded: ${JSON.stringify(await write())}`;
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(await attempt(() => audit('audit_log').update({ subject: 'tampered' }))).toMatch(/append-only/);
    expect(await attempt(() => audit('audit_log').delete())).toMatch(/append-only/);
    await audit.schema.renameTable('audit_log', 'audit_log_away');
    try {
      const res = await graph.queryGateway(CITIZEN, { id: inHaiDuong.personalId });
      expect(res.data ?? null).toBeNull();
      expect(res.errors).toEqual([{ message: 'The audit log is unavailable, so person-level data cannot be returned now', extensions: { code: 'AUDIT_UNAVAILABLE' } }]);
      expect(JSON.stringify(res)).not.toContain(inHaiDuong.personalId);
      // Aggregates do not depend on the audit log.
      const agg = await graph.queryGateway('{ nation { stats(period: "2024") { residency { population } } } }');
      expect(agg.errors).toBeUndefined();
    } finally {
      await audit.schema.renameTable('audit_log_away', 'audit_log');
    }
  });

  test.each([
    [`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: indicatorCatalog { id }`).join(' ')} }`, 'MAX_ALIASES'],
    [`{ ${Array.from({ length: 21 }, (_, i) => `c${i}: indicatorCatalog { id }`).join(' ')} }`, 'MAX_ROOT_FIELDS'],
    ['{ nation { provinces(structure: THREE_TIER) { districts { province { districts { province { districts { province { districts { province { districts { province { districts { province { districts { code } } } } } } } } } } } } } } } }', 'MAX_QUERY_DEPTH'],
    ['{ provinces(structure: THREE_TIER) { districts { communes { series(from: "2022-01", to: "2024-12", every: MONTH) { areaCode } } } } }', 'MAX_AREA_PERIODS'],
  ])('a query over a limit is refused naming it (%#)', async (query, limit) => {
    const res = await graph.queryGateway(query);
    expect(res.data ?? null).toBeNull();
    expect(res.errors![0].extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit });
    expect(res.errors![0].message).toContain(limit);
  });

  test('a registered operation can be sent by its hash alone', async () => {
    const text = require('node:fs').readFileSync(require('node:path').join(__dirname, '../../operations/districts-of-province.graphql'), 'utf8');
    const hash = crypto.createHash('sha256').update(text).digest('hex');
    const res = await fetch(graph.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor({ role: 'admin' })}` },
      body: JSON.stringify({ variables: { province: '30', period: '2024-11' }, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
    });
    const body: any = await res.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.districts).toHaveLength(12);
  });
});

test('production refuses the development secrets', () => {
  expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/development secrets are refused/);
  expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-real-secret-of-enough-length', INTERNAL_SECRET: 'another-real-secret-0123' })).toThrow(/PERTURBATION_SECRET/);
  expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-real-secret-of-enough-length', INTERNAL_SECRET: 'another-real-secret-0123', PERTURBATION_SECRET: 'a-third-real-secret-456' })).not.toThrow();
});
