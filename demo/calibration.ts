/**
 * How the demo world is made to tell the published story (../shared/DOMAIN.md). Each target
 * below is a figure a report published; the curves are chosen so that the demo's own figures,
 * read through the gateway, come out at that value (test/e2e/calibration.test.ts checks them):
 *
 * - land: 461 of 705 districts had digitized parcels in November 2024; the clean-up campaign had
 *   reached 2,342 of 3,321 communes by 30 November 2025 (demo/land.ts);
 * - civil status: 15 provinces had finished digitizing their books by November 2024 (Hải Dương
 *   by April 2023);
 * - criminal record certificates on VNeID: 2 provinces by 2 October 2024, 47 by 13 November 2024;
 * - e-health books integrated into VNeID: 14.8 % of the population on 13 November 2024;
 * - Hải Dương, April 2023: 98.5 % of citizens aged 14 or more with a chip ID card, and 73.6 % of
 *   the population with an eID account of level 1 or 2;
 * - VNeID level 2: 65 million accounts in September 2025, about 64 % of the population.
 *
 * The national shares are weighted by each commune's expected population (demo/population.ts
 * `communeWeight`: Hải Dương, generated at realistic density, weighs a quarter of the country).
 * Everything else (which districts lead, by how much) is drawn from the seed.
 */
import seedrandom from 'seedrandom';
import { areaByCode, areasOfLevel, getArea } from '../lib/areas';
import { dayNumber, midpointFor, shareAt, type Curve } from './curves';
import { calibrateLand, LAND_PUBLISHED, type LandCalibration } from './land';
import { communeWeight, drawBirthDay, drawEnding, drawRegistrationDay, HORIZON } from './population';
import { between, gaussian } from './draws';

export const PUBLISHED = {
  ...LAND_PUBLISHED,
  provincesWithCivilStatusComplete: { count: 15, by: '2024-11-30' },
  provincesWithVneidCriminalRecords: [
    { count: 2, by: '2024-10-02' },
    { count: 47, by: '2024-11-13' },
  ],
  eHealthIntegration: { share: 0.148, by: '2024-11-13' },
  haiDuong: { province: '30', by: '2023-04-30', chipIdCoverageOfEligible: 0.985, eidAccountCoverage: 0.736, civilStatusCompleteBy: '2023-04-20' },
  eidLevel2: { share: 0.64, by: '2025-09-30' },
} as const;

export interface DistrictCalibration {
  pace: number;
  chip: Curve;
  eidAccount: Curve;
  eidLevel2: Curve;
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
  /** By old (three-tier) district code. */
  districts: Map<string, DistrictCalibration>;
  /** By old (three-tier) province code. */
  provinces: Map<string, ProvinceCalibration>;
  land: LandCalibration;
  /** The day the national e-health integration curve reaches share u, null if not by the horizon. */
  eHealthDayAtShare(u: number): number | null;
}

/** The code of a three-tier unit's parent, by its id. */
const codeOf = (id: string) => getArea(id)!.code;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Provinces whose pace is set rather than drawn: Hải Dương led the country in 2023. */
const PROVINCE_PACE: Record<string, number> = { '30': 0.97 };
/** The two provinces that piloted criminal record certificates on VNeID, and when. */
const VNEID_PILOTS: Record<string, string> = { '01': '2024-09-05', '46': '2024-09-20' };

let sample: { birth: Float64Array; registered: Float64Array; end: Float64Array } | undefined;
/** Lives drawn as the demo draws them (birth, registration, end of residence), for the age mix on a day. */
function populationSample() {
  if (sample) return sample;
  const rng = seedrandom.alea('eligible-share');
  const n = 200_000;
  sample = { birth: new Float64Array(n), registered: new Float64Array(n), end: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const birth = drawBirthDay(rng);
    const registered = drawRegistrationDay(rng, birth);
    sample.birth[i] = birth;
    sample.registered[i] = registered;
    sample.end[i] = drawEnding(rng, birth, registered)?.day ?? Infinity;
  }
  return sample;
}

/** Share of the registered population aged 14 or more on `day`, for the demo's age mix and deaths. */
export function eligibleShare(day: number): number {
  const s = populationSample();
  let present = 0;
  let eligible = 0;
  for (let i = 0; i < s.birth.length; i++) {
    if (s.registered[i] > day || s.end[i] <= day) continue;
    present++;
    if (s.birth[i] + Math.ceil(365.25 * 14) <= day) eligible++;
  }
  return eligible / present;
}

/** The x in [lo, hi] where the increasing f reaches target, by bisection. */
function solve(f: (x: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const cache = new Map<string, Calibration>();

export function calibrate(seed: string): Calibration {
  const hit = cache.get(seed);
  if (hit) return hit;
  const rng = seedrandom.alea(`${seed}:calibration`);
  const hd = PUBLISHED.haiDuong;
  const hdDay = dayNumber(hd.by);
  const oldProvinces = areasOfLevel('PROVINCE', 'THREE_TIER');
  const oldDistricts = areasOfLevel('DISTRICT', 'THREE_TIER');
  const oldCommunes = areasOfLevel('COMMUNE', 'THREE_TIER');

  // Paces: the province's, then each district's around it.
  const provinces = new Map<string, ProvinceCalibration>();
  const districts = new Map<string, DistrictCalibration>();
  const provincePace = new Map<string, number>();
  for (const p of oldProvinces) provincePace.set(p.code, PROVINCE_PACE[p.code] ?? clamp(0.5 + 0.22 * gaussian(rng), 0.05, 0.95));
  const districtPace = new Map<string, number>();
  for (const d of oldDistricts) districtPace.set(d.code, clamp(provincePace.get(codeOf(d.parentId!))! + 0.12 * gaussian(rng), 0, 1));

  const land = calibrateLand(rng, districtPace);

  // Each district's weight: the expected population of its communes.
  const weight = new Map<string, number>();
  for (const c of oldCommunes) {
    const district = getArea(c.parentId!)!;
    weight.set(district.code, (weight.get(district.code) ?? 0) + communeWeight(c, codeOf(district.parentId!)));
  }
  const totalWeight = [...weight.values()].reduce((a, b) => a + b, 0);
  const weightedMean = (f: (districtCode: string) => number) => [...weight].reduce((s, [d, w]) => s + w * f(d), 0) / totalWeight;

  // E-health: district multipliers around 1, and the national curve scaled so that the
  // population-weighted share on the checkpoint is the published one.
  const multiplier = new Map<string, number>();
  for (const d of oldDistricts) multiplier.set(d.code, 0.5 + districtPace.get(d.code)!);
  const eHealthFrom = dayNumber('2024-03-01');
  const eHealthBy = dayNumber(PUBLISHED.eHealthIntegration.by);
  const eHealthLevel = PUBLISHED.eHealthIntegration.share / weightedMean((d) => multiplier.get(d)!);
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
  const inHaiDuong = (district: string) => codeOf(areaByCode(district, 'THREE_TIER')!.parentId!) === hd.province;

  const accountCurve = (d: string, pace: number, lag: number): Curve =>
    inHaiDuong(d)
      ? { ...hdAccount, midpoint: midpointFor(hdAccountShare, hdDay, hdAccount.ceiling, hdAccount.width) }
      : { ceiling: 0.72 + 0.2 * pace, midpoint: dayNumber('2022-09-01') + lag, width: 90 + 60 * (1 - pace), start: dayNumber('2022-07-01') };
  // Level 2: every district's ceiling scaled by one factor, solved so that the share of the
  // population with level 2 on the checkpoint is the published one. A citizen reaches level 2
  // once both curves (account, level 2) have reached their draw, from age 14.
  const level2Curve = (pace: number, lag: number, scale: number): Curve => ({
    ceiling: Math.min(0.995, scale * (0.55 + 0.3 * pace)),
    midpoint: dayNumber('2023-03-01') + lag * 1.1,
    width: 110 + 70 * (1 - pace),
    start: dayNumber('2022-07-01'),
  });
  const lagOf = (d: string) => (1 - districtPace.get(d)!) * 540;
  const l2Day = dayNumber(PUBLISHED.eidLevel2.by);
  const l2Eligible = eligibleShare(l2Day);
  const l2Share = (scale: number) =>
    l2Eligible * weightedMean((d) => Math.min(shareAt(accountCurve(d, districtPace.get(d)!, lagOf(d)), l2Day), shareAt(level2Curve(districtPace.get(d)!, lagOf(d), scale), l2Day)));
  const l2Scale = solve(l2Share, PUBLISHED.eidLevel2.share, 0.5, 2);

  for (const d of oldDistricts) {
    const pace = districtPace.get(d.code)!;
    const lag = lagOf(d.code);
    districts.set(d.code, {
      pace,
      chip: inHaiDuong(d.code)
        ? { ...hdChip, midpoint: midpointFor(hd.chipIdCoverageOfEligible, hdDay, hdChip.ceiling, hdChip.width) }
        : { ceiling: 0.9 + 0.095 * pace, midpoint: dayNumber('2021-05-01') + lag * 0.6, width: 55 + 40 * (1 - pace), start: dayNumber('2021-01-15') },
      eidAccount: accountCurve(d.code, pace, lag),
      eidLevel2: level2Curve(pace, lag, l2Scale),
      eHealthMultiplier: multiplier.get(d.code)!,
    });
  }

  // Civil status: Hải Dương and the 14 next fastest provinces finish by the checkpoint.
  const order = oldProvinces
    .filter((p) => p.code !== hd.province)
    .map((p) => ({ code: p.code, key: provincePace.get(p.code)! + 0.2 * gaussian(rng) }))
    .sort((a, b) => b.key - a.key);
  const complete = new Map<string, number>([[hd.province, dayNumber(hd.civilStatusCompleteBy)]]);
  for (const { code } of order.slice(0, PUBLISHED.provincesWithCivilStatusComplete.count - 1)) complete.set(code, between(rng, '2022-06-01', '2024-11-15'));
  // VNeID criminal records: the two pilots, then the 45 next fastest by the second checkpoint, the rest after.
  const [first, second] = PUBLISHED.provincesWithVneidCriminalRecords;
  const vneidOrder = oldProvinces
    .filter((p) => !(p.code in VNEID_PILOTS))
    .map((p) => ({ code: p.code, key: provincePace.get(p.code)! + 0.3 * gaussian(rng) }))
    .sort((a, b) => b.key - a.key);
  const vneidFrom = new Map<string, number>(Object.entries(VNEID_PILOTS).map(([c, d]) => [c, dayNumber(d)]));
  vneidOrder.forEach(({ code }, rank) => {
    vneidFrom.set(code, rank < second.count - first.count ? between(rng, '2024-10-03', second.by) : between(rng, '2024-11-14', '2025-06-30'));
  });

  for (const p of oldProvinces) {
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

  const calibration = { districts, provinces, land, eHealthDayAtShare };
  cache.set(seed, calibration);
  return calibration;
}
