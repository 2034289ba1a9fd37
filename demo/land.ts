/**
 * Land parcels and when they were digitized, calibrated on two published figures of different
 * structures (../shared/DOMAIN.md):
 *
 * - November 2024, three-tier: 461 of 705 districts had digitized parcels. The same share of our
 *   696 districts (455, the leading ones by pace, with noise) start digitizing before the end of
 *   November 2024; of the others, half start before the reform abolished districts, half never do
 *   as districts.
 * - 30 November 2025, two-tier: the land database clean-up had reached 2,342 of 3,321 communes.
 *   Exactly that many new communes have digitized parcels by then: the communes of each leading
 *   district's first commune, then the others ranked by pace (with noise). A parcel of an old
 *   district that had started counts its own district's curve in those; elsewhere, and for old
 *   districts that never started, each new commune has its own campaign curve, from September to
 *   November 2025 for the 2,342, later or never for the rest.
 *
 * Both counts are exact by construction: where a unit must have a digitized parcel by a day, the
 * first of its parcels (from a chosen old commune) is digitized on the first day it can be.
 * Parcels carry no date of their own, so they keep their old commune's code (three-tier), and
 * count where the graph places them (`placeOf` by land).
 */
import { areasOfLevel, getArea, linkedAreas, placeOf, type Area } from '../lib/areas';
import type { Parcel } from '../services/land/facts';
import { dayAtShare, dayNumber, isoOf, type Curve } from './curves';
import { oldDistrictCode } from './places';
import { HORIZON } from './population';
import { between, gaussian, type Rng } from './draws';

export const LAND_PUBLISHED = {
  districtsWithDigitizedParcels: { share: 461 / 705, by: '2024-11-30' },
  communesWithDigitizedParcels: { count: 2342, of: 3321, by: '2025-11-30' },
} as const;

export interface LandCalibration {
  /** Per old district, its digitization curve when it started before the reform, else null. */
  districtCurves: Map<string, Curve | null>;
  /** The new communes with digitized parcels by the clean-up checkpoint. */
  digitizedByCheckpoint: Set<string>;
  /** Per new commune, the curve of parcels its old district had not started on; null: not by the horizon. */
  campaigns: Map<string, Curve | null>;
  /** Per old commune, the new communes whose first parcel from it is digitized on the first day it can be. */
  firsts: Map<string, Set<string>>;
}

const LAST_DAY_OF_DISTRICTS = '2025-06-30';
const CAMPAIGN = { from: '2025-09-01', to: LAND_PUBLISHED.communesWithDigitizedParcels.by };

/** A parcel of an old commune of this district, placed in this new commune: the curve its digitization follows. */
export function landCurve(land: LandCalibration, districtCode: string, newCommuneCode: string): Curve | null {
  const district = land.districtCurves.get(districtCode) ?? null;
  return district && land.digitizedByCheckpoint.has(newCommuneCode) ? district : (land.campaigns.get(newCommuneCode) ?? null);
}

export function calibrateLand(rng: Rng, districtPace: Map<string, number>): LandCalibration {
  const districts = areasOfLevel('DISTRICT', 'THREE_TIER');
  const target = Math.round(districts.length * LAND_PUBLISHED.districtsWithDigitizedParcels.share);
  const order = districts
    .filter((d) => d.childIds.length > 0)
    .map((d) => ({ district: d, key: districtPace.get(d.code)! + 0.35 * gaussian(rng) }))
    .sort((a, b) => b.key - a.key);
  const districtCurves = new Map<string, Curve | null>();
  const leading: Area[] = [];
  order.forEach(({ district }, rank) => {
    const pace = districtPace.get(district.code)!;
    if (rank < target) leading.push(district);
    const start = rank < target ? between(rng, '2019-01-01', LAND_PUBLISHED.districtsWithDigitizedParcels.by) : rng() < 0.5 ? between(rng, '2024-12-01', LAST_DAY_OF_DISTRICTS) : null;
    districtCurves.set(district.code, start === null ? null : { ceiling: 0.85 + 0.14 * pace, midpoint: start + 150 + 700 * (1 - pace), width: 60 + 90 * rng(), start });
  });

  const firsts = new Map<string, Set<string>>();
  const first = (oldCode: string, newCode: string) => firsts.set(oldCode, (firsts.get(oldCode) ?? new Set()).add(newCode));
  /** The old commune whose parcels all go to one new commune, else the first: the one a unit's first parcel comes from. */
  const anchorOf = (communes: Area[]) => communes.find((c) => c.successors.length === 1) ?? communes[0];

  // Each leading district's anchor commune passes into a new commune that is on the list.
  const listed = new Set<string>();
  for (const district of leading) {
    const anchor = anchorOf(district.childIds.map((id) => getArea(id)!));
    const newCode = getArea(anchor.successors[0].areaId)!.code;
    listed.add(newCode);
    first(anchor.code, newCode);
  }
  // Then the new communes ranked by the pace of their old districts, those with a leading one first.
  const leadingCodes = new Set(leading.map((d) => d.code));
  const newCommunes = areasOfLevel('COMMUNE', 'TWO_TIER').filter((n) => linkedAreas(n, 'predecessors').some((p) => p.level === 'COMMUNE'));
  const ranked = newCommunes
    .map((n) => {
      const olds = linkedAreas(n, 'predecessors').filter((p) => p.level === 'COMMUNE').map(oldDistrictCode);
      const pace = olds.reduce((s, d) => s + districtPace.get(d)!, 0) / olds.length;
      return { n, key: pace + 0.25 * gaussian(rng) + (olds.some((d) => leadingCodes.has(d)) ? 0.5 : 0) };
    })
    .sort((a, b) => b.key - a.key);
  for (const { n } of ranked) {
    if (listed.size >= LAND_PUBLISHED.communesWithDigitizedParcels.count) break;
    listed.add(n.code);
  }

  const campaigns = new Map<string, Curve | null>();
  for (const { n } of ranked) {
    const olds = linkedAreas(n, 'predecessors').filter((p) => p.level === 'COMMUNE');
    const pace = olds.reduce((s, o) => s + districtPace.get(oldDistrictCode(o))!, 0) / olds.length;
    const onList = listed.has(n.code);
    if (onList) first(anchorOf(olds).code, n.code);
    const start = onList ? between(rng, CAMPAIGN.from, CAMPAIGN.to) : rng() < 0.5 ? between(rng, dayNumber(CAMPAIGN.to) + 1, HORIZON) : null;
    campaigns.set(n.code, start === null ? null : { ceiling: 0.9 + 0.09 * pace, midpoint: start + 45, width: 25 + 20 * rng(), start });
  }
  return { districtCurves, digitizedByCheckpoint: listed, campaigns, firsts };
}

const LAND_USES = ['ONT', 'ODT', 'LUC', 'CLN', 'BHK', 'RSX', 'NTS'] as const;

/** `count` parcels of an old commune, owned (most of them) by its residents. */
export function makeParcels(rng: Rng, commune: Area, count: number, owners: readonly string[], land: LandCalibration): Parcel[] {
  const district = oldDistrictCode(commune);
  const firstsHere = new Set(land.firsts.get(commune.code));
  const parcels: Parcel[] = [];
  for (let i = 0; i < count; i++) {
    const parcelId = `P${commune.code}-${String(i + 1).padStart(5, '0')}`;
    const newCode = placeOf(commune.code, 'THREE_TIER', parcelId, 'land').newUnit.code;
    const curve = landCurve(land, district, newCode);
    let digitized = curve ? dayAtShare(curve, rng(), HORIZON) : null;
    if (curve && firstsHere.delete(newCode)) digitized = curve.start;
    parcels.push({
      parcelId,
      communeCode: commune.code,
      communeStructure: 'THREE_TIER',
      areaM2: Math.round(Math.exp(5.5 + 1.1 * gaussian(rng)) * 10) / 10,
      landUse: LAND_USES[Math.floor(rng() * LAND_USES.length)],
      ownerPersonalId: owners.length > 0 && rng() < 0.8 ? owners[Math.floor(rng() * owners.length)] : null,
      digitizedOn: digitized === null ? null : isoOf(digitized),
    });
  }
  return parcels;
}
