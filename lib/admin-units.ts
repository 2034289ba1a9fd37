/**
 * The administrative units: shared, read-only reference data that every domain needs (to
 * validate commune codes and to roll figures up to districts, provinces and the nation). It is
 * built once per process from the official list in `reference/admin-units/`, so no domain makes
 * a cross-service call per row.
 *
 * Codes are unique across levels by their length: province 2 digits, district 3, commune 5;
 * the nation is `VN`. The list is the structure in force before the 1 July 2025 reform
 * (`PRE_2025`); the post-reform units are a second structure to be added beside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { badInput } from './errors';

export type AreaLevel = 'NATION' | 'PROVINCE' | 'DISTRICT' | 'COMMUNE';
export type AreaStructure = 'PRE_2025';

export interface Area {
  code: string;
  name: string;
  /** The unit's kind as the official list names it: Tỉnh, Thành phố, Huyện, Quận, Thị xã, Xã, Phường, Thị trấn. */
  kind: string;
  englishName: string | null;
  level: AreaLevel;
  structure: AreaStructure;
  parentCode: string | null;
  childCodes: string[];
  /** Lower case, without diacritics: what `searchAreas` matches against. */
  searchName: string;
  /** The name without its kind ("Hải Dương" for "Tỉnh Hải Dương"), folded like searchName. */
  searchBareName: string;
}

export const NATION_CODE = 'VN';
export const ADMIN_UNITS_FILE = 'reference/admin-units/communes-2025-01-04.csv';

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

const KINDS = ['Thành phố', 'Thị xã', 'Thị trấn', 'Tỉnh', 'Huyện', 'Quận', 'Phường', 'Xã'];
/** The kind a name starts with, in its canonical spelling (the list writes both "Thị xã" and "Thị Xã"). */
function kindOf(name: string): string {
  const kind = KINDS.find((k) => name.toLowerCase().startsWith(k.toLowerCase() + ' '));
  if (!kind) throw new Error(`Administrative unit "${name}" has no known kind prefix`);
  return kind;
}

export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`No package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

interface AdminUnits {
  areas: Map<string, Area>;
  provinceCodes: Set<string>;
}

let loaded: AdminUnits | undefined;

function load(): AdminUnits {
  const file = path.join(projectRoot(), ADMIN_UNITS_FILE);
  const rows: string[][] = parse(fs.readFileSync(file), { from_line: 2, skip_empty_lines: true });
  const areas = new Map<string, Area>();
  const add = (code: string, name: string, kind: string, level: AreaLevel, parentCode: string | null, englishName: string | null) => {
    if (areas.has(code)) return;
    const bare = name.toLowerCase().startsWith(kind.toLowerCase() + ' ') ? name.slice(kind.length + 1) : name;
    areas.set(code, {
      code, name, kind, englishName, level, structure: 'PRE_2025', parentCode, childCodes: [],
      searchName: foldText(name), searchBareName: foldText(bare),
    });
    if (parentCode) areas.get(parentCode)!.childCodes.push(code);
  };
  add(NATION_CODE, 'Việt Nam', 'Quốc gia', 'NATION', null, 'Viet Nam');
  for (const [provinceName, provinceCode, districtName, districtCode, communeName, communeCode, communeKind, english] of rows) {
    add(provinceCode, provinceName, kindOf(provinceName), 'PROVINCE', NATION_CODE, null);
    add(districtCode, districtName, kindOf(districtName), 'DISTRICT', provinceCode, null);
    // A few island districts have no communes: their row has an empty commune code.
    if (communeCode) add(communeCode, communeName, kindOf(communeName || communeKind), 'COMMUNE', districtCode, english || null);
  }
  const provinceCodes = new Set(areas.get(NATION_CODE)!.childCodes);
  return { areas, provinceCodes };
}

function units(): AdminUnits {
  return (loaded ??= load());
}

export function getArea(code: string): Area | undefined {
  return units().areas.get(code);
}

export function allAreas(): IterableIterator<Area> {
  return units().areas.values();
}

export function provinceCodes(): Set<string> {
  return units().provinceCodes;
}

export function areasOfLevel(level: AreaLevel): Area[] {
  return [...units().areas.values()].filter((a) => a.level === level);
}

export function childrenOf(code: string): Area[] {
  return (getArea(code)?.childCodes ?? []).map((c) => getArea(c)!);
}

const ancestorCache = new Map<string, readonly string[]>();

/** The unit and every unit above it, nearest first, ending with the nation; empty for an unknown code. */
export function ancestorsOf(code: string): readonly string[] {
  let out = ancestorCache.get(code);
  if (!out) {
    const chain: string[] = [];
    for (let a = getArea(code); a; a = a.parentCode ? getArea(a.parentCode) : undefined) chain.push(a.code);
    out = chain;
    if (chain.length) ancestorCache.set(code, out);
  }
  return out;
}

export function isCommuneCode(code: string): boolean {
  return getArea(code)?.level === 'COMMUNE';
}

const LEVEL_ORDER: Record<AreaLevel, number> = { NATION: 0, PROVINCE: 1, DISTRICT: 2, COMMUNE: 3 };

/**
 * Units whose name contains `text`, ignoring case and diacritics ("hai duong" finds Tỉnh Hải
 * Dương). Exact matches of the bare name come first, then prefixes, then higher levels.
 */
export function searchAreas(text: string, options: { level?: AreaLevel; limit?: number } = {}): Area[] {
  const q = foldText(text);
  if (!q) return [];
  const rank = (a: Area) => (a.searchBareName === q || a.searchName === q ? 0 : a.searchBareName.startsWith(q) ? 1 : 2);
  return [...units().areas.values()]
    .filter((a) => (!options.level || a.level === options.level) && a.searchName.includes(q))
    .sort((a, b) => rank(a) - rank(b) || LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.code.localeCompare(b.code))
    .slice(0, options.limit ?? 20);
}

/** The unit with this code at this level (any level when omitted), or a BAD_USER_INPUT error naming the code. */
export function requireArea(code: string, level?: AreaLevel, argumentName = 'code'): Area {
  const area = getArea(code);
  if (!area || (level && area.level !== level)) {
    const what = level ? level.toLowerCase() : 'administrative unit';
    throw badInput(`Unknown ${what} code "${code}"`, { argumentName, value: code });
  }
  return area;
}
