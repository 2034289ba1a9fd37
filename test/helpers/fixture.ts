/**
 * A small fixed-seed fixture of citizens and parcels, and the figures it implies computed the
 * plain way (filter and count the rows), independently of the summaries the services keep.
 */
import seedrandom from 'seedrandom';
import { childrenOf, getArea } from '../../lib/areas';
import { centuryDigit } from '../../lib/personal-id';
import type { Citizen } from '../../services/residency/facts';
import type { Parcel } from '../../services/land/facts';
import type { CivilRecord } from '../../services/civil-status/facts';
import type { CriminalRecordRequest } from '../../services/justice-records/facts';
import type { HealthRecord } from '../../services/health/facts';
import { birthday } from '../../services/residency/facts';

export interface Fixture {
  citizens: Citizen[];
  parcels: Parcel[];
  civilRecords: CivilRecord[];
  requests: CriminalRecordRequest[];
  healthRecords: HealthRecord[];
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Communes of the fixture: every commune of three districts (two of Hải Dương, one of Hà Nội) and a few more. */
export function fixtureCommunes(): string[] {
  const districts = ['288', '290', '001'];
  return [...new Set([...districts.flatMap((d) => childrenOf(d).map((c) => c.code)), '10525', '26734', '00004', '00631'])];
}

export function makeFixture(seed = 'fixture', perCommune = 12): Fixture {
  const rng = seedrandom.alea(seed);
  const between = (from: string, to: string) => iso(Date.parse(from) + Math.floor(rng() * ((Date.parse(to) - Date.parse(from)) / DAY + 1)) * DAY);
  const maybe = (p: number, f: () => string) => (rng() < p ? f() : null);
  const citizens: Citizen[] = [];
  const parcels: Parcel[] = [];
  const civilRecords: CivilRecord[] = [];
  const requests: CriminalRecordRequest[] = [];
  const healthRecords: HealthRecord[] = [];
  let serial = 100000;
  for (const communeCode of fixtureCommunes()) {
    // Communes differ in size and progress so that districts differ.
    const n = perCommune + Math.floor(rng() * perCommune);
    const progress = rng();
    for (let i = 0; i < n; i++) {
      const sex = rng() < 0.5 ? 'M' : 'F';
      const birthDate = between('1950-01-01', '2010-12-31');
      const year = Number(birthDate.slice(0, 4));
      const province = getArea(getArea(communeCode)!.parentCode!)!.parentCode!;
      const personalId = `0${province}${centuryDigit(year, sex)}${birthDate.slice(2, 4)}${String(serial++).padStart(6, '0')}`;
      const eid1 = maybe(0.3 + 0.5 * progress, () => between('2022-07-01', '2025-06-30'));
      // Some reach level 2 after level 1, some the same day, some directly.
      const eid2 = maybe(0.6, () => (eid1 && rng() < 0.2 ? eid1 : between(eid1 ?? '2022-07-01', '2025-12-31')));
      citizens.push({
        personalId,
        fullName: `Công dân ${serial}`,
        birthDate,
        sex,
        communeCode,
        // A few registrations fall on period edges: the first and last days of months and years.
        // Never before birth, as imports require.
        registeredOn: [birthDate, rng() < 0.1 ? pick(rng, ['2023-12-31', '2024-01-01', '2024-06-30', '2024-02-29']) : between('1990-01-01', '2025-06-30')].sort()[1],
        chipCardIssuedOn: maybe(0.5 + 0.45 * progress, () => between('2021-01-01', '2025-09-30')),
        eidLevel1On: eid1,
        eidLevel2On: eid2,
      });
    }
    const m = Math.floor(n * 1.3);
    for (let i = 0; i < m; i++) {
      parcels.push({
        parcelId: `T-${communeCode}-${i}`,
        communeCode,
        areaM2: Math.round(rng() * 5000) / 10,
        landUse: pick(rng, ['ONT', 'LUC', 'CLN']),
        ownerPersonalId: rng() < 0.7 ? citizens[citizens.length - 1 - Math.floor(rng() * n)].personalId : null,
        digitizedOn: maybe(progress, () => between('2019-01-01', '2025-12-31')),
      });
    }
    const here = citizens.slice(citizens.length - n);
    for (const [i, c] of here.entries()) {
      const kind = pick(rng, ['BIRTH', 'BIRTH', 'MARRIAGE', 'DEATH'] as const);
      const registeredOn = rng() < 0.1 ? pick(rng, ['2024-11-30', '2024-12-01', '2023-12-31']) : between('2000-01-01', '2025-12-31');
      civilRecords.push({
        recordId: `HT-${c.personalId}`,
        kind,
        communeCode,
        registeredOn,
        digitizedOn: maybe(progress, () => between(registeredOn, '2025-12-31')),
        personalIds: kind === 'MARRIAGE' ? [c.personalId, here[(i + 1) % here.length].personalId] : [c.personalId],
      });
      if (rng() < 0.5) {
        const submittedOn = between('2023-01-01', '2025-11-30');
        const status = pick(rng, ['ISSUED', 'ISSUED', 'ISSUED', 'SUBMITTED', 'REJECTED'] as const);
        requests.push({
          requestId: `LLTP-${c.personalId}`,
          personalId: c.personalId,
          communeCode,
          channel: pick(rng, ['VNEID', 'PORTAL', 'COUNTER'] as const),
          submittedOn,
          issuedOn: status === 'ISSUED' ? iso(Date.parse(submittedOn) + Math.floor(rng() * 20) * DAY) : null,
          status,
        });
      }
      const createdOn = between('2023-01-01', '2025-06-30');
      healthRecords.push({ recordId: `SK-${c.personalId}`, personalId: c.personalId, communeCode, createdOn, integratedOn: maybe(0.3 + 0.4 * progress, () => between(createdOn, '2025-12-31')) });
    }
  }
  return { citizens, parcels, civilRecords, requests, healthRecords };
}

function pick<T>(rng: () => number, items: T[]): T {
  return items[Math.floor(rng() * items.length)];
}

/** True when the commune lies in the area (the area itself, its district, province or the nation). */
export function communeIn(communeCode: string, areaCode: string): boolean {
  for (let a = getArea(communeCode); a; a = a.parentCode ? getArea(a.parentCode) : undefined) if (a.code === areaCode) return true;
  return false;
}

const onOrBefore = (d: string | null, end: string) => d !== null && d <= end;
const within = (d: string | null, start: string, end: string) => d !== null && d >= start && d <= end;

/** Residency figures by counting the fixture's rows. */
export function countResidency(f: Fixture, areaCode: string, start: string, end: string) {
  const cs = f.citizens.filter((c) => communeIn(c.communeCode, areaCode));
  const firstAccount = (c: Citizen) => [c.eidLevel1On, c.eidLevel2On].filter((d): d is string => !!d).sort()[0] ?? null;
  return {
    population: cs.filter((c) => onOrBefore(c.registeredOn, end)).length,
    chipIdCards: cs.filter((c) => onOrBefore(c.chipCardIssuedOn, end)).length,
    eidLevel1: cs.filter((c) => onOrBefore(c.eidLevel1On, end) && !onOrBefore(c.eidLevel2On, end)).length,
    eidLevel2: cs.filter((c) => onOrBefore(c.eidLevel2On, end)).length,
    eidAccounts: cs.filter((c) => onOrBefore(firstAccount(c), end)).length,
    eligiblePopulation: cs.filter((c) => onOrBefore(c.registeredOn, end) && birthday(c.birthDate, 14) <= end).length,
    newRegistrations: cs.filter((c) => within(c.registeredOn, start, end)).length,
    chipIdCardsIssued: cs.filter((c) => within(c.chipCardIssuedOn, start, end)).length,
    eidAccountsActivated: cs.filter((c) => within(firstAccount(c), start, end)).length,
    eidLevel2Activated: cs.filter((c) => within(c.eidLevel2On, start, end)).length,
  };
}

/** Land figures by counting the fixture's rows. */
export function countLand(f: Fixture, areaCode: string, start: string, end: string) {
  const ps = f.parcels.filter((p) => communeIn(p.communeCode, areaCode));
  return {
    parcels: ps.length,
    digitizedParcels: ps.filter((p) => onOrBefore(p.digitizedOn, end)).length,
    parcelsDigitizedInPeriod: ps.filter((p) => within(p.digitizedOn, start, end)).length,
  };
}

/** Civil status figures by counting the fixture's rows. */
export function countCivilStatus(f: Fixture, areaCode: string, start: string, end: string) {
  const rs = f.civilRecords.filter((r) => communeIn(r.communeCode, areaCode));
  const registered = (kind: string) => rs.filter((r) => r.kind === kind && within(r.registeredOn, start, end)).length;
  return {
    births: registered('BIRTH'),
    marriages: registered('MARRIAGE'),
    deaths: registered('DEATH'),
    records: rs.filter((r) => onOrBefore(r.registeredOn, end)).length,
    digitizedRecords: rs.filter((r) => onOrBefore(r.digitizedOn, end)).length,
    recordsRegistered: rs.filter((r) => within(r.registeredOn, start, end)).length,
    recordsDigitized: rs.filter((r) => within(r.digitizedOn, start, end)).length,
  };
}

/** Criminal record certificate figures by counting the fixture's rows; the median sorted the plain way. */
export function countJustice(f: Fixture, areaCode: string, start: string, end: string) {
  const rs = f.requests.filter((r) => communeIn(r.communeCode, areaCode));
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
  };
}

/** E-health figures by counting the fixture's rows. */
export function countHealth(f: Fixture, areaCode: string, start: string, end: string) {
  const rs = f.healthRecords.filter((r) => communeIn(r.communeCode, areaCode));
  return {
    eHealthRecords: rs.filter((r) => onOrBefore(r.createdOn, end)).length,
    integratedIntoVneid: rs.filter((r) => onOrBefore(r.integratedOn, end)).length,
    eHealthRecordsCreated: rs.filter((r) => within(r.createdOn, start, end)).length,
    integratedInPeriod: rs.filter((r) => within(r.integratedOn, start, end)).length,
  };
}

/** Every indicator of the catalogue, from counted figures. */
export function expectedIndicators(f: Fixture, areaCode: string, start: string, end: string) {
  const r = countResidency(f, areaCode, start, end);
  const l = countLand(f, areaCode, start, end);
  const c = countCivilStatus(f, areaCode, start, end);
  const j = countJustice(f, areaCode, start, end);
  const h = countHealth(f, areaCode, start, end);
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
