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
 * The world runs to a fixed day, DEMO_HORIZON (29 November 2026), across the reform of 1 July
 * 2025: records dated before it carry three-tier commune codes, those dated since carry the
 * two-tier code of the same place (demo/places.ts). Citizens move, die and emigrate, so a
 * commune's population rises and falls (demo/citizens.ts); one province, Hải Dương, is generated
 * at realistic density (demo/population.ts).
 *
 * It streams commune by commune (the old communes, in code order), so memory stays flat at any
 * scale: a citizen is generated in the commune they live in last, with any earlier commune in
 * their residence history. Citizens come from one random stream (their IDs must be unique across
 * the country); every other part draws from a stream of its own per commune, so a service
 * generates only the parts it needs.
 */
import seedrandom from 'seedrandom';
import { areasOfLevel, getArea, type Area } from '../lib/areas';
import type { Citizen } from '../services/residency/facts';
import type { Parcel } from '../services/land/facts';
import type { CivilRecord } from '../services/civil-status/facts';
import type { CriminalRecordRequest } from '../services/justice-records/facts';
import type { HealthRecord } from '../services/health/facts';
import { calibrate } from './calibration';
import { BigMap } from '../lib/big-map';
import { makeCitizens, type DemoLife } from './citizens';
import { makeParcels, type LandCalibration } from './land';
import { oldProvinceCode } from './places';
import { CITIZENS_PER_COMMUNE, communeWeight, DENSE_PROVINCE, MOVED_WITHIN_PROVINCE } from './population';
import { makeCivilRecords, makeHealthRecords, makeRequests } from './records';
import { gaussian, pick, type Rng } from './draws';

export type { Curve } from './curves';

import type { DemoOptions } from '../lib/domain';
export type { DemoOptions };

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
  /** The old (three-tier) commune the generator worked in; records may carry its two-tier code, or another commune's. */
  commune: Area;
  /** The citizens who live (or last lived) here. */
  citizens: DemoCitizen[];
  parcels: DemoParcel[];
  civilRecords: DemoCivilRecord[];
  criminalRecordRequests: DemoCriminalRecordRequest[];
  healthRecords: DemoHealthRecord[];
  /**
   * A random stream of this commune's own for one part of the world, the same for a seed and
   * scale: a domain whose demo part is made in its own folder draws from `rng('<its name>')`
   * (demo/seed.ts `demoPart`), so that it needs no edit here and changes no other domain's data.
   */
  rng(part: string): Rng;
}

export type DemoPart = 'parcels' | 'civilRecords' | 'criminalRecordRequests' | 'healthRecords';

/**
 * Parcels per citizen. The dense province has the real ratio (about 61 million parcels for 100
 * million people); the sparse communes more, so that each has enough parcels for its district's
 * curve to show.
 */
const parcelsPerCitizen = (provinceCode: string) => (provinceCode === DENSE_PROVINCE.code ? 0.6 : 1.25);

/** Streams the demo world commune by commune, in old commune code order, with only the parts asked for (citizens always). */
export function* demoWorld(options: DemoOptions, parts: readonly DemoPart[] = ['parcels', 'civilRecords', 'criminalRecordRequests', 'healthRecords']): Generator<DemoCommune> {
  if (options.scale <= 0) return;
  const cal = calibrate(options.seed);
  const rng = seedrandom.alea(`${options.seed}:citizens:${options.scale}`);
  const communes = areasOfLevel('COMMUNE', 'THREE_TIER');
  const communesOf = new Map<string, Area[]>();
  for (const c of communes) {
    const list = communesOf.get(oldProvinceCode(c));
    if (list) list.push(c);
    else communesOf.set(oldProvinceCode(c), [c]);
  }
  const provinces = [...communesOf.keys()];
  const earlierCommune = (r: Rng, commune: Area): Area => {
    const from = r() < MOVED_WITHIN_PROVINCE ? communesOf.get(oldProvinceCode(commune))! : communes;
    for (;;) {
      const c = pick(r, from);
      if (c !== commune) return c;
    }
  };
  // More than one Set holds at the benchmark's national scale (lib/big-map.ts).
  const ids = new BigMap<true>();
  const usedIds = { has: (id: string) => ids.has(id), add: (id: string) => ids.set(id, true) };
  const seenProvinces = new Set<string>();
  /** Provinces whose first VNeID criminal record request has been filed. */
  const opened = new Set<string>();
  for (const commune of communes) {
    const district = getArea(commune.parentId!)!;
    const provinceCode = oldProvinceCode(commune);
    const curves = cal.districts.get(district.code)!;
    const size = communeWeight(commune, provinceCode) * Math.exp(0.35 * gaussian(rng));
    const count = Math.max(1, Math.round(CITIZENS_PER_COMMUNE * options.scale * size));
    const lives = makeCitizens(rng, commune, count, { curves, provinces, usedIds, earlierCommune });
    const partRng = (part: string) => seedrandom.alea(`${options.seed}:${part}:${options.scale}:${commune.code}`);
    const firstInProvince = !seenProvinces.has(provinceCode);
    seenProvinces.add(provinceCode);
    yield {
      commune,
      citizens: lives.map((l) => l.citizen),
      parcels: parts.includes('parcels') ? parcelsOf(partRng('parcels'), commune, lives, provinceCode, cal.land) : [],
      civilRecords: parts.includes('civilRecords') ? makeCivilRecords(partRng('civil'), commune, lives, cal, firstInProvince) : [],
      criminalRecordRequests: parts.includes('criminalRecordRequests') ? requestsOf(partRng('justice'), commune, lives, provinceCode) : [],
      healthRecords: parts.includes('healthRecords') ? makeHealthRecords(partRng('health'), lives, cal) : [],
      rng: partRng,
    };
  }

  function parcelsOf(r: Rng, commune: Area, lives: DemoLife[], provinceCode: string, land: LandCalibration) {
    const count = Math.max(1, Math.round(lives.length * parcelsPerCitizen(provinceCode) * (0.7 + 0.6 * r())));
    return makeParcels(r, commune, count, lives.map((l) => l.citizen.personalId), land);
  }

  function requestsOf(r: Rng, commune: Area, lives: DemoLife[], provinceCode: string) {
    const openingDay = opened.has(provinceCode) ? null : cal.provinces.get(provinceCode)!.vneidCriminalRecordsFrom;
    const made = makeRequests(r, commune, lives, cal, openingDay);
    if (made.opened) opened.add(provinceCode);
    return made.requests;
  }
}
