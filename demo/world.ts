/**
 * The deterministic demo world: citizens, parcels, civil status records, criminal record
 * certificate requests and e-health records for every commune, the same for a given (seed,
 * scale) in every process. Each domain's service seeds its own database from its part of this
 * world, so the domains agree (a parcel's owner, a birth record's child, an e-health record's
 * holder are citizens of residency) without one service ever reading another's tables.
 *
 * Progress differs by province and district and grows over time: each district has a "pace"
 * (its province's pace plus noise) that moves its adoption curves earlier and higher. A citizen
 * or record draws a uniform number and gets the date at which its district's logistic curve
 * reaches it (or none, beyond the curve's ceiling or the horizon).
 *
 * The world is calibrated (demo/calibration.ts) so that its figures have the shape of the
 * published ones (../shared/DOMAIN.md); test/e2e/calibration.test.ts checks each through the
 * gateway.
 *
 * It streams commune by commune, so memory stays flat at any scale. Citizens come from one
 * random stream (their IDs must be unique across the country); every other part draws from a
 * stream of its own per commune, so a service generates only the parts it needs.
 */
import seedrandom from 'seedrandom';
import { areasOfLevel, getArea, type Area } from '../lib/areas';
import { centuryDigit, type Sex } from '../lib/personal-id';
import type { Citizen } from '../services/residency/facts';
import type { Parcel } from '../services/land/facts';
import type { CivilRecord, CivilRecordKind } from '../services/civil-status/facts';
import type { CriminalRecordRequest, RequestChannel, RequestStatus } from '../services/justice-records/facts';
import type { HealthRecord } from '../services/health/facts';
import { calibrate, type Calibration } from './calibration';
import { dayAtShare, dayNumber, isoOf } from './curves';
import { communeSizeFactor, drawBirthDay, drawRegistrationDay, HORIZON } from './population';

export type { Curve } from './curves';

export interface DemoOptions {
  seed: string;
  /** 1 gives about 20 citizens and 25 parcels per commune (about 200,000 and 260,000); 0 gives nothing. */
  scale: number;
}

export { DEMO_HORIZON } from './population';

// The demo's rows are the domains' own fact types: each service writes them as they come.
export type DemoCitizen = Citizen;
export type DemoParcel = Parcel;
export type DemoCivilRecord = CivilRecord;
export type DemoCriminalRecordRequest = CriminalRecordRequest;
export type DemoHealthRecord = HealthRecord;
export type { CivilRecordKind } from '../services/civil-status/facts';
export type { RequestChannel, RequestStatus } from '../services/justice-records/facts';

export interface DemoCommune {
  commune: Area;
  citizens: DemoCitizen[];
  parcels: DemoParcel[];
  civilRecords: DemoCivilRecord[];
  criminalRecordRequests: DemoCriminalRecordRequest[];
  healthRecords: DemoHealthRecord[];
}

export type DemoPart = 'parcels' | 'civilRecords' | 'criminalRecordRequests' | 'healthRecords';

type Rng = () => number;
const gaussian = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const pick = <T>(rng: Rng, items: readonly T[]) => items[Math.floor(rng() * items.length)];

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE_M = ['Văn', 'Đức', 'Minh', 'Quang', 'Hữu', 'Thành', 'Công'];
const MIDDLE_F = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh', 'Hồng', 'Kim'];
const GIVEN_M = ['An', 'Bình', 'Cường', 'Dũng', 'Hải', 'Hùng', 'Khánh', 'Long', 'Nam', 'Phong', 'Quân', 'Sơn', 'Tuấn', 'Việt'];
const GIVEN_F = ['Anh', 'Chi', 'Dung', 'Giang', 'Hà', 'Hương', 'Lan', 'Linh', 'Mai', 'Ngọc', 'Phương', 'Thảo', 'Trang', 'Yến'];
const LAND_USES = ['ONT', 'ODT', 'LUC', 'CLN', 'BHK', 'RSX', 'NTS'] as const;

/** Citizens per commune at scale 1, before the commune's own size factor. */
const CITIZENS_PER_COMMUNE = 20;
const PARCELS_PER_CITIZEN = 1.25;

const fourteenth = (birth: number) => birth + Math.ceil(365.25 * 14);
const orNull = (day: number | null) => (day === null || day > HORIZON ? null : isoOf(day));

/** Streams the demo world commune by commune, in commune code order, with only the parts asked for (citizens always). */
export function* demoWorld(options: DemoOptions, parts: readonly DemoPart[] = ['parcels', 'civilRecords', 'criminalRecordRequests', 'healthRecords']): Generator<DemoCommune> {
  if (options.scale <= 0) return;
  const cal = calibrate(options.seed);
  const rng = seedrandom.alea(`${options.seed}:citizens:${options.scale}`);
  const provinces = areasOfLevel('PROVINCE', 'THREE_TIER').map((p) => p.code);
  const usedIds = new Set<string>();
  const firstOfDistrict = new Set<string>();
  const firstOfProvince = new Set<string>();
  for (const commune of areasOfLevel('COMMUNE', 'THREE_TIER')) {
    const district = getArea(commune.parentId!)!;
    const provinceCode = getArea(district.parentId!)!.code;
    const curves = cal.districts.get(district.code)!;
    const size = communeSizeFactor(commune) * Math.exp(0.35 * gaussian(rng));
    const count = Math.max(1, Math.round(CITIZENS_PER_COMMUNE * options.scale * size));
    const citizens: DemoCitizen[] = [];
    const births: number[] = [];
    for (let i = 0; i < count; i++) {
      const sex: Sex = rng() < 0.5 ? 'M' : 'F';
      const birth = drawBirthDay(rng);
      const birthDate = isoOf(birth);
      const year = Number(birthDate.slice(0, 4));
      // Most were registered at birth where they live; some were born in another province.
      const birthProvince = rng() < 0.85 ? provinceCode : pick(rng, provinces);
      let personalId: string;
      do {
        const serial = String(Math.floor(rng() * 1_000_000)).padStart(6, '0');
        personalId = `0${birthProvince}${centuryDigit(year, sex)}${birthDate.slice(2, 4)}${serial}`;
      } while (usedIds.has(personalId));
      usedIds.add(personalId);
      const registered = drawRegistrationDay(rng, birth);
      const adult = fourteenth(birth);
      // One draw for both eID curves, so that level 2 never comes before the account.
      const uChip = rng();
      const uEid = rng();
      const after = (day: number | null, floor: number) => (day === null ? null : Math.max(day, floor));
      const chip = after(dayAtShare(curves.chip, uChip, HORIZON), adult);
      const account = after(dayAtShare(curves.eidAccount, uEid, HORIZON), adult);
      const level2 = after(dayAtShare(curves.eidLevel2, uEid, HORIZON), adult);
      const eid2 = level2 !== null && account !== null && level2 <= HORIZON ? Math.max(level2, account) : null;
      const eid1 = account !== null && account <= HORIZON && (eid2 === null || account < eid2) ? account : null;
      const names = sex === 'M' ? [MIDDLE_M, GIVEN_M] : [MIDDLE_F, GIVEN_F];
      births.push(birth);
      citizens.push({
        personalId,
        fullName: `${pick(rng, FAMILY)} ${pick(rng, names[0])} ${pick(rng, names[1])}`,
        birthDate,
        sex,
        communeCode: commune.code,
        communeStructure: 'THREE_TIER',
        registeredOn: isoOf(registered),
        previousResidences: [],
        residenceEndedOn: null,
        residenceEndReason: null,
        chipCardIssuedOn: orNull(chip),
        eidLevel1On: orNull(eid1),
        eidLevel2On: orNull(eid2),
      });
    }
    const partRng = (part: string) => seedrandom.alea(`${options.seed}:${part}:${options.scale}:${commune.code}`);
    const firstInDistrict = !firstOfDistrict.has(district.code);
    firstOfDistrict.add(district.code);
    const firstInProvince = !firstOfProvince.has(provinceCode);
    firstOfProvince.add(provinceCode);
    yield {
      commune,
      citizens,
      parcels: parts.includes('parcels') ? makeParcels(partRng('parcels'), commune, citizens, cal, firstInDistrict) : [],
      civilRecords: parts.includes('civilRecords') ? makeCivilRecords(partRng('civil'), commune, citizens, births, cal, firstInProvince) : [],
      criminalRecordRequests: parts.includes('criminalRecordRequests') ? makeRequests(partRng('justice'), commune, citizens, births, cal, firstInProvince) : [],
      healthRecords: parts.includes('healthRecords') ? makeHealthRecords(partRng('health'), commune, citizens, cal) : [],
    };
  }
}

function makeParcels(rng: Rng, commune: Area, citizens: DemoCitizen[], cal: Calibration, firstInDistrict: boolean): DemoParcel[] {
  const land = cal.districts.get(getArea(commune.parentId!)!.code)!.land;
  const count = Math.max(1, Math.round(citizens.length * PARCELS_PER_CITIZEN * (0.7 + 0.6 * rng())));
  const parcels: DemoParcel[] = [];
  for (let i = 0; i < count; i++) {
    let digitized = land ? dayAtShare(land, rng(), HORIZON) : null;
    // A district that has started has digitized at least one parcel on its first day.
    if (land && firstInDistrict && i === 0) digitized = land.start;
    parcels.push({
      parcelId: `P${commune.code}-${String(i + 1).padStart(5, '0')}`,
      communeCode: commune.code,
      communeStructure: 'THREE_TIER',
      areaM2: Math.round(Math.exp(5.5 + 1.1 * gaussian(rng)) * 10) / 10,
      landUse: pick(rng, LAND_USES),
      ownerPersonalId: rng() < 0.8 ? pick(rng, citizens).personalId : null,
      digitizedOn: orNull(digitized),
    });
  }
  return parcels;
}

/**
 * Birth records of the citizens born since 1980, marriages between adults of the commune, and
 * deaths of residents who are no longer on the residency rolls. A province digitizes its old
 * paper books along a curve; once it has finished, new records are digital the day they are
 * registered.
 */
function makeCivilRecords(rng: Rng, commune: Area, citizens: DemoCitizen[], births: number[], cal: Calibration, firstInProvince: boolean): DemoCivilRecord[] {
  const province = cal.provinces.get(getArea(getArea(commune.parentId!)!.parentId!)!.code!)!;
  const records: DemoCivilRecord[] = [];
  const complete = province.civilStatusComplete;
  const digitizedOn = (registered: number): string | null => {
    const backlog = dayAtShare(province.civilStatusBacklog, rng(), HORIZON);
    if (complete === null) return orNull(backlog === null ? null : Math.max(backlog, registered));
    // Finished provinces: the old books were all digitized by the finishing day, new records are digital at once.
    return isoOf(registered >= complete ? registered : Math.max(registered, Math.min(backlog ?? complete, complete)));
  };
  let serial = 0;
  const add = (kind: CivilRecordKind, registered: number, personalIds: string[]) => {
    if (registered > HORIZON) return;
    records.push({ recordId: `HT${commune.code}-${String(++serial).padStart(5, '0')}`, kind, communeCode: commune.code, communeStructure: 'THREE_TIER', registeredOn: isoOf(registered), digitizedOn: digitizedOn(registered), personalIds });
  };
  citizens.forEach((c, i) => {
    if (births[i] >= dayNumber('1980-01-01')) add('BIRTH', births[i] + Math.floor(rng() * 30), [c.personalId]);
  });
  const adults = citizens.filter((_, i) => births[i] < HORIZON - 365 * 20);
  for (let i = 0; i + 1 < adults.length; i += 2) {
    if (rng() < 0.55) {
      const youngest = Math.max(Date.parse(adults[i].birthDate), Date.parse(adults[i + 1].birthDate)) / 86_400_000;
      add('MARRIAGE', Math.floor(youngest + 365 * (20 + rng() * 15)), [adults[i].personalId, adults[i + 1].personalId]);
    }
  }
  const deaths = Math.round(citizens.length * 0.12 * rng() + citizens.length * 0.04);
  for (let i = 0; i < deaths; i++) {
    const sex: Sex = rng() < 0.5 ? 'M' : 'F';
    const year = 1915 + Math.floor(rng() * 60);
    const id = `0${getArea(getArea(commune.parentId!)!.parentId!)!.code}${centuryDigit(year, sex)}${String(year).slice(2)}${String(Math.floor(rng() * 1_000_000)).padStart(6, '0')}`;
    add('DEATH', dayNumber('1995-01-01') + Math.floor(rng() * (HORIZON - dayNumber('1995-01-01'))), [id]);
  }
  // A province that has not finished keeps at least one paper-only record past the checkpoint.
  if (province.civilStatusComplete === null && firstInProvince && records.length > 0) {
    const oldest = records.reduce((a, b) => (a.registeredOn <= b.registeredOn ? a : b));
    oldest.digitizedOn = null;
  }
  return records;
}

/**
 * Criminal record certificate requests: a few percent of adults a year. Before its province
 * offers the certificate on VNeID, requests come through the portal or the counter; after, a
 * growing share comes through VNeID. A province's first VNeID request is on its opening day.
 */
function makeRequests(rng: Rng, commune: Area, citizens: DemoCitizen[], births: number[], cal: Calibration, firstInProvince: boolean): DemoCriminalRecordRequest[] {
  const province = cal.provinces.get(getArea(getArea(commune.parentId!)!.parentId!)!.code!)!;
  const requests: DemoCriminalRecordRequest[] = [];
  const from = dayNumber('2021-01-01');
  let serial = 0;
  const add = (c: DemoCitizen, submitted: number, channel: RequestChannel) => {
    const wait = Math.round(2 + Math.exp(1.6 + 0.45 * gaussian(rng)));
    const fate = rng();
    const issued = submitted + wait;
    const status: RequestStatus = issued > HORIZON ? 'SUBMITTED' : fate < 0.03 ? 'REJECTED' : 'ISSUED';
    requests.push({
      requestId: `LLTP${commune.code}-${String(++serial).padStart(5, '0')}`,
      personalId: c.personalId,
      communeCode: commune.code,
      communeStructure: 'THREE_TIER',
      channel,
      submittedOn: isoOf(submitted),
      issuedOn: status === 'ISSUED' ? isoOf(issued) : null,
      status,
    });
  };
  citizens.forEach((c, i) => {
    if (births[i] > HORIZON - 365 * 18 || rng() > 0.12) return;
    const submitted = Math.max(from, births[i] + 365 * 18) + Math.floor(rng() * (HORIZON - from));
    if (submitted > HORIZON) return;
    const onVneid = province.vneidCriminalRecordsFrom !== null && submitted >= province.vneidCriminalRecordsFrom && rng() < 0.3 + 0.4 * province.pace;
    add(c, submitted, onVneid ? 'VNEID' : rng() < 0.55 ? 'PORTAL' : 'COUNTER');
  });
  if (firstInProvince && province.vneidCriminalRecordsFrom !== null && citizens.length > 0) add(citizens[0], province.vneidCriminalRecordsFrom, 'VNEID');
  return requests;
}

/**
 * E-health books: every citizen has one, created when the book opened (or at birth for the
 * youngest); integration into VNeID follows a national curve scaled by the district's pace.
 */
function makeHealthRecords(rng: Rng, commune: Area, citizens: DemoCitizen[], cal: Calibration): DemoHealthRecord[] {
  const multiplier = cal.districts.get(getArea(commune.parentId!)!.code)!.eHealthMultiplier;
  return citizens.map((c) => {
    const registered = dayNumber(c.registeredOn);
    const created = Math.max(registered, dayNumber('2023-01-01') + Math.floor(rng() * 540));
    const drawn = cal.eHealthDayAtShare(rng() / multiplier);
    const integrated = drawn === null ? null : Math.max(drawn, registered);
    return {
      recordId: `SK${c.personalId}`,
      personalId: c.personalId,
      communeCode: c.communeCode,
      communeStructure: c.communeStructure,
      // A book is created no later than it is integrated.
      createdOn: isoOf(integrated === null ? created : Math.min(created, integrated)),
      integratedOn: orNull(integrated),
    };
  });
}
