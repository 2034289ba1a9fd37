/**
 * One access rule per person, whatever the path, tried as an officer of old Hải Dương (30)
 * would try to get around it: records located in the officer's province but naming a resident of
 * Hà Nội (a parcel's owner, a spouse, an e-health book's or a request's holder), the same persons
 * reached through a citizen's records, and refusals read for where a person lives or whether an
 * ID exists. Expected scopes come from test/helpers/reference.ts (the crosswalk read on its own),
 * not from the graph.
 */
import { upsertFacts } from '../../lib/fact-store';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts, type Parcel } from '../../services/land/facts';
import { civilRecordFacts, type CivilRecord } from '../../services/civil-status/facts';
import { requestFacts, type CriminalRecordRequest } from '../../services/justice-records/facts';
import { healthRecordFacts, type HealthRecord } from '../../services/health/facts';
import { makeFixture } from '../helpers/fixture';
import { oldCommunesOfProvince, oldProvinceOf, placeFact } from '../helpers/reference';
import { startGraph, testDatabases, tokenFor, type Caller, type RunningGraph } from '../helpers/graph';

const fixture = makeFixture('person-access', 4);
type Resident = (typeof fixture.citizens)[number];
/** The old province a citizen lives in today, by the reference crosswalk. */
const livesIn = (c: Resident) => oldProvinceOf(placeFact(c.communeCode, c.communeStructure, c.personalId, 'people').oldCommune);
const current = fixture.citizens.filter((c) => !c.residenceEndedOn);
const inHaiDuong = current.filter((c) => livesIn(c) === '30');
const inHanoi = current.filter((c) => livesIn(c) === '01');
const [a, a2] = inHaiDuong;
const [b] = inHanoi;
const communeOf30 = oldCommunesOfProvince('30').find((code) => fixture.citizens.some((c) => c.communeCode === code))!;
const communeOf01 = oldCommunesOfProvince('01').find((code) => fixture.citizens.some((c) => c.communeCode === code))!;
/** A well-formed personal ID nobody holds: a's, with other serial digits. */
const unknownId = a.personalId.slice(0, 6) + '987654';

const here = { communeCode: communeOf30, communeStructure: 'THREE_TIER' as const };
const there = { communeCode: communeOf01, communeStructure: 'THREE_TIER' as const };
const parcel = (parcelId: string, where: typeof here, owner: string | null): Parcel => ({ parcelId, ...where, areaM2: 120, landUse: 'ONT', ownerPersonalId: owner, digitizedOn: '2024-03-01' });
const parcels = {
  /** In Hải Dương, owned by a Hà Nội resident: refused. */
  hereOwnedFromThere: parcel('ACC-1', here, b.personalId),
  /** In Hà Nội, owned by a Hải Dương resident: the owner is the officer's, so is the parcel. */
  thereOwnedFromHere: parcel('ACC-2', there, a.personalId),
  /** In Hải Dương, naming nobody: its place decides. */
  hereUnowned: parcel('ACC-3', here, null),
  thereUnowned: parcel('ACC-4', there, null),
};
const marriage: CivilRecord = { recordId: 'ACC-HT-1', kind: 'MARRIAGE', personalIds: [a2.personalId, b.personalId], ...here, registeredOn: '2024-05-04', digitizedOn: '2024-05-04' };
const book: HealthRecord = { recordId: 'ACC-SK-1', personalId: b.personalId, ...here, createdOn: '2024-02-02', integratedOn: null };
const request: CriminalRecordRequest = { requestId: 'ACC-LLTP-1', personalId: b.personalId, ...here, channel: 'VNEID', submittedOn: '2024-04-04', issuedOn: null, status: 'SUBMITTED' };

const officer: Caller = { role: 'officer', provinces: ['30'], sub: 'officer-access' };
const PURPOSE = { 'x-purpose': 'case HD-2026-031' };

describe.each(testDatabases())('one access rule per person on $label', (database) => {
  let graph: RunningGraph;
  /** Posts as the officer, keeping the HTTP status: refusals are compared whole. */
  const asOfficer = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(graph.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(officer)}`, ...PURPOSE },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const lastAudit = async () => (await graph.queryGateway('{ auditLog { subject outcome requestedPersonalIds returnedPersonalIds } }')).data.auditLog.filter((r: any) => r.subject === officer.sub).at(-1);

  beforeAll(async () => {
    graph = await startGraph(database.config('person-access'), async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      await dbs.land.transaction((trx) => upsertFacts(trx, parcelFacts, [...fixture.parcels, ...Object.values(parcels)]));
      await dbs['civil-status'].transaction((trx) => upsertFacts(trx, civilRecordFacts, [...fixture.civilRecords, marriage]));
      await dbs['justice-records'].transaction((trx) => upsertFacts(trx, requestFacts, [...fixture.requests, request]));
      await dbs.health.transaction((trx) => upsertFacts(trx, healthRecordFacts, [...fixture.healthRecords, book]));
    });
  });
  afterAll(() => graph?.stop());

  test('the fixture holds what the attacks need', () => {
    expect([a, a2, b].every(Boolean)).toBe(true);
    expect(fixture.citizens.some((c) => c.personalId === unknownId)).toBe(false);
  });

  test('records in the officer\'s province that name a Hà Nội resident are refused, and nothing of them comes back', async () => {
    for (const query of [
      `{ parcel(id: "${parcels.hereOwnedFromThere.parcelId}") { areaM2 } }`,
      `{ parcel(id: "${parcels.hereOwnedFromThere.parcelId}") { id ownerPersonalId } }`,
      `{ civilStatusRecord(id: "${marriage.recordId}") { kind registeredOn } }`,
      `{ eHealthRecord(id: "${book.recordId}") { createdOn } }`,
      `{ criminalRecordRequest(id: "${request.requestId}") { submittedOn } }`,
    ]) {
      const { body } = await asOfficer(query);
      expect([query, body.errors?.map((e: any) => e.extensions.code)]).toEqual([query, ['FORBIDDEN']]);
      expect(Object.values(body.data ?? {}).every((v) => v === null)).toBe(true);
      expect(JSON.stringify(body)).not.toContain(b.personalId);
      expect(JSON.stringify(body)).not.toContain(b.fullName);
      expect(await lastAudit()).toMatchObject({ outcome: 'DENIED', returnedPersonalIds: [] });
    }
  });

  test('the same persons reached through a citizen of the province: the records naming them are refused', async () => {
    const { body } = await asOfficer(`{ citizen(id: "${a2.personalId}") { fullName civilStatusRecords { id personalIds } } }`);
    expect(body.errors.map((e: any) => e.extensions.code)).toContain('FORBIDDEN');
    expect(JSON.stringify(body)).not.toContain(b.personalId);
  });

  test('one rule, by person: a Hà Nội parcel of a Hải Dương resident is the officer\'s; parcels naming nobody go by their place', async () => {
    const owned = await asOfficer(`{ parcel(id: "${parcels.thereOwnedFromHere.parcelId}") { id ownerPersonalId } }`);
    expect(owned.body).toEqual({ data: { parcel: { id: parcels.thereOwnedFromHere.parcelId, ownerPersonalId: a.personalId } } });
    expect((await asOfficer(`{ parcel(id: "${parcels.hereUnowned.parcelId}") { id } }`)).body).toEqual({ data: { parcel: { id: parcels.hereUnowned.parcelId } } });
    expect((await asOfficer(`{ parcel(id: "${parcels.thereUnowned.parcelId}") { id } }`)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    const ownRecords = await asOfficer(`{ citizen(id: "${a.personalId}") { fullName parcels { id } } }`);
    expect(ownRecords.body.errors).toBeUndefined();
    expect(ownRecords.body.data.citizen.parcels.map((p: any) => p.id)).toContain(parcels.thereOwnedFromHere.parcelId);
  });

  test('an unknown ID and an out-of-scope ID get the same answer, in words that name no place', async () => {
    const ask = (id: string) => asOfficer('query($id: String!) { citizen(id: $id) { fullName } }', { id });
    const outOfScope = await ask(b.personalId);
    const unknown = await ask(unknownId);
    expect(outOfScope).toEqual(unknown);
    expect(outOfScope.body.errors[0].extensions.code).toBe('FORBIDDEN');
    // Inline too, and twenty at a time with aliases: every refusal the same, and no place named.
    const many = inHanoi.slice(0, 20);
    const aliased = await asOfficer(`{ ${many.map((c, i) => `c${i}: citizen(id: "${c.personalId}") { fullName }`).join(' ')} }`);
    expect(aliased.body.data ?? null).toBeNull();
    const text = JSON.stringify(aliased.body);
    for (const c of many) {
      const place = placeFact(c.communeCode, c.communeStructure, c.personalId, 'people');
      for (const leak of [c.communeCode, place.oldCommune, place.newCommune, c.fullName]) expect(text).not.toContain(leak);
    }
    expect(aliased).toEqual({ ...aliased, body: { errors: [outOfScope.body.errors[0]] } });
    // Records: an unknown parcel and one naming a Hà Nội resident read alike.
    expect(await asOfficer(`{ parcel(id: "NO-SUCH-PARCEL") { id } }`)).toEqual(await asOfficer(`{ parcel(id: "${parcels.hereOwnedFromThere.parcelId}") { id } }`));
  });

  test('admins read everyone; an unknown ID is null for them', async () => {
    expect(await graph.queryGateway(`{ citizen(id: "${unknownId}") { fullName } }`)).toEqual({ data: { citizen: null } });
    const read = await graph.queryGateway(`{ parcel(id: "${parcels.hereOwnedFromThere.parcelId}") { ownerPersonalId } civilStatusRecord(id: "${marriage.recordId}") { personalIds } }`);
    expect(read).toEqual({ data: { parcel: { ownerPersonalId: b.personalId }, civilStatusRecord: { personalIds: marriage.personalIds } } });
  });
});
