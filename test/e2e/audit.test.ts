/**
 * The audit says who read whom, and cannot be quietly changed. Reads written to leave no trace
 * (the ID in a variable, no `id` selected, a person reached through a parcel or a commune's list)
 * are audited naming the persons; an officer must state a purpose; an admin lists every read of
 * one person; a record altered, deleted or dropped from the index after the fact is reported by
 * `npm run audit:verify`; two gateways writing at once keep one chain; the client address is the
 * socket's unless a trusted proxy forwarded it.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../../lib/config';
import { upsertFacts } from '../../lib/fact-store';
import { startGateway } from '../../gateway/server';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts } from '../../services/land/facts';
import { civilRecordFacts } from '../../services/civil-status/facts';
import { makeFixture } from '../helpers/fixture';
import { oldProvinceOf, placeFact } from '../helpers/reference';
import { startGraph, testDatabases, tokenFor, type Caller, type RunningGraph } from '../helpers/graph';

const fixture = makeFixture('audit', 6);
/** Records delivered with a three-tier commune code of old Hải Dương (30), the officer's province. */
const inOld30 = (r: { communeCode: string; communeStructure: string }) => r.communeStructure === 'THREE_TIER' && oldProvinceOf(r.communeCode) === '30';
const inHaiDuong = fixture.citizens.filter((c) => inOld30(c) && !c.residenceEndedOn);
const officer: Caller = { role: 'officer', provinces: ['30'], sub: 'officer-audit' };
const PURPOSE = { 'x-purpose': 'case HD-2025-004, Decree 13/2023 art. 17' };
const root = path.join(__dirname, '../..');

/** `npm run audit:verify` against the graph's audit database, as an operator runs it. */
async function auditVerify(config: Config, args: string[] = []): Promise<{ code: number; output: string }> {
  const env = { ...process.env, DB_CLIENT: config.DB_CLIENT, DATA_DIR: config.DATA_DIR, MYSQL_URL: config.MYSQL_URL ?? '', MYSQL_DATABASE_PREFIX: config.MYSQL_DATABASE_PREFIX, NODE_ENV: 'test' };
  if (!config.MYSQL_URL) delete (env as Record<string, string | undefined>).MYSQL_URL;
  try {
    const { stdout, stderr } = await promisify(execFile)(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'scripts/audit-verify.ts'), ...args], { env, cwd: root });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

describe.each(testDatabases())('the audit on $label', (database) => {
  let graph: RunningGraph;
  const config = database.config('audit');

  beforeAll(async () => {
    graph = await startGraph(config, async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, fixture.parcels));
      await dbs['civil-status'].transaction((trx) => upsertFacts(trx, civilRecordFacts, fixture.civilRecords));
    });
  });
  afterAll(() => graph?.stop());

  const readsOf = async (personalId: string) =>
    (await graph.queryGateway('query($p: String) { auditLog(personalId: $p) { id subject purpose operationText variables requestedPersonalIds returnedPersonalIds personalIds outcome } }', { p: personalId })).data.auditLog;
  const last = async () => (await graph.queryGateway('{ auditLog { id subject purpose operationName operationText variables requestedPersonalIds returnedPersonalIds outcome clientAddress detail } }')).data.auditLog.at(-1);

  test('an ID sent in a variable, with no `id` selected, is named as asked for and as returned, with the text, variables and purpose', async () => {
    const someone = inHaiDuong[0];
    const query = 'query($id: String!) { citizen(id: $id) { fullName birthDate } }';
    const res = await graph.queryGateway(query, { id: someone.personalId }, officer, PURPOSE);
    expect(res.data.citizen).toEqual({ fullName: someone.fullName, birthDate: someone.birthDate });
    expect(JSON.stringify(res)).not.toContain('personsReturned');
    expect(await last()).toEqual({
      id: expect.any(Number),
      subject: 'officer-audit',
      purpose: PURPOSE['x-purpose'],
      operationName: null,
      operationText: query,
      variables: JSON.stringify({ id: someone.personalId }),
      requestedPersonalIds: [someone.personalId],
      returnedPersonalIds: [someone.personalId],
      outcome: 'ALLOWED',
      clientAddress: expect.stringMatching(/127\.0\.0\.1/),
      detail: null,
    });
  });

  test("a commune's list, names only: every person returned is named", async () => {
    const commune = inHaiDuong[0].communeCode;
    const res = await graph.queryGateway(`{ citizens(communeCode: "${commune}", structure: THREE_TIER, first: 500) { nodes { fullName } } }`, undefined, officer, PURPOSE);
    // Those living on the old commune's territory today, whichever structure their residence was delivered in.
    const expected = fixture.citizens
      .filter((c) => !c.residenceEndedOn && placeFact(c.communeCode, c.communeStructure, c.personalId, 'people').oldCommune === commune)
      .map((c) => c.personalId)
      .sort();
    expect(res.data.citizens.nodes).toHaveLength(expected.length);
    const record = await last();
    expect(record.requestedPersonalIds).toEqual([]);
    expect(record.returnedPersonalIds).toEqual(expected);
  });

  test("a parcel asked for by its id, owner not selected: the owner is named; a marriage record names both spouses", async () => {
    const parcel = fixture.parcels.find((p) => p.ownerPersonalId && inOld30(p))!;
    await graph.queryGateway(`{ parcel(id: "${parcel.parcelId}") { areaM2 } }`, undefined, officer, PURPOSE);
    expect((await last()).returnedPersonalIds).toEqual([parcel.ownerPersonalId]);
    const marriage = fixture.civilRecords.find((r) => r.kind === 'MARRIAGE' && inOld30(r))!;
    await graph.queryGateway(`{ civilStatusRecord(id: "${marriage.recordId}") { kind registeredOn } }`, undefined, officer, PURPOSE);
    expect((await last()).returnedPersonalIds).toEqual([...marriage.personalIds].sort());
  });

  test('an officer without a stated purpose is refused (PURPOSE_REQUIRED), and the attempt is audited naming whom', async () => {
    const someone = inHaiDuong[1];
    const res = await graph.queryGateway('query($id: String!) { citizen(id: $id) { fullName } }', { id: someone.personalId }, officer);
    expect(res.data ?? null).toBeNull();
    expect(res.errors![0].extensions!.code).toBe('PURPOSE_REQUIRED');
    expect(res.errors![0].message).toMatch(/X-Purpose header/);
    expect(await last()).toMatchObject({ outcome: 'DENIED', requestedPersonalIds: [someone.personalId], returnedPersonalIds: [], purpose: null, detail: expect.stringContaining('purpose') });
    const bad = await fetch(graph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-purpose': 'x'.repeat(400), authorization: `Bearer ${await tokenFor(officer as never)}` }, body: JSON.stringify({ query: '{ nation { code } }' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors[0].message).toBe('X-Purpose header is longer than 300 characters (400)');
  });

  test('an admin lists every read of one person, by anyone, and no other read', async () => {
    // Two persons no earlier test read (the commune list above was of another commune).
    const [target, other] = [inHaiDuong.at(-1)!, inHaiDuong.at(-2)!];
    expect([target.communeCode, other.communeCode]).not.toContain(inHaiDuong[0].communeCode);
    await graph.queryGateway('query($id: String!) { citizen(id: $id) { fullName } }', { id: target.personalId }, officer, PURPOSE);
    await graph.queryGateway(`{ a: citizen(id: "${target.personalId}") { birthDate } b: citizen(id: "${other.personalId}") { birthDate } }`);
    await graph.queryGateway(`{ citizen(id: "${target.personalId}") { fullName } }`, undefined, { role: 'analyst', sub: 'curious-analyst' });
    await graph.queryGateway(`{ citizen(id: "${other.personalId}") { fullName } }`, undefined, officer, PURPOSE);
    // Reading the audit log shows whom others read: those reads are audited too, naming them.
    const reads = (await readsOf(target.personalId)).filter((r: any) => !r.operationText.includes('auditLog'));
    expect(reads.map((r: any) => [r.subject, r.outcome])).toEqual([
      ['officer-audit', 'ALLOWED'],
      ['test-admin', 'ALLOWED'],
      ['curious-analyst', 'DENIED'],
    ]);
    for (const r of reads) expect(r.personalIds).toContain(target.personalId);
    const bad = await graph.queryGateway('{ auditLog(personalId: "12345") { id } }');
    expect(bad.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('"12345"') });
  });

  test('two gateways writing at once keep one chain', async () => {
    const second = await startGateway({ config, subgraphUrls: graph.subgraphUrls(), port: 0 });
    try {
      const before = (await graph.queryGateway('{ auditLog { id } }')).data.auditLog.length;
      const token = await tokenFor(officer as never);
      const read = (url: string, c: (typeof inHaiDuong)[number]) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...PURPOSE }, body: JSON.stringify({ query: 'query($id: String!) { citizen(id: $id) { fullName } }', variables: { id: c.personalId } }) }).then((r) => r.json());
      const answers = await Promise.all(inHaiDuong.slice(0, 30).map((c, i) => read(i % 2 ? second.url : graph.gatewayUrl, c)));
      expect(answers.every((a: any) => a.data.citizen.fullName)).toBe(true);
      const after = (await graph.queryGateway('{ auditLog { id previousHash hash } }')).data.auditLog;
      // The 30 reads, and the reading of the log above (audited: it shows whom others read).
      expect(after.length).toBe(before + 31);
      after.forEach((r: any, i: number) => {
        if (i > 0) expect({ id: r.id, previousHash: r.previousHash }).toEqual({ id: after[i - 1].id + 1, previousHash: after[i - 1].hash });
      });
      const verified = await auditVerify(config);
      // One more record: the reading of the log just above.
      expect(verified).toEqual({ code: 0, output: expect.stringMatching(new RegExp(`^The audit log is intact: ${after.length + 1} records, chained; head [0-9a-f]{64} \\(record ${after.at(-1).id + 1}\\)`)) });
    } finally {
      await second.stop();
    }
  });

  test('the client address is the socket\'s; X-Forwarded-For counts only from a trusted proxy', async () => {
    const spoofed = { ...PURPOSE, 'x-forwarded-for': '203.0.113.9' };
    await graph.queryGateway(`{ citizen(id: "${inHaiDuong[4].personalId}") { fullName } }`, undefined, officer, spoofed);
    expect((await last()).clientAddress).toMatch(/127\.0\.0\.1/);
    const behindProxy = await startGateway({ config: { ...config, TRUSTED_PROXIES: ['loopback'] }, subgraphUrls: graph.subgraphUrls(), port: 0 });
    try {
      await fetch(behindProxy.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(officer as never)}`, ...spoofed }, body: JSON.stringify({ query: `{ citizen(id: "${inHaiDuong[4].personalId}") { fullName } }` }) });
      expect((await last()).clientAddress).toBe('203.0.113.9');
    } finally {
      await behindProxy.stop();
    }
  });

  test('records altered, deleted or dropped from the index behind the log\'s back are reported by audit:verify', async () => {
    const db = graph.dbs.audit;
    const log = await db('audit_log').orderBy('id');
    expect(log.length).toBeGreaterThan(10);
    // An attacker with the database's rights: the append-only triggers go first.
    for (const t of ['audit_log_no_update', 'audit_log_no_delete', 'audit_log_persons_no_delete']) await db.raw(`DROP TRIGGER ${t}`);
    const [altered, deleted] = [log[2], log[5]];
    const tail = log[log.length - 1];
    const unindexed = log.find((r: any, i: number) => i > 6 && i < log.length - 1 && String(r.personal_ids).length > 0)!;
    await db('audit_log').where({ id: altered.id }).update({ personal_ids: '', requested_ids: '', returned_ids: '' });
    await db('audit_log').where({ id: deleted.id }).delete();
    await db('audit_log').where({ id: tail.id }).delete();
    await db('audit_log_persons').where({ audit_id: unindexed.id }).delete();
    const report = await auditVerify(config);
    expect(report.code).toBe(1);
    expect(report.output).toContain('The audit log FAILED verification');
    expect(report.output).toContain(`record ${altered.id}: its content does not match its hash: the record was altered`);
    expect(report.output).toContain(`record ${log[6].id}: its previous hash is not record ${log[4].id}'s hash: records between ${log[4].id} and ${log[6].id} were deleted`);
    expect(report.output).toContain(`the head says the last record is ${tail.id}, the log ends at ${log[log.length - 2].id}: the last records were deleted`);
    expect(report.output).toContain(`record ${unindexed.id}: person ${String(unindexed.personal_ids).split(';')[0]} is missing from the persons' index`);
    // Rewriting the whole chain consistently is caught only against a head kept elsewhere.
    const anchored = await auditVerify(config, ['--expect-head', tail.hash]);
    expect(anchored.output).toContain(`no record has the hash ${tail.hash} given by --expect-head`);
  });
});
