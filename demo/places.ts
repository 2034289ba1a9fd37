/**
 * Where the demo's records are located, and in which structure their commune code is written.
 *
 * The generator works in the communes of the three-tier structure (its calibration is per old
 * district and province). A record dated before the reform carries its old commune's code; one
 * dated on or after 1 July 2025 carries the code of the two-tier commune the old one passed
 * into, as deliveries made since the reform do. Where the old commune was split, the new commune
 * is the one the graph places the person's earlier records in (`placeOf` by people, hashed on
 * the personal ID the record is placed by), so that a person's records before and after the
 * reform count in the same new commune.
 */
import { getArea, linkedAreas, placeOf, provinceOf, REFORM_DATE, type Area, type AreaStructure } from '../lib/areas';
import { dayNumber } from './curves';

export const REFORM_DAY = dayNumber(REFORM_DATE);

export interface DeliveredCode {
  communeCode: string;
  communeStructure: AreaStructure;
}

/** The code a record of `day` about `personalId`, located in the old commune `commune`, is delivered with. */
export function deliveredAs(commune: Area, day: number, personalId: string): DeliveredCode {
  if (day < REFORM_DAY) return { communeCode: commune.code, communeStructure: 'THREE_TIER' };
  return { communeCode: placeOf(commune.code, 'THREE_TIER', personalId, 'people').newUnit.code, communeStructure: 'TWO_TIER' };
}

/** The code of the old province an old commune lies in. */
export const oldProvinceCode = (commune: Area): string => provinceOf(commune)!.code;

/** The code of the province an old commune lay in on `day`: its old province before the reform, the new one it passed into since. */
export const provinceCodeOn = (commune: Area, day: number): string =>
  day < REFORM_DAY ? oldProvinceCode(commune) : provinceOf(linkedAreas(commune, 'successors')[0])!.code;

/** The code of the old district an old commune lies in. */
export const oldDistrictCode = (commune: Area): string => getArea(commune.parentId!)!.code;
