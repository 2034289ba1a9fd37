/**
 * The administrative units: shared, read-only reference data that every domain needs (to check
 * commune codes and to roll figures up), built once per process from the official files in
 * `reference/admin-units/`, so no domain makes a cross-service call per row.
 *
 * Two structures live side by side: the three-tier one in force until 30 June 2025 (63
 * provinces, 696 districts, 10,051 communes) and the two-tier one since 1 July 2025 (34
 * provinces, 3,321 communes), linked by the official crosswalk. A code is always read within a
 * structure (codes repeat with other meanings); the nation (`VN`) is one unit in both.
 */
import { badInput } from '../errors';
import { isIsoDate } from '../periods';
import { loadAdminUnits, type AdminUnits } from './load';
import { buildPlacementIndex, choose, type FactKind, type Placement, type PlacementIndex } from './placement';
import { LAST_DAY_BEFORE_REFORM, NATION_ID, REFORM_DATE, type Area, type AreaLevel, type AreaStructure } from './model';

export * from './model';
export { projectRoot, ADMIN_UNITS_FILE, CROSSWALK_FILE } from './load';
export type { FactKind, Placement } from './placement';

let loaded: AdminUnits | undefined;
let placementIndex: PlacementIndex | undefined;

export const adminUnits = (): AdminUnits => (loaded ??= loadAdminUnits());
export const placements = (): PlacementIndex => (placementIndex ??= buildPlacementIndex(adminUnits()));

export function getArea(id: string): Area | undefined {
  return adminUnits().byId.get(id);
}

export function areaByKey(key: string): Area | undefined {
  return adminUnits().byKey.get(key);
}

export function areaByCode(code: string, structure: AreaStructure): Area | undefined {
  return code === 'VN' ? getArea(NATION_ID) : adminUnits().byCode[structure].get(code);
}

export const nation = (): Area => getArea(NATION_ID)!;

/** The structure in force on a day (`YYYY-MM-DD`). */
export const structureOn = (date: string): AreaStructure => (date >= REFORM_DATE ? 'TWO_TIER' : 'THREE_TIER');

/** How an entry point names the structure it reads codes in. */
export interface StructureArgs {
  structure?: AreaStructure | null;
  /** A day (`YYYY-MM-DD`): the structure in force that day. */
  asOf?: string | null;
}

/** The structure an entry point reads codes in: `structure`, else the one in force on `asOf`, else today's. */
export function structureOf(args: StructureArgs, today: string): AreaStructure {
  if (args.asOf != null && !isIsoDate(args.asOf)) throw badInput(`Invalid asOf "${args.asOf}": expected a day written YYYY-MM-DD`, { argumentName: 'asOf', value: args.asOf });
  const byDate = args.asOf != null ? structureOn(args.asOf) : undefined;
  if (args.structure && byDate && args.structure !== byDate) {
    throw badInput(`structure ${args.structure} and asOf "${args.asOf}" disagree: on ${args.asOf} the ${byDate} structure was in force`, { argumentName: 'asOf', value: args.asOf });
  }
  return args.structure ?? byDate ?? structureOn(today);
}

/** A unit's children; the nation's in one structure (its provinces in both otherwise). */
export function childrenOf(area: Area, structure?: AreaStructure): Area[] {
  const children = area.childIds.map((id) => getArea(id)!);
  return structure ? children.filter((a) => a.structure === structure) : children;
}

const byLevel = new Map<string, Area[]>();
/** The units of one level of a structure, in code order (a copy: callers may keep or change it). */
export function areasOfLevel(level: AreaLevel, structure: AreaStructure): Area[] {
  const cacheKey = `${structure}:${level}`;
  let out = byLevel.get(cacheKey);
  if (!out) byLevel.set(cacheKey, (out = [...adminUnits().byCode[structure].values()].filter((a) => a.level === level).sort((a, b) => a.code.localeCompare(b.code))));
  return [...out];
}

/** Every commune within a unit of one structure (itself for a commune), in code order. */
export function communesIn(area: Area, structure: AreaStructure): Area[] {
  if (area.level === 'COMMUNE') return [area];
  return childrenOf(area, area.level === 'NATION' ? structure : undefined).flatMap((c) => communesIn(c, structure));
}

/** The unit and every unit above it, nearest first, ending with the nation. */
export function ancestorsOf(area: Area): Area[] {
  const chain: Area[] = [];
  for (let a: Area | undefined = area; a; a = a.parentId ? getArea(a.parentId) : undefined) chain.push(a);
  return chain;
}

/** The province a unit lies in (itself for a province); null for the nation. */
export function provinceOf(area: Area): Area | null {
  return ancestorsOf(area).find((a) => a.level === 'PROVINCE') ?? null;
}

/** The units of the other structure a unit passed into or was made from. */
export function linkedAreas(area: Area, direction: 'successors' | 'predecessors'): Area[] {
  return area[direction].map((l) => getArea(l.areaId)!);
}

const LEVEL_ORDER: Record<AreaLevel, number> = { NATION: 0, PROVINCE: 1, DISTRICT: 2, COMMUNE: 3 };

/**
 * Units whose name contains `text`, ignoring case and diacritics ("hai duong" finds Tỉnh Hải
 * Dương), in both structures unless one is named. Units of the structure in force come first,
 * then exact matches of the bare name, then prefixes, then higher levels.
 */
export function searchAreas(text: string, options: { level?: AreaLevel; structure?: AreaStructure; current?: AreaStructure; limit?: number } = {}): Area[] {
  const q = foldQuery(text);
  if (!q) return [];
  const rank = (a: Area) => (a.searchBareName === q || a.searchName === q ? 0 : a.searchBareName.startsWith(q) ? 1 : 2);
  const current = options.current ?? 'TWO_TIER';
  const era = (a: Area) => (a.structure === null || a.structure === current ? 0 : 1);
  return [...adminUnits().byId.values()]
    .filter((a) => (!options.level || a.level === options.level) && (!options.structure || a.structure === options.structure || a.structure === null) && a.searchName.includes(q))
    .sort((a, b) => era(a) - era(b) || rank(a) - rank(b) || LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.code.localeCompare(b.code))
    .slice(0, options.limit ?? 20);
}

const foldQuery = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();

const STRUCTURE_WORDS: Record<AreaStructure, string> = {
  THREE_TIER: 'the three-tier structure (in force until 30 June 2025)',
  TWO_TIER: 'the two-tier structure (in force since 1 July 2025)',
};

/**
 * The unit with this code in this structure (at this level when given), or a BAD_USER_INPUT error
 * that says what the code means instead: a unit of the other structure (and what became of it),
 * a unit of another level, or nothing.
 */
export function requireArea(code: string, structure: AreaStructure, options: { level?: AreaLevel; argumentName?: string } = {}): Area {
  const argumentName = options.argumentName ?? 'code';
  const area = areaByCode(code, structure);
  const what = options.level ? options.level.toLowerCase() : 'administrative unit';
  if (area && (!options.level || area.level === options.level)) return area;
  if (area) throw badInput(`Code "${code}" is a ${area.level.toLowerCase()} (${area.name}) in ${STRUCTURE_WORDS[structure]}, not a ${what}`, { argumentName, value: code });
  const other: AreaStructure = structure === 'TWO_TIER' ? 'THREE_TIER' : 'TWO_TIER';
  const there = areaByCode(code, other);
  if (options.level === 'DISTRICT' && structure === 'TWO_TIER') {
    throw badInput(`Districts were abolished on 1 July 2025: the two-tier structure has none. Ask for district "${code}" with structure: THREE_TIER`, { argumentName, value: code });
  }
  if (there && (!options.level || there.level === options.level)) {
    if (structure === 'TWO_TIER') {
      const into = linkedAreas(there, 'successors').map((a) => `${a.code} (${a.name})`).join(', ');
      throw badInput(
        `No ${what} has code "${code}" in ${STRUCTURE_WORDS.TWO_TIER}: ${there.name} (${code}) of the three-tier structure was merged into ${into} on ${REFORM_DATE}. ` +
          `Ask for the old unit with structure: THREE_TIER (or asOf: "${LAST_DAY_BEFORE_REFORM}" or earlier)`,
        { argumentName, value: code },
      );
    }
    throw badInput(`No ${what} has code "${code}" in ${STRUCTURE_WORDS.THREE_TIER}: ${there.name} (${code}) exists only in the two-tier structure, since ${REFORM_DATE}. Ask for it with structure: TWO_TIER`, { argumentName, value: code });
  }
  throw badInput(`Unknown ${what} code "${code}" in ${STRUCTURE_WORDS[structure]}`, { argumentName, value: code });
}

/** The unit with this id (`VN`, `THREE_TIER:30`, `TWO_TIER:31`), or a BAD_USER_INPUT error naming it. */
export function requireAreaById(id: string, argumentName = 'areaId'): Area {
  const area = getArea(id);
  if (!area) throw badInput(`Unknown area id "${id}": expected VN, THREE_TIER:<code> or TWO_TIER:<code>`, { argumentName, value: id });
  return area;
}

export function isCommuneCode(code: string, structure: AreaStructure): boolean {
  return areaByCode(code, structure)?.level === 'COMMUNE';
}

/**
 * Where a fact delivered with this commune code (or, for an island district that had no
 * communes, its district code) counts: see lib/areas/placement.ts. Throws for a code that is
 * no such unit of the structure; imports check codes first.
 */
export function placeOf(code: string, structure: AreaStructure, factId: string, kind: FactKind): Placement {
  const found = placements().candidates[structure].get(code);
  if (!found) throw new Error(`No commune has code ${code} in the ${structure} structure`);
  return choose(found[kind], factId);
}

const oldProvinceCache = new Map<string, readonly string[]>();
/**
 * The three-tier provinces a unit overlaps, by id: its own province for a three-tier unit, the one
 * province a two-tier commune's predecessors lie in, a two-tier province's predecessors, every
 * province for the nation. Access scopes are sets of three-tier provinces (lib/auth.ts): a new
 * province is a union of whole old ones and no new commune crosses an old province's border.
 */
export function oldProvincesOf(area: Area): readonly string[] {
  let out = oldProvinceCache.get(area.id);
  if (!out) {
    if (area.level === 'NATION') out = areasOfLevel('PROVINCE', 'THREE_TIER').map((a) => a.id);
    else if (area.structure === 'THREE_TIER') out = [provinceOf(area)!.id];
    else if (area.level === 'PROVINCE') out = area.predecessors.map((l) => l.areaId);
    else out = [...new Set(linkedAreas(area, 'predecessors').map((a) => provinceOf(a)!.id))];
    oldProvinceCache.set(area.id, out);
  }
  return out;
}

let allProvinceCodes: Set<string> | undefined;
/** The 2-digit codes of every province of either structure (the 63 old ones include the 34 new codes). */
export function provinceCodes(): ReadonlySet<string> {
  return (allProvinceCodes ??= new Set([...areasOfLevel('PROVINCE', 'THREE_TIER'), ...areasOfLevel('PROVINCE', 'TWO_TIER')].map((a) => a.code)));
}
