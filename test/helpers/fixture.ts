/**
 * A small fixed-seed fixture of every domain's facts, across the 2025 reform (records before it
 * carry three-tier communes, records since two-tier ones; citizens move, die and emigrate), and
 * the figures it implies computed the plain way (filter and count the rows), independently of
 * the summaries the services keep and of lib/areas: the places come from test/helpers/reference.ts.
 */
import seedrandom from 'seedrandom';
import type { Citizen } from '../../services/residency/facts';
import type { Parcel } from '../../services/land/facts';
import type { CivilRecord } from '../../services/civil-status/facts';
import type { CriminalRecordRequest } from '../../services/justice-records/facts';
import type { HealthRecord } from '../../services/health/facts';
import { oldCommunesOf, oldProvinceOf, placeFact, placeIn, successorsOf, type AreaRef, type Place } from './reference';

export interface Fixture {
  citizens: Citizen[];
  parcels: Parcel[];
  civilRecords: CivilRecord[];
  requests: CriminalRecordRequest[];
  healthRecords: HealthRecord[];
}

/** The day the tests take as today (jest sets TODAY to it: test/helpers/today.ts). */
export const TEST_TODAY = '2026-11-29';
const REFORM = '2025-07-01';
const LAST_DAY = '2026-11-20';
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Communes of the fixture (three-tier codes): every commune of four districts (two of Hải
 * Dương, with communes the reform split and merged; one of Hải Phòng, which new province 31
 * joined with Hải Dương; one of Hà Nội) and a few more.
 */
export function fixtureCommunes(): string[] {
  return [...new Set([...['288', '290', '303', '001'].flatMap(oldCommunesOf), '10525', '26734', '00004', '00631'])];
}

/** Test-side copy of the century digit (digit 4 of a personal ID: century and sex). */
const centuryDigit = (year: number, sex: 'M' | 'F') => (Math.floor(year / 100) - 19) * 2 + (sex === 'F' ? 1 : 0);

export function makeFixture(seed = 'fixture', perCommune = 12): Fixture {
  const rng = seedrandom.alea(seed);
  const between = (from: string, to: string) => iso(Date.parse(from) + Math.floor(rng() * ((Date.parse(to) - Date.parse(from)) / DAY + 1)) * DAY);
  const maybe = (p: number, f: () => string) => (rng() < p ? f() : null);
  const communes = fixtureCommunes();
  /** A record dated on or after the reform names a two-tier commune: the (or a) successor of the old one. */
  const located = (oldCode: string, on: string) => (on >= REFORM ? { communeCode: pick(rng, successorsOf(oldCode)), communeStructure: 'TWO_TIER' as const } : { communeCode: oldCode, communeStructure: 'THREE_TIER' as const });
  const citizens: Citizen[] = [];
  const parcels: Parcel[] = [];
  const civilRecords: CivilRecord[] = [];
  const requests: CriminalRecordRequest[] = [];
  const healthRecords: HealthRecord[] = [];
  let serial = 100000;
  for (const communeCode of communes) {
    // Communes differ in size and progress so that districts differ.
    const n = perCommune + Math.floor(rng() * perCommune);
    const progress = rng();
    const province = oldProvinceOf(communeCode)!;
    const here: Citizen[] = [];
    for (let i = 0; i < n; i++) {
      const sex = rng() < 0.5 ? 'M' : 'F';
      // A few are born after the reform, registered at birth in a two-tier commune.
      const birthDate = rng() < 0.05 ? between('2025-07-02', '2026-10-31') : between('1950-01-01', '2010-12-31');
      const year = Number(birthDate.slice(0, 4));
      const personalId = `0${province}${centuryDigit(year, sex)}${birthDate.slice(2, 4)}${String(serial++).padStart(6, '0')}`;
      // A few registrations fall on period edges: the first and last days of months and years; never before birth.
      let registeredOn = [birthDate, rng() < 0.1 ? pick(rng, ['2023-12-31', '2024-01-01', '2024-06-30', '2024-02-29']) : between('1990-01-01', '2026-10-31')].sort()[1];
      // Some moved here from another commune of the fixture (earlier residence in its three-tier commune).
      const previousResidences: Citizen['previousResidences'] = [];
      if (rng() < 0.15 && registeredOn > '1995-01-01' && birthDate < '2020-01-01') {
        const from = pick(rng, communes.filter((c) => c !== communeCode));
        const movedIn = registeredOn;
        registeredOn = [birthDate, between('1990-01-01', '2018-12-31')].sort()[1];
        if (registeredOn < movedIn) {
          previousResidences.push({ communeCode: from, communeStructure: 'THREE_TIER', registeredOn });
          registeredOn = movedIn;
        }
      }
      const place = located(communeCode, registeredOn);
      const eid1 = maybe(0.3 + 0.5 * progress, () => between('2022-07-01', LAST_DAY));
      // Some reach level 2 after level 1, some the same day, some directly.
      const eid2 = maybe(0.6, () => (eid1 && rng() < 0.2 ? eid1 : between(eid1 ?? '2022-07-01', LAST_DAY)));
      const ended = rng() < 0.06 ? between(registeredOn > '2020-01-01' ? registeredOn : '2020-01-01', LAST_DAY) : null;
      const citizen: Citizen = {
        personalId,
        fullName: `Công dân ${serial}`,
        birthDate,
        sex,
        ...place,
        registeredOn,
        previousResidences,
        residenceEndedOn: ended !== null && ended > registeredOn ? ended : null,
        residenceEndReason: ended !== null && ended > registeredOn ? pick(rng, ['DIED', 'EMIGRATED', 'DEREGISTERED'] as const) : null,
        chipCardIssuedOn: maybe(0.5 + 0.45 * progress, () => between(birthDate > '2021-01-01' ? birthDate : '2021-01-01', LAST_DAY)),
        eidLevel1On: eid1 !== null && eid1 >= birthDate ? eid1 : null,
        eidLevel2On: eid2 !== null && eid2 >= birthDate ? eid2 : null,
      };
      if (citizen.eidLevel2On && citizen.eidLevel1On && citizen.eidLevel2On < citizen.eidLevel1On) citizen.eidLevel2On = citizen.eidLevel1On;
      citizens.push(citizen);
      here.push(citizen);
    }
    const m = Math.floor(n * 1.3);
    for (let i = 0; i < m; i++) {
      // Parcels have no date: most are still recorded with three-tier codes, some with today's.
      const place = rng() < 0.15 ? located(communeCode, REFORM) : located(communeCode, '2000-01-01');
      parcels.push({
        parcelId: `T-${communeCode}-${i}`,
        ...place,
        areaM2: Math.round(rng() * 5000) / 10 + 1,
        landUse: pick(rng, ['ONT', 'LUC', 'CLN']),
        ownerPersonalId: rng() < 0.7 ? here[Math.floor(rng() * here.length)].personalId : null,
        digitizedOn: maybe(progress, () => between('2019-01-01', LAST_DAY)),
      });
    }
    for (const [i, c] of here.entries()) {
      const kind = pick(rng, ['BIRTH', 'BIRTH', 'MARRIAGE', 'DEATH'] as const);
      const registeredOn = rng() < 0.1 ? pick(rng, ['2024-11-30', '2024-12-01', '2023-12-31', '2025-06-30', '2025-07-01']) : between('2000-01-01', LAST_DAY);
      // A marriage names both spouses, or one when the other is a foreigner without a personal ID.
      const personalIds = kind === 'MARRIAGE' ? (rng() < 0.25 ? [c.personalId] : [c.personalId, here[(i + 1) % here.length].personalId]) : [c.personalId];
      civilRecords.push({
        recordId: `HT-${c.personalId}`,
        kind,
        ...located(communeCode, registeredOn),
        registeredOn,
        digitizedOn: maybe(progress, () => between(registeredOn, LAST_DAY)),
        personalIds: [...new Set(personalIds)],
      });
      if (rng() < 0.5) {
        const submittedOn = between('2023-01-01', LAST_DAY);
        const status = pick(rng, ['ISSUED', 'ISSUED', 'ISSUED', 'SUBMITTED', 'REJECTED'] as const);
        const issued = status === 'ISSUED' ? iso(Date.parse(submittedOn) + Math.floor(rng() * 20) * DAY) : null;
        requests.push({
          requestId: `LLTP-${c.personalId}`,
          personalId: c.personalId,
          ...located(communeCode, submittedOn),
          channel: pick(rng, ['VNEID', 'PORTAL', 'COUNTER'] as const),
          submittedOn,
          issuedOn: issued !== null && issued > LAST_DAY ? LAST_DAY : issued,
          status,
        });
      }
      const createdOn = between('2023-01-01', '2026-06-30');
      healthRecords.push({ recordId: `SK-${c.personalId}`, personalId: c.personalId, ...located(communeCode, createdOn), createdOn, integratedOn: maybe(0.3 + 0.4 * progress, () => between(createdOn, LAST_DAY)) });
    }
  }
  return { citizens, parcels, civilRecords, requests, healthRecords };
}

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

/** Tests name areas by a code (three-tier, or `VN`) or by structure and code. */
export type AreaName = string | AreaRef;
const ref = (area: AreaName): AreaRef => (typeof area === 'string' ? { structure: 'THREE_TIER', code: area } : area);

const onOrBefore = (d: string | null, end: string) => d !== null && d <= end;
const within = (d: string | null, start: string, end: string) => d !== null && d >= start && d <= end;
/** The day someone born on `birthDate` turns 14 (29 February births on 1 March), written apart from production code. */
function fourteenth(birthDate: string): string {
  const year = Number(birthDate.slice(0, 4)) + 14;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return birthDate.slice(5) === '02-29' && !leap ? `${year}-03-01` : `${year}${birthDate.slice(4)}`;
}

interface CountedResidence {
  place: Place;
  from: string;
  to: string | null;
}

function residencesOf(c: Citizen): CountedResidence[] {
  const all = [...c.previousResidences, { communeCode: c.communeCode, communeStructure: c.communeStructure, registeredOn: c.registeredOn }];
  return all.map((r, i) => ({ place: placeFact(r.communeCode, r.communeStructure, c.personalId, 'people'), from: r.registeredOn, to: i + 1 < all.length ? all[i + 1].registeredOn : c.residenceEndedOn }));
}

/** Residency figures by counting the fixture's rows; `estimated` when a residence counted was placed by rule. */
export function countResidency(f: Fixture, area: AreaName, start: string, end: string) {
  const a = ref(area);
  const firstAccount = (c: Citizen) => [c.eidLevel1On, c.eidLevel2On].filter((d): d is string => !!d).sort()[0] ?? null;
  let population = 0, chip = 0, eid1 = 0, eid2 = 0, accounts = 0, eligible = 0;
  let registered = 0, ended = 0, issued = 0, activated = 0, reached2 = 0;
  let estimated = false;
  let delivered = false;
  for (const c of f.citizens) {
    const rs = residencesOf(c);
    // Where the citizen lives at `end`, and whether that is in the area.
    const atEnd = rs.find((r) => r.from <= end && (r.to === null || r.to > end));
    if (atEnd && placeIn(atEnd.place, a).inside) {
      population++;
      if (onOrBefore(c.chipCardIssuedOn, end)) chip++;
      if (onOrBefore(c.eidLevel2On, end)) eid2++;
      else if (onOrBefore(c.eidLevel1On, end)) eid1++;
      if (onOrBefore(firstAccount(c), end)) accounts++;
      if (fourteenth(c.birthDate) <= end) eligible++;
    }
    // Events counted in the residence that held on their day (the first before any, the last after all).
    const holder = (day: string) => rs.findIndex((r, i) => (day >= r.from || i === 0) && (r.to === null || day < r.to || i === rs.length - 1));
    const event = (day: string | null) => day !== null && within(day, start, end) && placeIn(rs[holder(day)].place, a).inside;
    rs.forEach((r) => {
      const where = placeIn(r.place, a);
      if (!where.inside) return;
      delivered = true;
      if (within(r.from, start, end)) registered++;
      if (within(r.to, start, end)) ended++;
      if (where.byRule && r.from <= end) estimated = true;
    });
    if (event(c.chipCardIssuedOn)) issued++;
    if (event(firstAccount(c))) activated++;
    if (event(c.eidLevel2On)) reached2++;
  }
  return {
    population, chipIdCards: chip, eidLevel1: eid1, eidLevel2: eid2, eidAccounts: accounts, eligiblePopulation: eligible,
    newRegistrations: registered, residencesEnded: ended, chipIdCardsIssued: issued, eidAccountsActivated: activated, eidLevel2Activated: reached2,
    estimated,
    delivered,
  };
}

/** Selects the facts placed in the area; `estimated` when one placed there by rule counts from a day up to `end`. */
function placed<T>(facts: T[], area: AreaName, placeOf: (fact: T) => Place, countsFrom: (fact: T) => string, end: string) {
  const a = ref(area);
  let estimated = false;
  const inside = facts.filter((fact) => {
    const where = placeIn(placeOf(fact), a);
    if (where.inside && where.byRule && countsFrom(fact) <= end) estimated = true;
    return where.inside;
  });
  return { inside, estimated, delivered: inside.length > 0 };
}

/** Land figures by counting the fixture's rows. */
export function countLand(f: Fixture, area: AreaName, start: string, end: string) {
  const { inside: ps, estimated, delivered } = placed(f.parcels, area, (p) => placeFact(p.communeCode, p.communeStructure, p.parcelId, 'land'), () => '1900-01-01', end);
  return {
    parcels: ps.length,
    digitizedParcels: ps.filter((p) => onOrBefore(p.digitizedOn, end)).length,
    parcelsDigitizedInPeriod: ps.filter((p) => within(p.digitizedOn, start, end)).length,
    estimated,
    delivered,
  };
}

/** Civil status figures by counting the fixture's rows. */
export function countCivilStatus(f: Fixture, area: AreaName, start: string, end: string) {
  const { inside: rs, estimated, delivered } = placed(f.civilRecords, area, (r) => placeFact(r.communeCode, r.communeStructure, r.personalIds[0] ?? r.recordId, 'people'), (r) => r.registeredOn, end);
  const registered = (kind: string) => rs.filter((r) => r.kind === kind && within(r.registeredOn, start, end)).length;
  return {
    births: registered('BIRTH'),
    marriages: registered('MARRIAGE'),
    deaths: registered('DEATH'),
    records: rs.filter((r) => onOrBefore(r.registeredOn, end)).length,
    digitizedRecords: rs.filter((r) => onOrBefore(r.digitizedOn, end)).length,
    recordsRegistered: rs.filter((r) => within(r.registeredOn, start, end)).length,
    recordsDigitized: rs.filter((r) => within(r.digitizedOn, start, end)).length,
    estimated,
    delivered,
  };
}

/** Criminal record certificate figures by counting the fixture's rows; the median sorted the plain way. */
export function countJustice(f: Fixture, area: AreaName, start: string, end: string) {
  const { inside: rs, estimated, delivered } = placed(f.requests, area, (r) => placeFact(r.communeCode, r.communeStructure, r.personalId, 'people'), (r) => r.submittedOn, end);
  const waits = rs
    .filter((r) => within(r.issuedOn, start, end))
    .map((r) => Math.round((Date.parse(r.issuedOn!) - Date.parse(r.submittedOn)) / DAY))
    .sort((a, b) => a - b);
  const median = waits.length === 0 ? null : (waits[Math.floor((waits.length - 1) / 2)] + waits[Math.floor(waits.length / 2)]) / 2;
  return {
    requests: rs.filter((r) => within(r.submittedOn, start, end)).length,
    requestsViaVneid: rs.filter((r) => r.channel === 'VNEID' && within(r.submittedOn, start, end)).length,
    issued: rs.filter((r) => within(r.issuedOn, start, end)).length,
    requestsToDate: rs.filter((r) => onOrBefore(r.submittedOn, end)).length,
    requestsViaVneidToDate: rs.filter((r) => r.channel === 'VNEID' && onOrBefore(r.submittedOn, end)).length,
    issuedToDate: rs.filter((r) => onOrBefore(r.issuedOn, end)).length,
    medianDaysToIssue: median,
    estimated,
    delivered,
  };
}

/** E-health figures by counting the fixture's rows. */
export function countHealth(f: Fixture, area: AreaName, start: string, end: string) {
  const { inside: rs, estimated, delivered } = placed(f.healthRecords, area, (r) => placeFact(r.communeCode, r.communeStructure, r.personalId, 'people'), (r) => r.createdOn, end);
  return {
    eHealthRecords: rs.filter((r) => onOrBefore(r.createdOn, end)).length,
    integratedIntoVneid: rs.filter((r) => onOrBefore(r.integratedOn, end)).length,
    eHealthRecordsCreated: rs.filter((r) => within(r.createdOn, start, end)).length,
    integratedInPeriod: rs.filter((r) => within(r.integratedOn, start, end)).length,
    estimated,
    delivered,
  };
}

const withoutFlag = <T extends { estimated: boolean; delivered: boolean }>({ estimated: _e, delivered: _d, ...figures }: T) => figures;

/**
 * A domain's figures object as the graph should give it: the counts, `estimated`, and how far they
 * stand, for data written on TEST_TODAY (the fixture's writes deliver it through today).
 */
export function asAnswered<T extends { estimated: boolean; delivered: boolean }>({ delivered, ...counted }: T, end: string) {
  return { ...counted, complete: delivered && end < TEST_TODAY, figuresAsOf: end < TEST_TODAY ? end : TEST_TODAY, deliveredThrough: delivered ? TEST_TODAY : null };
}

/** The counts alone, as a figures object without its status fields. */
export const countsOf = <T extends { estimated: boolean; delivered: boolean }>(counted: T) => withoutFlag(counted);

/** Every indicator of the catalogue, from counted figures. */
/** The domains the fixture fills; tests ask for the indicators computed from these alone (other domains' indicators are theirs to test). */
export const FIXTURE_DOMAINS: readonly string[] = ['residency', 'land', 'civil-status', 'justice-records', 'health'];

/** The ids of the catalogue's indicators whose figures all come from the fixture's domains: a new one there fails the comparisons with expectedIndicators until it is counted. */
export const fixtureIndicatorIds = (catalog: readonly { id: string; sourceDomains: readonly string[] }[]): string[] =>
  catalog.filter((d) => d.sourceDomains.every((s) => FIXTURE_DOMAINS.includes(s))).map((d) => d.id);

export function expectedIndicators(f: Fixture, area: AreaName, start: string, end: string) {
  const r = withoutFlag(countResidency(f, area, start, end));
  const l = withoutFlag(countLand(f, area, start, end));
  const c = withoutFlag(countCivilStatus(f, area, start, end));
  const j = withoutFlag(countJustice(f, area, start, end));
  const h = withoutFlag(countHealth(f, area, start, end));
  const ratio = (n: number, d: number) => (d === 0 ? null : n / d);
  return {
    chipIdCoverage: ratio(r.chipIdCards, r.population),
    chipIdCoverageOfEligible: ratio(r.chipIdCards, r.eligiblePopulation),
    eidLevel1Coverage: ratio(r.eidLevel1, r.population),
    eidLevel2Coverage: ratio(r.eidLevel2, r.population),
    parcelDigitizationRate: ratio(l.digitizedParcels, l.parcels),
    civilStatusDigitizationRate: ratio(c.digitizedRecords, c.records),
    criminalRecordVneidShare: ratio(j.requestsViaVneid, j.requests),
    eHealthIntegrationRate: ratio(h.integratedIntoVneid, r.population),
  };
}
