/**
 * How the demo world is made to tell the published story (../shared/DOMAIN.md). Each target
 * below is a figure a report published; the curves are chosen so that the demo's own figures,
 * read through the gateway, come out at that value (test/e2e/calibration.test.ts checks them):
 *
 * - land: 461 of 705 districts had digitized parcels in November 2024 → the same share of our
 *   696 districts start digitizing before the end of November 2024, the others later or never;
 * - civil status: 15 provinces had finished digitizing their books by November 2024 (Hải Dương
 *   by April 2023);
 * - criminal record certificates on VNeID: 2 provinces by 2 October 2024, 47 by 13 November 2024;
 * - e-health books integrated into VNeID: 14.8 % of the population on 13 November 2024;
 * - Hải Dương, April 2023: 98.5 % of citizens aged 14 or more with a chip ID card, and 73.6 % of
 *   the population with an eID account of level 1 or 2.
 *
 * Everything else (which districts lead, by how much) is drawn from the seed.
 */
import seedrandom from 'seedrandom';
import { areasOfLevel, getArea } from '../lib/areas';
import { dayNumber, midpointFor, type Curve } from './curves';
import { communeSizeFactor, drawBirthDay, drawRegistrationDay, HORIZON } from './population';

export const PUBLISHED = {
  districtsWithDigitizedParcels: { share: 461 / 705, by: '2024-11-30' },
  provincesWithCivilStatusComplete: { count: 15, by: '2024-11-30' },
  provincesWithVneidCriminalRecords: [
    { count: 2, by: '2024-10-02' },
    { count: 47, by: '2024-11-13' },
  ],
  eHealthIntegration: { share: 0.148, by: '2024-11-13' },
  haiDuong: { province: '30', by: '2023-04-30', chipIdCoverageOfEligible: 0.985, eidAccountCoverage: 0.736, civilStatusCompleteBy: '2023-04-20' },
} as const;

export interface DistrictCalibration {
  pace: number;
  chip: Curve;
  eidAccount: Curve;
  eidLevel2: Curve;
  /** Null for a district that digitizes no parcel before the horizon. */
  land: Curve | null;
  /** How far ahead of the national e-health curve the district is (1 = on it). */
  eHealthMultiplier: number;
}

export interface ProvinceCalibration {
  pace: number;
  /** The day the province finished digitizing its civil status books; null if not by the horizon. */
  civilStatusComplete: number | null;
  civilStatusBacklog: Curve;
  /** The day the province opened criminal record certificate requests on VNeID; null if not by the horizon. */
  vneidCriminalRecordsFrom: number | null;
}

export interface Calibration {
  districts: Map<string, DistrictCalibration>;
  provinces: Map<string, ProvinceCalibration>;
  /** The day the national e-health integration curve reaches share u, null if not by the horizon. */
  eHealthDayAtShare(u: number): number | null;
}

/** The code of a three-tier unit's parent, by its id. */
const codeOf = (id: string) => getArea(id)!.code;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
type Rng = () => number;
const gaussian = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const between = (rng: Rng, from: string, to: string) => dayNumber(from) + Math.floor(rng() * (dayNumber(to) - dayNumber(from) + 1));

/** Provinces whose pace is set rather than drawn: Hải Dương led the country in 2023. */
const PROVINCE_PACE: Record<string, number> = { '30': 0.97 };
/** The two provinces that piloted criminal record certificates on VNeID, and when. */
const VNEID_PILOTS: Record<string, string> = { '01': '2024-09-05', '46': '2024-09-20' };

/** Share of the registered population aged 14 or more on `day`, for the demo's age distribution. */
export function eligibleShare(day: number): number {
  const rng = seedrandom.alea('eligible-share');
  let registered = 0;
  let eligible = 0;
  for (let i = 0; i < 200_000; i++) {
    const birth = drawBirthDay(rng);
    if (drawRegistrationDay(rng, birth) > day) continue;
    registered++;
    if (birth + Math.ceil(365.25 * 14) <= day) eligible++;
  }
  return eligible / registered;
}

const cache = new Map<string, Calibration>();

export function calibrate(seed: string): Calibration {
  const hit = cache.get(seed);
  if (hit) return hit;
  const rng = seedrandom.alea(`${seed}:calibration`);
  const hd = PUBLISHED.haiDuong;
  const hdDay = dayNumber(hd.by);

  // Paces: the province's, then each district's around it.
  const provinces = new Map<string, ProvinceCalibration>();
  const districts = new Map<string, DistrictCalibration>();
  const provincePace = new Map<string, number>();
  for (const p of areasOfLevel('PROVINCE', 'THREE_TIER')) provincePace.set(p.code, PROVINCE_PACE[p.code] ?? clamp(0.5 + 0.22 * gaussian(rng), 0.05, 0.95));
  const districtPace = new Map<string, number>();
  for (const d of areasOfLevel('DISTRICT', 'THREE_TIER')) districtPace.set(d.code, clamp(provincePace.get(codeOf(d.parentId!))! + 0.12 * gaussian(rng), 0, 1));

  // Land: the leading share of districts (by pace, with noise) start before the checkpoint.
  const withCommunes = areasOfLevel('DISTRICT', 'THREE_TIER').filter((d) => d.childIds.length > 0);
  const landTarget = Math.round(areasOfLevel('DISTRICT', 'THREE_TIER').length * PUBLISHED.districtsWithDigitizedParcels.share);
  const landOrder = withCommunes.map((d) => ({ code: d.code, key: districtPace.get(d.code)! + 0.35 * gaussian(rng) })).sort((a, b) => b.key - a.key);
  const landStart = new Map<string, number | null>();
  landOrder.forEach(({ code }, rank) => {
    if (rank < landTarget) landStart.set(code, between(rng, '2019-01-01', PUBLISHED.districtsWithDigitizedParcels.by));
    else landStart.set(code, rng() < 0.5 ? between(rng, '2024-12-01', '2025-12-31') : null);
  });

  // E-health: district multipliers around 1, and the national curve scaled so that the
  // population-weighted share on the checkpoint is the published one.
  const multiplier = new Map<string, number>();
  let weight = 0;
  let weighted = 0;
  for (const d of areasOfLevel('DISTRICT', 'THREE_TIER')) multiplier.set(d.code, 0.5 + districtPace.get(d.code)!);
  for (const c of areasOfLevel('COMMUNE', 'THREE_TIER')) {
    const w = communeSizeFactor(c);
    weight += w;
    weighted += w * multiplier.get(codeOf(c.parentId!))!;
  }
  const eHealthFrom = dayNumber('2024-03-01');
  const eHealthBy = dayNumber(PUBLISHED.eHealthIntegration.by);
  const eHealthLevel = PUBLISHED.eHealthIntegration.share / (weighted / weight);
  const EXPONENT = 1.4;
  const eHealthDayAtShare = (u: number): number | null => {
    if (u <= 0) return eHealthFrom;
    const day = Math.round(eHealthFrom + (eHealthBy - eHealthFrom) * Math.pow(u / eHealthLevel, 1 / EXPONENT));
    return day > HORIZON ? null : day;
  };

  // Hải Dương's curves are solved for its April 2023 figures.
  const hdChip = { ceiling: 0.998, width: 60, start: dayNumber('2021-01-15') };
  const hdAccountShare = hd.eidAccountCoverage / eligibleShare(hdDay);
  const hdAccount = { ceiling: 0.995, width: 120, start: dayNumber('2022-07-01') };

  for (const d of areasOfLevel('DISTRICT', 'THREE_TIER')) {
    const pace = districtPace.get(d.code)!;
    const lag = (1 - pace) * 540;
    const inHaiDuong = codeOf(d.parentId!) === hd.province;
    const start = landStart.get(d.code) ?? null;
    districts.set(d.code, {
      pace,
      chip: inHaiDuong
        ? { ...hdChip, midpoint: midpointFor(hd.chipIdCoverageOfEligible, hdDay, hdChip.ceiling, hdChip.width) }
        : { ceiling: 0.9 + 0.095 * pace, midpoint: dayNumber('2021-05-01') + lag * 0.6, width: 55 + 40 * (1 - pace), start: dayNumber('2021-01-15') },
      eidAccount: inHaiDuong
        ? { ...hdAccount, midpoint: midpointFor(hdAccountShare, hdDay, hdAccount.ceiling, hdAccount.width) }
        : { ceiling: 0.72 + 0.2 * pace, midpoint: dayNumber('2022-09-01') + lag, width: 90 + 60 * (1 - pace), start: dayNumber('2022-07-01') },
      eidLevel2: { ceiling: 0.55 + 0.3 * pace, midpoint: dayNumber('2023-03-01') + lag * 1.1, width: 110 + 70 * (1 - pace), start: dayNumber('2022-07-01') },
      land: start === null ? null : { ceiling: 0.85 + 0.14 * pace, midpoint: start + 150 + 700 * (1 - pace), width: 60 + 90 * rng(), start },
      eHealthMultiplier: multiplier.get(d.code)!,
    });
  }

  // Civil status: Hải Dương and the 14 next fastest provinces finish by the checkpoint.
  const order = areasOfLevel('PROVINCE', 'THREE_TIER')
    .filter((p) => p.code !== hd.province)
    .map((p) => ({ code: p.code, key: provincePace.get(p.code)! + 0.2 * gaussian(rng) }))
    .sort((a, b) => b.key - a.key);
  const complete = new Map<string, number>([[hd.province, dayNumber(hd.civilStatusCompleteBy)]]);
  for (const { code } of order.slice(0, PUBLISHED.provincesWithCivilStatusComplete.count - 1)) complete.set(code, between(rng, '2022-06-01', '2024-11-15'));
  // VNeID criminal records: the two pilots, then the 45 next fastest by the second checkpoint, the rest after.
  const [first, second] = PUBLISHED.provincesWithVneidCriminalRecords;
  const vneidOrder = areasOfLevel('PROVINCE', 'THREE_TIER')
    .filter((p) => !(p.code in VNEID_PILOTS))
    .map((p) => ({ code: p.code, key: provincePace.get(p.code)! + 0.3 * gaussian(rng) }))
    .sort((a, b) => b.key - a.key);
  const vneidFrom = new Map<string, number>(Object.entries(VNEID_PILOTS).map(([c, d]) => [c, dayNumber(d)]));
  vneidOrder.forEach(({ code }, rank) => {
    vneidFrom.set(code, rank < second.count - first.count ? between(rng, '2024-10-03', second.by) : between(rng, '2024-11-14', '2025-06-30'));
  });

  for (const p of areasOfLevel('PROVINCE', 'THREE_TIER')) {
    const pace = provincePace.get(p.code)!;
    const done = complete.get(p.code) ?? null;
    provinces.set(p.code, {
      pace,
      civilStatusComplete: done,
      civilStatusBacklog: done === null
        ? { ceiling: 0.5 + 0.45 * pace, midpoint: dayNumber('2023-06-01') + (1 - pace) * 500, width: 120, start: dayNumber('2020-01-01') }
        : { ceiling: 0.999, midpoint: done - 240, width: 80, start: dayNumber('2020-01-01') },
      vneidCriminalRecordsFrom: vneidFrom.get(p.code) ?? null,
    });
  }

  const calibration = { districts, provinces, eHealthDayAtShare };
  cache.set(seed, calibration);
  return calibration;
}
