/**
 * The deterministic demo world: citizens and parcels for every commune, the same for a given
 * (seed, scale) in every process. Each domain's service seeds its own database from its part of
 * this world, so the domains agree (a parcel's owner is a citizen of residency) without one
 * service ever reading another's tables.
 *
 * Progress differs by province and district and grows over time: each district has a "pace"
 * (its province's pace plus noise) that moves its adoption curves earlier and higher. Chip ID
 * cards, eID accounts and parcel digitization each follow a logistic adoption curve per
 * district; a citizen or parcel draws one uniform number and gets the date at which the
 * district's curve reaches it (or none, beyond the curve's ceiling or the horizon).
 *
 * The world streams commune by commune, so memory stays flat at any scale.
 */
import seedrandom from 'seedrandom';
import { areasOfLevel, childrenOf, getArea, NATION_CODE, type Area } from '../lib/admin-units';
import { centuryDigit, type Sex } from '../lib/personal-id';

export interface DemoOptions {
  seed: string;
  /** 1 gives about 20 citizens and 25 parcels per commune (about 200,000 and 250,000); 0 gives nothing. */
  scale: number;
}

/** No demo event happens after this day, whenever the demo is generated. */
export const DEMO_HORIZON = '2025-12-31';

export interface DemoCitizen {
  personalId: string;
  fullName: string;
  birthDate: string;
  sex: Sex;
  communeCode: string;
  registeredOn: string;
  chipCardIssuedOn: string | null;
  eidLevel1On: string | null;
  eidLevel2On: string | null;
}

export interface DemoParcel {
  parcelId: string;
  communeCode: string;
  areaM2: number;
  landUse: string;
  ownerPersonalId: string | null;
  digitizedOn: string | null;
}

export interface DemoCommune {
  commune: Area;
  citizens: DemoCitizen[];
  parcels: DemoParcel[];
}

/** How far along a district is, 0 (behind) to 1 (far ahead), with the dates its curves imply. */
export interface DistrictProgress {
  pace: number;
  chip: Curve;
  eidAccount: Curve;
  eidLevel2: Curve;
  /** Null for a district that has not started digitizing parcels by the horizon. */
  land: Curve | null;
}

/** A logistic adoption curve: share(t) = ceiling / (1 + exp(-(t - midpoint) / width)), t in days. */
export interface Curve {
  ceiling: number;
  midpoint: number;
  width: number;
  /** No adoption before this day number. */
  start: number;
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const HORIZON = dayNumber(DEMO_HORIZON);
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** The day the curve reaches share u, or null if it never does (u above the ceiling) or only after the horizon. */
export function dayAtShare(curve: Curve, u: number): number | null {
  if (u >= curve.ceiling) return null;
  const day = Math.max(curve.start, Math.round(curve.midpoint + curve.width * Math.log(u / (curve.ceiling - u))));
  return day > HORIZON ? null : day;
}

type Rng = () => number;
const gaussian = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const pick = <T>(rng: Rng, items: readonly T[]) => items[Math.floor(rng() * items.length)];

/**
 * Provinces whose pace is set rather than drawn, so that the demo tells the published story:
 * Hải Dương (30) was among the leaders in 2023.
 */
const PROVINCE_PACE: Record<string, number> = { '30': 0.97 };

/** The pace and curves of every district, drawn from the seed alone (not the scale). */
export function districtProgress(seed: string): Map<string, DistrictProgress> {
  const rng = seedrandom.alea(`${seed}:progress`);
  const out = new Map<string, DistrictProgress>();
  for (const province of childrenOf(NATION_CODE)) {
    const provincePace = PROVINCE_PACE[province.code] ?? clamp(0.5 + 0.22 * gaussian(rng), 0.05, 0.95);
    for (const district of childrenOf(province.code)) {
      const pace = clamp(provincePace + 0.12 * gaussian(rng), 0, 1);
      const lag = (1 - pace) * 540;
      out.set(district.code, {
        pace,
        chip: { ceiling: 0.9 + 0.095 * pace, midpoint: dayNumber('2021-05-01') + lag * 0.6, width: 55 + 40 * (1 - pace), start: dayNumber('2021-01-15') },
        eidAccount: { ceiling: 0.72 + 0.2 * pace, midpoint: dayNumber('2022-09-01') + lag, width: 90 + 60 * (1 - pace), start: dayNumber('2022-07-01') },
        eidLevel2: { ceiling: 0.55 + 0.3 * pace, midpoint: dayNumber('2023-03-01') + lag * 1.1, width: 110 + 70 * (1 - pace), start: dayNumber('2022-07-01') },
        // The slowest third of districts have not started by the horizon; the others start
        // between 2019 and 2025, earlier the faster they are.
        land: rng() < 0.2 + 0.5 * pace
          ? { ceiling: 0.85 + 0.14 * pace, midpoint: dayNumber('2025-06-01') - pace * 1800 + 200 * gaussian(rng), width: 80 + 120 * rng(), start: dayNumber('2019-01-01') }
          : null,
      });
    }
  }
  return out;
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE_M = ['Văn', 'Đức', 'Minh', 'Quang', 'Hữu', 'Thành', 'Công'];
const MIDDLE_F = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh', 'Hồng', 'Kim'];
const GIVEN_M = ['An', 'Bình', 'Cường', 'Dũng', 'Hải', 'Hùng', 'Khánh', 'Long', 'Nam', 'Phong', 'Quân', 'Sơn', 'Tuấn', 'Việt'];
const GIVEN_F = ['Anh', 'Chi', 'Dung', 'Giang', 'Hà', 'Hương', 'Lan', 'Linh', 'Mai', 'Ngọc', 'Phương', 'Thảo', 'Trang', 'Yến'];
const LAND_USES = ['ONT', 'ODT', 'LUC', 'CLN', 'BHK', 'RSX', 'NTS'] as const;

/** Citizens per commune at scale 1, before the commune's own size factor. */
const CITIZENS_PER_COMMUNE = 20;
const PARCELS_PER_CITIZEN = 1.25;

/** Streams the demo world commune by commune, in commune code order. */
export function* demoWorld(options: DemoOptions): Generator<DemoCommune> {
  if (options.scale <= 0) return;
  const progress = districtProgress(options.seed);
  const rng = seedrandom.alea(`${options.seed}:world:${options.scale}`);
  const provinces = [...childrenOf(NATION_CODE)].map((p) => p.code);
  const usedIds = new Set<string>();
  let parcelSerial = 0;
  for (const commune of areasOfLevel('COMMUNE')) {
    const district = getArea(commune.parentCode!)!;
    const curves = progress.get(district.code)!;
    // Wards are denser than rural communes; each commune gets its own size as well.
    const size = (commune.kind === 'Phường' ? 1.6 : 0.85) * Math.exp(0.35 * gaussian(rng));
    const count = Math.max(1, Math.round(CITIZENS_PER_COMMUNE * options.scale * size));
    const citizens: DemoCitizen[] = [];
    for (let i = 0; i < count; i++) {
      const sex: Sex = rng() < 0.5 ? 'M' : 'F';
      // Ages from 0 to 90, fewer of the old.
      const birth = HORIZON - Math.floor(365.25 * 90 * Math.pow(rng(), 1.25)) - Math.floor(rng() * 365);
      const birthDate = isoOf(birth);
      const year = Number(birthDate.slice(0, 4));
      // Most were registered at birth where they live; some were born in another province.
      const birthProvince = rng() < 0.85 ? district.parentCode! : pick(rng, provinces);
      let personalId: string;
      do {
        const serial = String(Math.floor(rng() * 1_000_000)).padStart(6, '0');
        personalId = `0${birthProvince}${centuryDigit(year, sex)}${birthDate.slice(2, 4)}${serial}`;
      } while (usedIds.has(personalId));
      usedIds.add(personalId);
      const registered = birth >= dayNumber('1990-01-01') ? birth + Math.floor(rng() * 60) : dayNumber('1990-01-01') + Math.floor(rng() * 365 * 25);
      const adult = birth + Math.ceil(365.25 * 14);
      // One draw per citizen for all eID curves, so that level 2 never comes before the account.
      const uChip = rng();
      const uEid = rng();
      const after = (day: number | null, floor: number) => (day === null ? null : Math.max(day, floor));
      const chip = after(dayAtShare(curves.chip, uChip), adult);
      const account = after(dayAtShare(curves.eidAccount, uEid), adult);
      const level2 = after(dayAtShare(curves.eidLevel2, uEid), adult);
      const eid2 = level2 !== null && account !== null && level2 <= HORIZON ? Math.max(level2, account) : null;
      const eid1 = account !== null && account <= HORIZON && (eid2 === null || account < eid2) ? account : null;
      const sexNames = sex === 'M' ? [MIDDLE_M, GIVEN_M] : [MIDDLE_F, GIVEN_F];
      citizens.push({
        personalId,
        fullName: `${pick(rng, FAMILY)} ${pick(rng, sexNames[0])} ${pick(rng, sexNames[1])}`,
        birthDate,
        sex,
        communeCode: commune.code,
        registeredOn: isoOf(Math.min(registered, HORIZON)),
        chipCardIssuedOn: chip !== null && chip <= HORIZON ? isoOf(chip) : null,
        eidLevel1On: eid1 === null ? null : isoOf(eid1),
        eidLevel2On: eid2 === null ? null : isoOf(eid2),
      });
    }
    const parcels: DemoParcel[] = [];
    const parcelCount = Math.max(1, Math.round(count * PARCELS_PER_CITIZEN * (0.7 + 0.6 * rng())));
    for (let i = 0; i < parcelCount; i++) {
      const digitized = curves.land ? dayAtShare(curves.land, rng()) : null;
      const owner = rng() < 0.8 ? pick(rng, citizens).personalId : null;
      parcels.push({
        parcelId: `P${commune.code}-${String(++parcelSerial).padStart(7, '0')}`,
        communeCode: commune.code,
        areaM2: Math.round(Math.exp(5.5 + 1.1 * gaussian(rng)) * 10) / 10,
        landUse: pick(rng, LAND_USES),
        ownerPersonalId: owner,
        digitizedOn: digitized === null ? null : isoOf(digitized),
      });
    }
    yield { commune, citizens, parcels };
  }
}
