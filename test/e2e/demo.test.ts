/**
 * The demo world: deterministic for a seed, with provinces and districts at different stages
 * that advance over time, across the reform of 1 July 2025 (records dated since carry two-tier
 * codes), with citizens who move, die and emigrate; and seeded into the services so that the
 * graph serves exactly what the generated rows imply, in both structures.
 *
 * The expected figures are counted from the rows the plain way, placing each row through the
 * official lists and crosswalk only (a code's own units, or the one unit of the other structure
 * it passed into or came from), never through the graph's placement code: so only units where
 * the crosswalk leaves no choice are compared (old units before the reform, provinces always,
 * new communes made of whole old communes).
 */
import crypto from 'node:crypto';
import { ancestorsOf, areaByCode, areasOfLevel, childrenOf, getArea, linkedAreas, REFORM_DATE, type Area, type AreaStructure } from '../../lib/areas';
import { personalIdProblem } from '../../lib/personal-id';
import { DEMO_HORIZON, demoWorld, type DemoCitizen, type DemoParcel } from '../../demo/world';
import type { CivilRecord } from '../../services/civil-status/facts';
import type { CriminalRecordRequest } from '../../services/justice-records/facts';
import type { HealthRecord } from '../../services/health/facts';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';

const OPTIONS = { seed: 'p06', scale: 0.05 };
const citizens: DemoCitizen[] = [];
const parcels: DemoParcel[] = [];
const civilRecords: CivilRecord[] = [];
const requests: CriminalRecordRequest[] = [];
const healthRecords: HealthRecord[] = [];
for (const c of demoWorld(OPTIONS)) {
  citizens.push(...c.citizens);
  parcels.push(...c.parcels);
  civilRecords.push(...c.civilRecords);
  requests.push(...c.criminalRecordRequests);
  healthRecords.push(...c.healthRecords);
}
const byId = new Map(citizens.map((c) => [c.personalId, c]));

interface Located {
  communeCode: string;
  communeStructure: AreaStructure;
}
const unitOf = (r: Located) => areaByCode(r.communeCode, r.communeStructure);
const provinceCodeOf = (a: Area) => ancestorsOf(a).find((u) => u.level === 'PROVINCE')!.code;
/** Every residence of a citizen, oldest first, each with the day the next began (or the residence ended). */
const residencesOf = (c: DemoCitizen) => {
  const all = [...c.previousResidences, { communeCode: c.communeCode, communeStructure: c.communeStructure, registeredOn: c.registeredOn }];
  return all.map((r, i) => ({ ...r, until: i + 1 < all.length ? all[i + 1].registeredOn : c.residenceEndedOn }));
};
/** The residence a citizen holds on `day` (null before the first and after the end). */
const residenceOn = (c: DemoCitizen, day: string) => residencesOf(c).find((r) => r.registeredOn <= day && (r.until === null || day < r.until)) ?? null;

test('the same seed and scale give the same world; another seed another', () => {
  const digest = (seed: string) => {
    const h = crypto.createHash('sha256');
    for (const c of demoWorld({ seed, scale: 0.02 })) h.update(JSON.stringify(c.citizens)).update(JSON.stringify(c.parcels)).update(JSON.stringify(c.civilRecords));
    return h.digest('hex');
  };
  expect(digest('p06')).toBe(digest('p06'));
  expect(digest('p06')).not.toBe(digest('other'));
});

test('personal IDs are unique and valid for their birth date and sex', () => {
  expect(new Set(citizens.map((c) => c.personalId)).size).toBe(citizens.length);
  expect(citizens.filter((c) => personalIdProblem(c.personalId, c.birthDate, c.sex) !== null)).toEqual([]);
  expect(citizens.filter((c) => c.eidLevel1On && c.eidLevel2On && c.eidLevel1On >= c.eidLevel2On)).toEqual([]);
});

test('records dated since 1 July 2025 carry two-tier codes, earlier ones three-tier codes, of communes that exist', () => {
  const dated: [string, Located, string][] = [
    ...citizens.flatMap((c) => residencesOf(c).map((r): [string, Located, string] => [`residence of ${c.personalId}`, r, r.registeredOn])),
    ...civilRecords.map((r): [string, Located, string] => [r.recordId, r, r.registeredOn]),
    ...requests.map((r): [string, Located, string] => [r.requestId, r, r.submittedOn]),
    ...healthRecords.map((r): [string, Located, string] => [r.recordId, r, r.createdOn]),
  ];
  const wrong = dated.filter(([, r, day]) => r.communeStructure !== (day >= REFORM_DATE ? 'TWO_TIER' : 'THREE_TIER') || unitOf(r)?.level !== 'COMMUNE');
  expect(wrong).toEqual([]);
  expect(dated.filter(([, r]) => r.communeStructure === 'TWO_TIER').length).toBeGreaterThan(dated.length * 0.03);
  // Parcels have no date of their own: their old commune's code.
  expect(parcels.filter((p) => p.communeStructure !== 'THREE_TIER' || unitOf(p)?.level !== 'COMMUNE')).toEqual([]);
  // Nothing after the horizon.
  const days = [...dated.map(([, , d]) => d), ...citizens.flatMap((c) => [c.chipCardIssuedOn, c.eidLevel2On, c.residenceEndedOn]), ...parcels.map((p) => p.digitizedOn)];
  expect(days.filter((d) => d !== null && d > DEMO_HORIZON)).toEqual([]);
  expect(days.some((d) => d !== null && d > '2026-11-01')).toBe(true);
});

test('residence has a history: moves within and across provinces, before and after the reform; deaths and emigration', () => {
  const moved = citizens.filter((c) => c.previousResidences.length > 0);
  expect(moved.length / citizens.length).toBeGreaterThan(0.08);
  const [from, to] = [(c: DemoCitizen) => unitOf(c.previousResidences[0])!, (c: DemoCitizen) => unitOf(c)!];
  // A province seen from either structure: the old one a unit lies in (or came from).
  const oldProvince = (a: Area) => (a.structure === 'THREE_TIER' ? provinceCodeOf(a) : provinceCodeOf(linkedAreas(a, 'predecessors')[0]));
  expect(moved.filter((c) => oldProvince(from(c)) === oldProvince(to(c))).length).toBeGreaterThan(moved.length * 0.4);
  expect(moved.filter((c) => oldProvince(from(c)) !== oldProvince(to(c))).length).toBeGreaterThan(moved.length * 0.2);
  // Moved after the reform from a residence registered before it: the new one in the two-tier structure.
  expect(moved.filter((c) => c.previousResidences[0].communeStructure === 'THREE_TIER' && c.communeStructure === 'TWO_TIER').length).toBeGreaterThan(10);
  expect(citizens.filter((c) => c.residenceEndReason === 'DIED').length).toBeGreaterThan(citizens.length * 0.01);
  expect(citizens.filter((c) => c.residenceEndReason === 'EMIGRATED').length).toBeGreaterThan(0);
  expect(citizens.filter((c) => (c.residenceEndedOn === null) !== (c.residenceEndReason === null) || (c.residenceEndedOn !== null && c.residenceEndedOn <= c.registeredOn))).toEqual([]);
  // Nothing happens to a citizen after their residence ended.
  const ended = (id: string, day: string | null) => day !== null && byId.get(id)?.residenceEndedOn != null && day >= byId.get(id)!.residenceEndedOn!;
  expect(citizens.filter((c) => [c.chipCardIssuedOn, c.eidLevel1On, c.eidLevel2On].some((d) => ended(c.personalId, d)))).toEqual([]);
  expect(requests.filter((r) => ended(r.personalId, r.submittedOn))).toEqual([]);
  expect(healthRecords.filter((r) => ended(r.personalId, r.createdOn) || ended(r.personalId, r.integratedOn))).toEqual([]);
});

test('every citizen who died has one death record, registered where they lived; no living citizen has one', () => {
  const deaths = civilRecords.filter((r) => r.kind === 'DEATH');
  const ofCitizens = deaths.filter((r) => byId.has(r.personalIds[0]));
  const died = citizens.filter((c) => c.residenceEndReason === 'DIED');
  expect(ofCitizens.map((r) => r.personalIds[0]).sort()).toEqual(died.map((c) => c.personalId).sort());
  const misplaced = ofCitizens.filter((r) => {
    const c = byId.get(r.personalIds[0])!;
    if (r.registeredOn < c.residenceEndedOn!) return true;
    if (r.communeStructure === c.communeStructure) return r.communeCode !== c.communeCode;
    // Registered after the reform, of a residence registered before it: a commune its old one passed into.
    return r.communeStructure !== 'TWO_TIER' || !linkedAreas(unitOf(c)!, 'successors').some((a) => a.code === r.communeCode);
  });
  expect(misplaced).toEqual([]);
});

test('marriages name two citizens, or one when the spouse is a foreigner', () => {
  const marriages = civilRecords.filter((r) => r.kind === 'MARRIAGE');
  expect(marriages.filter((r) => r.personalIds.length === 1).length).toBeGreaterThan(0);
  // A few percent where communes have many adults (Hải Dương's, at realistic density).
  const haiDuong = marriages.filter((r) => countsIn(r, areaByCode('30', 'THREE_TIER')!));
  const single = haiDuong.filter((r) => r.personalIds.length === 1);
  expect(single.length).toBeGreaterThan(0);
  expect(single.length).toBeLessThan(haiDuong.length * 0.1);
  expect(marriages.filter((r) => r.personalIds.length > 2 || r.personalIds.some((id) => !byId.has(id)))).toEqual([]);
});

test('districts progress at different paces, everyone advances over time, and some populations fall', () => {
  const byDistrict = new Map<string, string[]>();
  for (const p of parcels) {
    const district = getArea(unitOf(p)!.parentId!)!.code;
    byDistrict.set(district, [...(byDistrict.get(district) ?? []), p.digitizedOn ?? '9999']);
  }
  const share = (dates: string[], by: string) => dates.filter((d) => d <= by).length / dates.length;
  const nov2024 = [...byDistrict.values()].map((d) => share(d, '2024-11-30'));
  // Some districts have digitized nothing, others most of their parcels.
  expect(nov2024.filter((s) => s === 0).length).toBeGreaterThan(100);
  expect(nov2024.filter((s) => s > 0.7).length).toBeGreaterThan(100);
  const national = (field: 'chipCardIssuedOn' | 'eidLevel2On', by: string) => citizens.filter((c) => c[field] && c[field]! <= by).length / citizens.length;
  expect(national('chipCardIssuedOn', '2022-01-31')).toBeLessThan(national('chipCardIssuedOn', '2024-01-31'));
  expect(national('eidLevel2On', '2023-01-31')).toBeLessThan(national('eidLevel2On', '2025-01-31'));
  // Residents per old commune on two days: deaths, emigration and moves make some fall.
  const residents = (day: string) => {
    const out = new Map<string, number>();
    for (const c of citizens) {
      const r = residenceOn(c, day);
      if (r) out.set(r.communeCode, (out.get(r.communeCode) ?? 0) + 1);
    }
    return out;
  };
  const [early, late] = [residents('2022-01-01'), residents('2025-06-30')];
  expect([...early].filter(([p, n]) => (late.get(p) ?? 0) < n).length).toBeGreaterThan(0);
});

/**
 * Whether a row located at `r` counts in `unit`, through the lists and the crosswalk alone: in
 * the other structure, when every counterpart of its commune lies in the unit (or none does).
 * Otherwise the graph places it by rule, and the test must not compare that unit.
 */
function countsIn(r: Located, unit: Area): boolean {
  const place = unitOf(r)!;
  if (place.structure === unit.structure || unit.level === 'NATION') return ancestorsOf(place).includes(unit);
  const across = linkedAreas(place, place.structure === 'THREE_TIER' ? 'successors' : 'predecessors');
  const inside = across.filter((a) => ancestorsOf(a).includes(unit)).length;
  if (inside !== 0 && inside !== across.length) throw new Error(`${place.id} counts in ${unit.id} only by rule: the test compares no such unit`);
  return inside > 0;
}

/** The figures of `unit` as of `end` (flows: from `start`), counted from the rows. */
function expectedFigures(unit: Area, start: string, end: string) {
  const on = (d: string | null) => d !== null && d <= end;
  const within = (d: string | null) => d !== null && d >= start && d <= end;
  const here = <T extends Located>(rows: T[], dayOf: (r: T) => string | null) => rows.filter((r) => on(dayOf(r)) && countsIn(r, unit));
  const residents = citizens.filter((c) => {
    const r = residenceOn(c, end);
    return r !== null && countsIn(r, unit);
  });
  const records = here(civilRecords, (r) => r.registeredOn);
  const asked = here(requests, (r) => r.submittedOn);
  const books = here(healthRecords, (r) => r.createdOn);
  const land = parcels.filter((p) => countsIn(p, unit));
  return {
    residency: { population: residents.length, chipIdCards: residents.filter((c) => on(c.chipCardIssuedOn)).length, eidLevel2: residents.filter((c) => on(c.eidLevel2On)).length },
    land: { parcels: land.length, digitizedParcels: land.filter((p) => on(p.digitizedOn)).length },
    civilStatus: { records: records.length, digitizedRecords: records.filter((r) => on(r.digitizedOn)).length, births: records.filter((r) => r.kind === 'BIRTH' && within(r.registeredOn)).length },
    justiceRecords: { requestsToDate: asked.length, requestsViaVneidToDate: asked.filter((r) => r.channel === 'VNEID').length },
    health: { eHealthRecords: books.length, integratedIntoVneid: books.filter((r) => on(r.integratedOn)).length },
  };
}

const SELECTION = `residency { population chipIdCards eidLevel2 } land { parcels digitizedParcels }
  civilStatus { records digitizedRecords births } justiceRecords { requestsToDate requestsViaVneidToDate }
  health { eHealthRecords integratedIntoVneid }`;

describe.each(testDatabases())('the demo seeded into the services on $label', (database) => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph({ ...database.config('demo'), DEMO_SCALE: OPTIONS.scale, DEMO_SEED: OPTIONS.seed, TODAY: DEMO_HORIZON });
  }, 300_000);
  afterAll(() => graph?.stop());

  const compare = (units: { id: string; stats: unknown }[], start: string, end: string) => {
    expect(units.length).toBeGreaterThan(0);
    for (const u of units) expect({ id: u.id, ...(u.stats as object) }).toEqual({ id: u.id, ...expectedFigures(getArea(u.id)!, start, end) });
  };

  test('June 2024, before the reform: the districts of Hải Dương (three-tier)', async () => {
    const res = await graph.queryGateway(`{ province(code: "30", structure: THREE_TIER) { districts { id stats(period: "2024-06") { ${SELECTION} } } } }`);
    expect(res.errors).toBeUndefined();
    compare(res.data.province.districts, '2024-06-01', '2024-06-30');
  });

  test('June 2026, after it: new Hải Phòng, old Hải Dương, and the new communes made of whole old ones', async () => {
    // New communes every old commune of which passed wholly into them: no fact is placed there by rule.
    const whole = childrenOf(areaByCode('31', 'TWO_TIER')!).filter((n) => linkedAreas(n, 'predecessors').every((o) => o.successors.length === 1));
    expect(whole.length).toBeGreaterThan(20);
    const res = await graph.queryGateway(`{
      new: province(code: "31", structure: TWO_TIER) { id stats(period: "2026-06") { ${SELECTION} } communes { id stats(period: "2026-06") { ${SELECTION} } } }
      old: province(code: "30", structure: THREE_TIER) { id stats(period: "2026-06") { ${SELECTION} } }
    }`);
    expect(res.errors).toBeUndefined();
    const wholeIds = new Set(whole.map((n) => n.id));
    const communes = res.data.new.communes.filter((c: { id: string }) => wholeIds.has(c.id));
    expect(communes).toHaveLength(whole.length);
    compare([res.data.new, res.data.old, ...communes], '2026-06-01', '2026-06-30');
  });

  test('the nation in both structures: the 34 new provinces and the 63 old ones sum to it, and it is what the rows imply', async () => {
    const res = await graph.queryGateway(`{ nation { id stats(period: "2026-10") { residency { population } } }
      newProvinces: provinces(structure: TWO_TIER) { stats(period: "2026-10") { residency { population } } }
      oldProvinces: provinces(structure: THREE_TIER) { stats(period: "2026-10") { residency { population } } } }`);
    expect(res.errors).toBeUndefined();
    const expected = citizens.filter((c) => residenceOn(c, '2026-10-31') !== null).length;
    const sum = (ps: any[]) => ps.reduce((s, p) => s + p.stats.residency.population, 0);
    expect([res.data.nation.stats.residency.population, sum(res.data.newProvinces), sum(res.data.oldProvinces)]).toEqual([expected, expected, expected]);
    expect(areasOfLevel('PROVINCE', 'TWO_TIER')).toHaveLength(res.data.newProvinces.length);
  });
});
