/**
 * Builds both structures from the official files in `reference/admin-units/`: the three-tier one
 * from the list of 4 January 2025, the two-tier one from the crosswalk to 1 July 2025, and the
 * links between them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { readCrosswalk, type CommuneLink, type OldCommuneRow } from './crosswalk';
import {
  areaIdOf, bareName, canonicalName, foldText, kindOf, NATION_CODE, NATION_ID, summaryKeyOf,
  type Area, type AreaLevel, type AreaLink, type AreaStructure,
} from './model';

export const ADMIN_UNITS_FILE = 'reference/admin-units/communes-2025-01-04.csv';
export const CROSSWALK_FILE = 'reference/admin-units/crosswalk-2025-07-01.csv';

export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`No package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

export interface AdminUnits {
  byId: Map<string, Area>;
  /** By summary key (`Area.key`). */
  byKey: Map<string, Area>;
  byCode: Record<AreaStructure, Map<string, Area>>;
  /** The crosswalk, traced: one link per old unit and new commune it passed into. */
  links: CommuneLink[];
}

export function loadAdminUnits(root = projectRoot()): AdminUnits {
  const byId = new Map<string, Area>();
  const byCode: Record<AreaStructure, Map<string, Area>> = { THREE_TIER: new Map(), TWO_TIER: new Map() };
  const add = (structure: AreaStructure | null, code: string, name: string, kind: string, level: AreaLevel, parentId: string | null, englishName: string | null): Area => {
    const id = structure ? areaIdOf(structure, code) : NATION_ID;
    const known = byId.get(id);
    if (known) return known;
    const area: Area = {
      id, key: structure ? summaryKeyOf(structure, code) : NATION_CODE, code, name, kind, englishName, level, structure, parentId, childIds: [],
      searchName: foldText(name), searchBareName: foldText(bareName(name, kind)), successors: [], predecessors: [],
    };
    byId.set(id, area);
    if (structure) byCode[structure].set(code, area);
    if (parentId) byId.get(parentId)!.childIds.push(id);
    return area;
  };
  add(null, NATION_CODE, 'Việt Nam', 'Quốc gia', 'NATION', null, 'Viet Nam');

  const rows: string[][] = parse(fs.readFileSync(path.join(root, ADMIN_UNITS_FILE)), { from_line: 2, skip_empty_lines: true });
  const oldCommunes = new Map<string, OldCommuneRow>();
  const districtsWithoutCommunes = new Set<string>();
  for (const [provinceName, provinceCode, districtName, districtCode, communeName, communeCode, communeKind, english] of rows) {
    const province = add('THREE_TIER', provinceCode, provinceName, kindOf(provinceName), 'PROVINCE', NATION_ID, null);
    const district = add('THREE_TIER', districtCode, districtName, kindOf(districtName), 'DISTRICT', province.id, null);
    // A few island districts have no communes: their row has an empty commune code.
    if (!communeCode) {
      districtsWithoutCommunes.add(districtCode);
      continue;
    }
    add('THREE_TIER', communeCode, communeName, kindOf(communeName || communeKind), 'COMMUNE', district.id, english || null);
    oldCommunes.set(communeCode, { code: communeCode, name: communeName, districtCode });
  }

  const crosswalk = readCrosswalk(fs.readFileSync(path.join(root, CROSSWALK_FILE)), oldCommunes, districtsWithoutCommunes);
  for (const c of [...crosswalk.newCommunes.values()].sort((a, b) => a.code.localeCompare(b.code))) {
    const province = add('TWO_TIER', c.provinceCode, canonicalName(c.provinceName), kindOf(c.provinceName), 'PROVINCE', NATION_ID, null);
    add('TWO_TIER', c.code, canonicalName(c.name), kindOf(c.name), 'COMMUNE', province.id, null);
  }
  for (const structure of ['THREE_TIER', 'TWO_TIER'] as const) {
    for (const area of byCode[structure].values()) area.childIds.sort();
  }
  byId.get(NATION_ID)!.childIds.sort();

  linkStructures(byId, byCode, crosswalk.links);
  const byKey = new Map([...byId.values()].map((a) => [a.key, a]));
  return { byId, byKey, byCode, links: crosswalk.links };
}

/** Successors and predecessors, for communes (the crosswalk), districts and provinces (what their communes did). */
function linkStructures(byId: Map<string, Area>, byCode: Record<AreaStructure, Map<string, Area>>, links: CommuneLink[]): void {
  const oldUnit = (code: string) => byCode.THREE_TIER.get(code)!;
  const newUnit = (code: string) => byCode.TWO_TIER.get(code)!;
  const link = (from: Area, to: Area, relation: AreaLink['relation'], note: string | null, both = true) => {
    if (from.successors.some((l) => l.areaId === to.id)) return;
    from.successors.push({ areaId: to.id, relation, note });
    if (both) to.predecessors.push({ areaId: from.id, relation, note });
  };
  const successorsOfOld = new Map<string, string[]>();
  for (const l of links) {
    link(oldUnit(l.oldCode), newUnit(l.newCode), l.relation, l.note);
    successorsOfOld.set(l.oldCode, [...(successorsOfOld.get(l.oldCode) ?? []), l.newCode]);
  }
  // A district passed wholly into a new commune when all its communes went there alone. (A new
  // commune's predecessors are the old communes; a district is one only when it had none.)
  for (const district of byCode.THREE_TIER.values()) {
    if (district.level !== 'DISTRICT') continue;
    const parts = district.childIds.length ? district.childIds.map((id) => byId.get(id)!.code) : [district.code];
    const targets = new Set(parts.flatMap((c) => successorsOfOld.get(c) ?? []));
    const whole = targets.size === 1 && parts.every((c) => (successorsOfOld.get(c) ?? []).length === 1);
    for (const t of [...targets].sort()) link(district, newUnit(t), whole ? 'WHOLE' : 'PART', null, false);
  }
  // Provinces: a new province is a union of whole old ones (checked by the tests).
  const provinceOf = (a: Area): Area => (a.level === 'PROVINCE' ? a : provinceOf(byId.get(a.parentId!)!));
  const pairs = new Map<string, Set<string>>();
  for (const l of links) {
    const from = provinceOf(oldUnit(l.oldCode));
    const to = provinceOf(newUnit(l.newCode));
    pairs.set(to.id, (pairs.get(to.id) ?? new Set()).add(from.id));
  }
  for (const [to, froms] of [...pairs].sort()) {
    for (const from of [...froms].sort()) link(byId.get(from)!, byId.get(to)!, froms.size === 1 ? 'UNCHANGED' : 'WHOLE', null);
  }
  for (const a of byId.values()) {
    a.successors.sort((x, y) => x.areaId.localeCompare(y.areaId));
    a.predecessors.sort((x, y) => x.areaId.localeCompare(y.areaId));
  }
}
