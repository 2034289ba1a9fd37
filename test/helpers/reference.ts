/**
 * An independent reading of the official files, for tests: both structures and the crosswalk
 * read straight from `reference/admin-units/`, and the placement rule of the README ("Two
 * structures") written again from its text, so that expected figures in the two-tier structure
 * are computed without the code under test (lib/areas).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

const ROOT = path.resolve(__dirname, '../..');
type Structure = 'THREE_TIER' | 'TWO_TIER';

interface OldCommune {
  code: string;
  name: string;
  district: string;
  province: string;
}

export interface Link {
  /** Old commune code, or old district code for an island district without communes. */
  old: string;
  new: string;
  /** The crosswalk's note, folded: what the rule reads. */
  note: string;
  byRule: boolean;
}

const fold = (t: string) => t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
const codeIn = (t: string) => /\((\d+)\)\s*$/.exec(t.trim())?.[1] ?? '';

function load() {
  const list: string[][] = parse(fs.readFileSync(path.join(ROOT, 'reference/admin-units/communes-2025-01-04.csv')), { from_line: 2 });
  const oldCommunes = new Map<string, OldCommune>();
  const oldDistrictProvince = new Map<string, string>();
  const oldDistrictsWithoutCommunes = new Set<string>();
  for (const r of list) {
    oldDistrictProvince.set(r[3], r[1]);
    if (r[5]) oldCommunes.set(r[5], { code: r[5], name: r[4], district: r[3], province: r[1] });
    else oldDistrictsWithoutCommunes.add(r[3]);
  }
  const rows: string[][] = parse(fs.readFileSync(path.join(ROOT, 'reference/admin-units/crosswalk-2025-07-01.csv')), { from_line: 3, relax_column_count: true });
  const newProvinceOf = new Map<string, string>();
  const raw: { old: string; oldName: string; district: string; new: string; note: string }[] = [];
  for (const r of rows) {
    const newCode = (r[2] ?? '').trim();
    if (!newCode) continue;
    newProvinceOf.set(newCode, codeIn(r[0]));
    raw.push({ old: (r[4] ?? '').trim(), oldName: (r[3] ?? '').trim(), district: codeIn(r[6] ?? ''), new: newCode, note: fold(r[5] ?? '') });
  }
  const named = new Set(raw.map((r) => r.old));
  const missing = [...oldCommunes.values()].filter((c) => !named.has(c.code));
  const links: Link[] = [];
  for (const r of raw) {
    if (!r.old) {
      if (oldDistrictsWithoutCommunes.has(r.district)) links.push({ old: r.district, new: r.new, note: r.note, byRule: false });
      continue;
    }
    let old = oldCommunes.has(r.old) ? r.old : undefined;
    if (!old) {
      const same = missing.filter((c) => c.district === r.district && fold(c.name) === fold(r.oldName));
      if (same.length === 1) old = same[0].code;
    }
    if (old) links.push({ old, new: r.new, note: r.note, byRule: false });
  }
  const linked = new Set(links.map((l) => l.old));
  for (const c of missing) {
    if (linked.has(c.code)) continue;
    const candidates = raw.filter((r) => r.district === c.district && /^\d{5}$/.test(r.old));
    candidates.sort((a, b) => Math.abs(Number(a.old) - Number(c.code)) - Math.abs(Number(b.old) - Number(c.code)) || a.old.localeCompare(b.old));
    links.push({ old: c.code, new: candidates[0].new, note: 'by rule', byRule: true });
  }
  links.sort((a, b) => a.old.localeCompare(b.old) || a.new.localeCompare(b.new));
  const byOld = new Map<string, Link[]>();
  const byNew = new Map<string, Link[]>();
  for (const l of links) {
    byOld.set(l.old, [...(byOld.get(l.old) ?? []), l]);
    byNew.set(l.new, [...(byNew.get(l.new) ?? []), l]);
  }
  return { oldCommunes, oldDistrictProvince, newProvinceOf, links, byOld, byNew };
}

let cached: ReturnType<typeof load> | undefined;
export const reference = () => (cached ??= load());

function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The README's rule: people go to the successor that took all the population, else not to "part of the area" only when others took people. */
function forPeople(links: Link[]): Link[] {
  const all = links.filter((l) => l.note.includes('toan bo dan so'));
  if (all.length) return all;
  const areaOnly = (l: Link) => l.note.includes('mot phan dien tich') && !l.note.includes('dan so');
  const rest = links.filter((l) => !areaOnly(l));
  return rest.length ? rest : links;
}

export interface Place {
  oldCommune: string;
  newCommune: string;
  /** The units of each structure where the fact was placed by rule ("estimated"). */
  byRule: { oldCommune: boolean; oldDistrict: boolean; newCommune: boolean };
}

/** Where a fact delivered with `code` in `structure` counts, by the README's rule. */
const places = new Map<string, Place>();
export function placeFact(code: string, structure: Structure, factId: string, kind: 'people' | 'land'): Place {
  const key = `${structure}|${code}|${kind}|${factId}`;
  let place = places.get(key);
  if (!place) places.set(key, (place = computePlace(code, structure, factId, kind)));
  return place;
}

function computePlace(code: string, structure: Structure, factId: string, kind: 'people' | 'land'): Place {
  const { byOld, byNew, oldCommunes } = reference();
  if (structure === 'THREE_TIER') {
    const all = byOld.get(code) ?? [];
    const candidates = kind === 'people' ? forPeople(all) : all;
    const chosen = candidates[fnv(factId) % candidates.length];
    return { oldCommune: code, newCommune: chosen.new, byRule: { oldCommune: false, oldDistrict: false, newCommune: candidates.length > 1 || chosen.byRule } };
  }
  const all = byNew.get(code) ?? [];
  const candidates = kind === 'people' ? forPeople(all) : all;
  const chosen = candidates[fnv(factId) % candidates.length];
  const districts = new Set(candidates.map((l) => oldCommunes.get(l.old)?.district ?? l.old));
  return { oldCommune: chosen.old, newCommune: code, byRule: { oldCommune: candidates.length > 1, oldDistrict: candidates.length > 1 && districts.size > 1, newCommune: false } };
}

/** An area as tests name it: a structure and a code (the nation: `VN`). */
export interface AreaRef {
  structure: Structure;
  code: string;
}

/** True when a placed fact counts in the area; and whether it was placed there by rule. */
export function placeIn(place: Place, area: AreaRef): { inside: boolean; byRule: boolean } {
  const { oldCommunes, oldDistrictProvince, newProvinceOf } = reference();
  if (area.code === 'VN') return { inside: true, byRule: false };
  if (area.structure === 'TWO_TIER') {
    if (area.code.length === 5) return { inside: place.newCommune === area.code, byRule: place.byRule.newCommune };
    return { inside: newProvinceOf.get(place.newCommune) === area.code, byRule: false };
  }
  const commune = oldCommunes.get(place.oldCommune);
  const district = commune?.district ?? place.oldCommune;
  const province = commune?.province ?? oldDistrictProvince.get(district);
  if (area.code.length === 5) return { inside: place.oldCommune === area.code, byRule: place.byRule.oldCommune };
  if (area.code.length === 3) return { inside: district === area.code, byRule: place.byRule.oldDistrict };
  return { inside: province === area.code, byRule: false };
}

/** The new communes an old commune passed into, in code order. */
export function successorsOf(oldCode: string): string[] {
  return (reference().byOld.get(oldCode) ?? []).map((l) => l.new);
}

export function predecessorsOf(newCode: string): string[] {
  return (reference().byNew.get(newCode) ?? []).map((l) => l.old);
}

/** The old communes of one old district, and the new communes of one new province. */
export function oldCommunesOf(district: string): string[] {
  return [...reference().oldCommunes.values()].filter((c) => c.district === district).map((c) => c.code).sort();
}

export function newCommunesOf(province: string): string[] {
  return [...reference().newProvinceOf].filter(([, p]) => p === province).map(([c]) => c).sort();
}

export const oldProvinceOf = (oldCommune: string) => reference().oldCommunes.get(oldCommune)?.province;

/** The old communes of one old province, in code order. */
export function oldCommunesOfProvince(province: string): string[] {
  return [...reference().oldCommunes.values()].filter((c) => c.province === province).map((c) => c.code).sort();
}
