/**
 * The records other domains hold about the demo's citizens: civil status records, criminal
 * record certificate requests and e-health books. Each is located where the citizen lived on its
 * day (demo/citizens.ts `residenceOn`) and delivered with that commune's code of the structure
 * in force then (demo/places.ts); progress follows the calibration of the province or district
 * that served it.
 */
import type { Area } from '../lib/areas';
import { centuryDigit, type Sex } from '../lib/personal-id';
import type { CivilRecord, CivilRecordKind } from '../services/civil-status/facts';
import type { CriminalRecordRequest, RequestChannel, RequestStatus } from '../services/justice-records/facts';
import type { HealthRecord } from '../services/health/facts';
import type { Calibration, ProvinceCalibration } from './calibration';
import { lastResidence, residenceOn, type DemoLife } from './citizens';
import { dayAtShare, dayNumber, isoOf } from './curves';
import { deliveredAs, oldDistrictCode, oldProvinceCode } from './places';
import { HORIZON } from './population';
import { gaussian, type Rng } from './draws';

const orNull = (day: number | null) => (day === null || day > HORIZON ? null : isoOf(day));
const yearsOld = (life: DemoLife, day: number) => (day - life.birth) / 365.25;

// Days the records are drawn from (day numbers, computed once: the loops below run per citizen).
const BIRTH_RECORDS_FROM = dayNumber('1980-01-01');
const OLD_DEATH_RECORDS_FROM = dayNumber('1995-01-01');
const REQUESTS_FROM = dayNumber('2021-01-01');
const E_HEALTH_BOOKS_FROM = dayNumber('2023-01-01');

/** Share of marriages with a foreign spouse, who has no Vietnamese personal ID: the record names one person. */
const FOREIGN_SPOUSE_SHARE = 0.04;
/**
 * The first year a demo citizen can be born in (ages up to 91 at the horizon): the deceased the old
 * death records name were born before it, so that none of them is a citizen on the rolls.
 */
const OLDEST_LIVING_YEAR = 1935;

/**
 * Birth records of the citizens born since 1980 (registered where they first lived), marriages
 * between adults of the commune (a few with a foreign spouse), a death record for each citizen
 * who died (registered where they last lived), and older death records of residents who died
 * before the population database. A province digitizes its old paper books along a curve; once
 * it has finished, new records are digital the day they are registered.
 */
export function makeCivilRecords(rng: Rng, commune: Area, lives: DemoLife[], cal: Calibration, firstInProvince: boolean): CivilRecord[] {
  const records: CivilRecord[] = [];
  const digitizedOn = (province: ProvinceCalibration, registered: number): string | null => {
    const complete = province.civilStatusComplete;
    const backlog = dayAtShare(province.civilStatusBacklog, rng(), HORIZON);
    if (complete === null) return orNull(backlog === null ? null : Math.max(backlog, registered));
    // Finished provinces: the old books were all digitized by the finishing day, new records are digital at once.
    return isoOf(registered >= complete ? registered : Math.max(registered, Math.min(backlog ?? complete, complete)));
  };
  let serial = 0;
  const add = (kind: CivilRecordKind, where: Area, registered: number, personalIds: string[]) => {
    if (registered > HORIZON) return;
    records.push({
      recordId: `HT${commune.code}-${String(++serial).padStart(5, '0')}`,
      kind,
      // Placed by the first person it names (services/civil-status/facts.ts).
      ...deliveredAs(where, registered, personalIds[0]),
      registeredOn: isoOf(registered),
      digitizedOn: digitizedOn(cal.provinces.get(oldProvinceCode(where))!, registered),
      personalIds,
    });
  };
  for (const life of lives) {
    if (life.birth >= BIRTH_RECORDS_FROM) add('BIRTH', life.residences[0].commune, life.birth + Math.floor(rng() * 30), [life.citizen.personalId]);
  }
  const adults = lives.filter((l) => l.birth < HORIZON - 365 * 20);
  for (let i = 0; i < adults.length; ) {
    const foreignSpouse = rng() < FOREIGN_SPOUSE_SHARE;
    if (!foreignSpouse && i + 1 >= adults.length) break;
    const spouses = foreignSpouse ? [adults[i]] : [adults[i], adults[i + 1]];
    i += spouses.length;
    if (rng() >= 0.55) continue;
    const youngest = Math.max(...spouses.map((s) => s.birth));
    const day = Math.floor(youngest + 365 * (20 + rng() * 15));
    // Registered where the first spouse lived that day; not after either's residence ended.
    const where = residenceOn(spouses[0], day);
    if (where && spouses.every((s) => residenceOn(s, day))) add('MARRIAGE', where, day, spouses.map((s) => s.citizen.personalId));
  }
  for (const life of lives) {
    if (life.ending?.reason === 'DIED') add('DEATH', lastResidence(life), Math.min(HORIZON, life.ending.day + Math.floor(rng() * 10)), [life.citizen.personalId]);
  }
  const oldDeaths = Math.round(lives.length * 0.06 * rng() + lives.length * 0.02);
  for (let i = 0; i < oldDeaths; i++) {
    const registered = OLD_DEATH_RECORDS_FROM + Math.floor(rng() * (HORIZON - OLD_DEATH_RECORDS_FROM));
    // Born before any living citizen (so never one of them), and at most 100 at death.
    const deathYear = Number(isoOf(registered).slice(0, 4));
    const earliest = Math.max(1900, deathYear - 100);
    const year = earliest + Math.floor(rng() * (OLDEST_LIVING_YEAR - earliest));
    const sex: Sex = rng() < 0.5 ? 'M' : 'F';
    const id = `0${oldProvinceCode(commune)}${centuryDigit(year, sex)}${String(year).slice(2)}${String(Math.floor(rng() * 1_000_000)).padStart(6, '0')}`;
    add('DEATH', commune, registered, [id]);
  }
  // A province that has not finished keeps at least one paper-only record of its own past the checkpoint.
  const province = cal.provinces.get(oldProvinceCode(commune))!;
  const own = records.filter((r) => r.communeCode === commune.code && r.communeStructure === 'THREE_TIER');
  if (province.civilStatusComplete === null && firstInProvince && own.length > 0) {
    own.reduce((a, b) => (a.registeredOn <= b.registeredOn ? a : b)).digitizedOn = null;
  }
  return records;
}

/**
 * Criminal record certificate requests: a few percent of adults a year, filed where they lived.
 * Before that province offers the certificate on VNeID, requests come through the portal or the
 * counter; after, a growing share comes through VNeID. A province's first VNeID request is on its
 * opening day (`openingDay`: the first commune of the province with an adult resident that day
 * files it).
 */
export function makeRequests(rng: Rng, commune: Area, lives: DemoLife[], cal: Calibration, openingDay: number | null): { requests: CriminalRecordRequest[]; opened: boolean } {
  const requests: CriminalRecordRequest[] = [];
  let serial = 0;
  const add = (life: DemoLife, where: Area, submitted: number, channel: RequestChannel) => {
    const wait = Math.round(2 + Math.exp(1.6 + 0.45 * gaussian(rng)));
    const fate = rng();
    const issued = submitted + wait;
    const status: RequestStatus = issued > HORIZON ? 'SUBMITTED' : fate < 0.03 ? 'REJECTED' : 'ISSUED';
    requests.push({
      requestId: `LLTP${commune.code}-${String(++serial).padStart(5, '0')}`,
      personalId: life.citizen.personalId,
      ...deliveredAs(where, submitted, life.citizen.personalId),
      channel,
      submittedOn: isoOf(submitted),
      issuedOn: status === 'ISSUED' ? isoOf(issued) : null,
      status,
    });
  };
  for (const life of lives) {
    if (life.birth > HORIZON - 365 * 18 || rng() > 0.12) continue;
    const submitted = Math.max(REQUESTS_FROM, life.birth + 365 * 18) + Math.floor(rng() * (HORIZON - REQUESTS_FROM));
    const where = submitted > HORIZON ? null : residenceOn(life, submitted);
    if (!where) continue;
    const province = cal.provinces.get(oldProvinceCode(where))!;
    const onVneid = province.vneidCriminalRecordsFrom !== null && submitted >= province.vneidCriminalRecordsFrom && rng() < 0.3 + 0.4 * province.pace;
    add(life, where, submitted, onVneid ? 'VNEID' : rng() < 0.55 ? 'PORTAL' : 'COUNTER');
  }
  if (openingDay === null) return { requests, opened: false };
  const opener = lives.find((l) => residenceOn(l, openingDay) === commune && yearsOld(l, openingDay) >= 18);
  if (opener) add(opener, commune, openingDay, 'VNEID');
  return { requests, opened: opener !== undefined };
}

/**
 * E-health books: every citizen has one, opened when the book opened where they then lived (or at
 * registration for the youngest); integration into VNeID follows a national curve scaled by the
 * pace of the citizen's district. No book is opened or integrated after the residence ended.
 */
export function makeHealthRecords(rng: Rng, lives: DemoLife[], cal: Calibration): HealthRecord[] {
  const out: HealthRecord[] = [];
  for (const life of lives) {
    const c = life.citizen;
    const registered = life.residences[0].from;
    const created = Math.max(registered, E_HEALTH_BOOKS_FROM + Math.floor(rng() * 540));
    const multiplier = cal.districts.get(oldDistrictCode(lastResidence(life)))!.eHealthMultiplier;
    const drawn = cal.eHealthDayAtShare(rng() / multiplier);
    let integrated = drawn === null ? null : Math.max(drawn, registered);
    if (integrated !== null && life.end !== null && integrated >= life.end) integrated = null;
    // A book is created no later than it is integrated.
    const opened = integrated === null ? created : Math.min(created, integrated);
    const where = opened > HORIZON ? null : residenceOn(life, opened);
    if (!where) continue;
    out.push({
      recordId: `SK${c.personalId}`,
      personalId: c.personalId,
      ...deliveredAs(where, opened, c.personalId),
      createdOn: isoOf(opened),
      integratedOn: orNull(integrated),
    });
  }
  return out;
}
