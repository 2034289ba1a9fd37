/**
 * The official crosswalk from the communes of the three-tier structure (list of 4 January 2025)
 * to those of the two-tier structure (1 July 2025), read from
 * `reference/admin-units/crosswalk-2025-07-01.csv` and traced through old commune codes.
 *
 * The file needs care (checked by test/unit/crosswalk.test.ts):
 * - its old-province column is wrong in three rows (Cồn Cỏ, Phường 4 of Tân An, Xã Tiên Hải of
 *   Hà Tiên) and one row is an empty heading: a row's old unit is found from its old commune
 *   code in the list of 4 January 2025, never from that column;
 * - it was made after some communes had merged between January and June 2025, so 10 of its old
 *   codes are not in the January list and 28 communes of that list are not in it. Seven of the
 *   former are January communes renumbered (same district, same name): they are read as those
 *   communes. For each of the 28 the successor is taken by rule (BY_RULE): the new commune of the
 *   crosswalk row of the same old district whose old code is nearest (the lower on a tie), since
 *   codes are numbered along the ground;
 * - five island districts had no communes; the crosswalk turns each into a special zone (đặc
 *   khu) with no old commune code: the district itself is the predecessor.
 */
import { parse } from 'csv-parse/sync';
import { foldText, type AreaRelation } from './model';

/** One old unit passing (wholly or in part) into one new commune. */
export interface CommuneLink {
  /** The old commune's code, or the old district's for an island district without communes. */
  oldCode: string;
  newCode: string;
  relation: AreaRelation;
  note: string | null;
}

export interface NewCommuneRow {
  code: string;
  name: string;
  provinceCode: string;
  provinceName: string;
}

export interface Crosswalk {
  links: CommuneLink[];
  newCommunes: Map<string, NewCommuneRow>;
}

export interface OldCommuneRow {
  code: string;
  name: string;
  districtCode: string;
}

const codeIn = (text: string) => /\((\d+)\)\s*$/.exec(text.trim())?.[1] ?? null;
const nameBefore = (text: string) => text.replace(/\s*\(\d+\)\s*$/, '').trim();
const clean = (text: string) => text.normalize('NFC').replace(/\s+/g, ' ').trim();

/** The crosswalk's note, as one of the relations (the file spells some notes in several ways). */
export function relationOf(note: string): AreaRelation {
  const n = foldText(note);
  if (n.includes('toan bo dan so')) return 'PART_OF_AREA_ALL_POPULATION';
  if (n.includes('mot phan dan so')) return 'PART_OF_POPULATION';
  if (n.includes('mot phan dien tich')) return 'PART_OF_AREA';
  if (n.includes('mot phan') || n.includes('phan con lai')) return 'PART';
  if (n.includes('toan bo')) return 'WHOLE';
  if (n.includes('giu nguyen')) return 'UNCHANGED';
  if (n.includes('doi ten')) return 'RENAMED';
  if (n.includes('doi loai hinh')) return 'KIND_CHANGED';
  throw new Error(`Crosswalk note "${note}" has no known relation`);
}

/**
 * Reads the crosswalk against the old communes (by code) and the old districts without communes.
 */
export function readCrosswalk(text: string | Buffer, oldCommunes: Map<string, OldCommuneRow>, districtsWithoutCommunes: Set<string>): Crosswalk {
  const rows: string[][] = parse(text, { from_line: 3, relax_column_count: true, skip_empty_lines: true });
  const newCommunes = new Map<string, NewCommuneRow>();
  interface Raw { oldCode: string; oldName: string; districtCode: string; newCode: string; relation: AreaRelation; note: string }
  const raw: Raw[] = [];
  for (const r of rows) {
    const [province, newName, newCodeCell, oldName, oldCodeCell, note, district] = r.map((c) => clean(c ?? ''));
    // Province headings (and one empty row naming Bắc Ninh) have no new commune code.
    if (!newCodeCell) continue;
    const provinceCode = codeIn(province);
    if (!provinceCode || !/^\d{5}$/.test(newCodeCell)) throw new Error(`Crosswalk row without a province or commune code: ${r.join(',')}`);
    if (!newCommunes.has(newCodeCell)) newCommunes.set(newCodeCell, { code: newCodeCell, name: newName, provinceCode, provinceName: nameBefore(province) });
    raw.push({ oldCode: oldCodeCell, oldName, districtCode: codeIn(district) ?? '', newCode: newCodeCell, relation: relationOf(note), note });
  }

  // Old codes of the crosswalk that are not January communes, and January communes it lacks.
  const named = new Set(raw.map((r) => r.oldCode).filter(Boolean));
  const missing = [...oldCommunes.values()].filter((c) => !named.has(c.code));
  const renumbered = new Map<string, string>();
  for (const r of raw) {
    if (!r.oldCode || oldCommunes.has(r.oldCode) || renumbered.has(r.oldCode)) continue;
    const same = missing.filter((c) => c.districtCode === r.districtCode && foldText(c.name) === foldText(r.oldName));
    if (same.length === 1) renumbered.set(r.oldCode, same[0].code);
  }

  const links: CommuneLink[] = [];
  for (const r of raw) {
    if (!r.oldCode) {
      // A whole island district became a special zone; other rows without a code name a piece of
      // land that was no commune (an alluvial strip) and add no predecessor.
      if (districtsWithoutCommunes.has(r.districtCode)) links.push({ oldCode: r.districtCode, newCode: r.newCode, relation: 'WHOLE', note: r.note });
      continue;
    }
    const oldCode = oldCommunes.has(r.oldCode) ? r.oldCode : renumbered.get(r.oldCode);
    // A commune created and merged again between January and July: its January communes are
    // among the missing ones, placed by rule below.
    if (!oldCode) continue;
    links.push({ oldCode, newCode: r.newCode, relation: r.relation, note: r.note });
  }

  const linked = new Set(links.map((l) => l.oldCode));
  for (const c of missing) {
    if (linked.has(c.code)) continue;
    const sameDistrict = raw.filter((r) => r.districtCode === c.districtCode && /^\d{5}$/.test(r.oldCode));
    if (sameDistrict.length === 0) throw new Error(`Commune ${c.code} of district ${c.districtCode} has no crosswalk row in its district`);
    const distance = (r: Raw) => Math.abs(Number(r.oldCode) - Number(c.code));
    const nearest = sameDistrict.reduce((a, b) => (distance(b) < distance(a) || (distance(b) === distance(a) && b.oldCode < a.oldCode) ? b : a));
    links.push({
      oldCode: c.code,
      newCode: nearest.newCode,
      relation: 'BY_RULE',
      note: `Not in the crosswalk (merged between 4 January and 30 June 2025); successor taken by rule: the new commune of the nearest old code of its district, ${nearest.oldCode}`,
    });
  }
  links.sort((a, b) => a.oldCode.localeCompare(b.oldCode) || a.newCode.localeCompare(b.newCode));
  return { links, newCommunes };
}
