/**
 * What an administrative unit is, in either of the two structures that live side by side since
 * the reform of 1 July 2025 (see lib/areas/index.ts).
 */

/**
 * The two structures: `THREE_TIER` (provinces, districts, communes; the official list of
 * 4 January 2025, in force until 30 June 2025) and `TWO_TIER` (provinces and communes, in force
 * since 1 July 2025).
 */
export type AreaStructure = 'THREE_TIER' | 'TWO_TIER';
export const STRUCTURES: readonly AreaStructure[] = ['THREE_TIER', 'TWO_TIER'];
export type AreaLevel = 'NATION' | 'PROVINCE' | 'DISTRICT' | 'COMMUNE';

/** The first day of the two-tier structure: the reform took effect on 1 July 2025. */
export const REFORM_DATE = '2025-07-01';
/** The last day of the three-tier structure. */
export const LAST_DAY_BEFORE_REFORM = '2025-06-30';

export const STRUCTURE_VALIDITY: Record<AreaStructure, { validFrom: string | null; validTo: string | null }> = {
  // The three-tier units were created at many dates; the list is the one in force at the end.
  THREE_TIER: { validFrom: null, validTo: LAST_DAY_BEFORE_REFORM },
  TWO_TIER: { validFrom: REFORM_DATE, validTo: null },
};

/**
 * How a unit of one structure passed into a unit of the other, as the official crosswalk says
 * ("Ghi chú" column), plus BY_RULE for the communes the crosswalk does not name (see
 * lib/areas/crosswalk.ts).
 */
export type AreaRelation =
  | 'WHOLE'
  | 'PART'
  | 'PART_OF_AREA'
  | 'PART_OF_AREA_ALL_POPULATION'
  | 'PART_OF_POPULATION'
  | 'UNCHANGED'
  | 'RENAMED'
  | 'KIND_CHANGED'
  | 'BY_RULE';

export interface AreaLink {
  /** The unit on the other side (see `Area.id`). */
  areaId: string;
  relation: AreaRelation;
  /** The crosswalk's own words, when it has any. */
  note: string | null;
}

export interface Area {
  /**
   * Unique across both structures: `VN` for the nation (one unit in both), else the structure
   * and the official code, `THREE_TIER:30`, `TWO_TIER:31`. Codes repeat across structures with
   * other meanings (new province 31 absorbed old 30 and 31), so a code alone is never a key.
   */
  id: string;
  /** The unit's key in the per-area summaries: the code (three-tier), `n` + the code (two-tier), `VN`. */
  key: string;
  /** Official code: `VN`, or 2 (province), 3 (district) or 5 (commune) digits. */
  code: string;
  name: string;
  /** The unit's kind: Tỉnh, Thành phố, Huyện, Quận, Thị xã, Xã, Phường, Thị trấn, Đặc khu; Quốc gia for the nation. */
  kind: string;
  englishName: string | null;
  level: AreaLevel;
  /** Null for the nation, which is the same unit in both structures. */
  structure: AreaStructure | null;
  parentId: string | null;
  childIds: string[];
  /** Lower case, without diacritics: what `searchAreas` matches against. */
  searchName: string;
  /** The name without its kind ("hai duong" for "Tỉnh Hải Dương"), folded like searchName. */
  searchBareName: string;
  /** Units of the other structure this one passed into (three-tier units), in code order. */
  successors: AreaLink[];
  /** Units of the other structure this one was made from (two-tier units), in code order. */
  predecessors: AreaLink[];
}

export const NATION_ID = 'VN';
export const NATION_CODE = 'VN';

export const areaIdOf = (structure: AreaStructure, code: string) => `${structure}:${code}`;
export const summaryKeyOf = (structure: AreaStructure, code: string) => (structure === 'TWO_TIER' ? `n${code}` : code);

/** Folds Vietnamese text for matching: lower case, no diacritics, đ as d, single spaces. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const KINDS = ['Thành phố', 'Thị xã', 'Thị trấn', 'Đặc khu', 'Tỉnh', 'Huyện', 'Quận', 'Phường', 'Xã'];
/**
 * The kind a name starts with, in its canonical spelling. Matched without diacritics or case:
 * the lists write both "Thị xã" and "Thị Xã", and the crosswalk once "Xa Ea Kly".
 */
export function kindOf(name: string): string {
  const folded = foldText(name);
  const kind = KINDS.find((k) => folded.startsWith(foldText(k) + ' '));
  if (!kind) throw new Error(`Administrative unit "${name}" has no known kind prefix`);
  return kind;
}

/** The name with its kind written canonically ("Xa Ea Kly" becomes "Xã Ea Kly"). */
export function canonicalName(name: string): string {
  const kind = kindOf(name);
  return kind + name.slice(kind.length);
}

/** The name without its kind prefix. */
export function bareName(name: string, kind: string): string {
  return foldText(name).startsWith(foldText(kind) + ' ') ? name.slice(kind.length + 1) : name;
}
