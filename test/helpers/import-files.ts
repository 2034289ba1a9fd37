/**
 * Import files for tests and the import benchmark: valid citizens and parcels from a fixed
 * seed, generated one at a time (a million rows never sit in memory), and writers for CSV and
 * XLSX that put cells the way people's files do (XLSX: real date cells, codes typed as numbers).
 */
import fs from 'node:fs';
import seedrandom from 'seedrandom';
import ExcelJS from 'exceljs';
import type { Sex } from '../../lib/personal-id';
import type { Citizen } from '../../services/residency/facts';
import type { Parcel } from '../../services/land/facts';
import { oldProvinceOf } from './reference';

/** The columns of the files, as the README documents them (the optional residence-history columns left out). */
export const RESIDENCY_COLUMNS = ['personal_id', 'full_name', 'birth_date', 'sex', 'commune_code', 'commune_structure', 'registered_on', 'chip_card_issued_on', 'eid_level1_on', 'eid_level2_on'] as const;
export const RESIDENCY_HISTORY_COLUMNS = ['previous_residences', 'residence_ended_on', 'residence_end_reason'] as const;
export const LAND_COLUMNS = ['parcel_id', 'commune_code', 'commune_structure', 'area_m2', 'land_use', 'owner_personal_id', 'digitized_on'] as const;

export type Cells = Record<string, string | number | Date | null>;

/** A citizen's row in a residency import file, as the README documents it (written without the import's own code). */
export const citizenCells = (c: Citizen): Cells => ({
  personal_id: c.personalId,
  full_name: c.fullName,
  birth_date: c.birthDate,
  sex: c.sex,
  commune_code: c.communeCode,
  commune_structure: c.communeStructure,
  registered_on: c.registeredOn,
  chip_card_issued_on: c.chipCardIssuedOn,
  eid_level1_on: c.eidLevel1On,
  eid_level2_on: c.eidLevel2On,
  previous_residences: c.previousResidences.map((r) => `${r.communeCode} ${r.registeredOn} ${r.communeStructure}`).join(';') || null,
  residence_ended_on: c.residenceEndedOn,
  residence_end_reason: c.residenceEndReason,
});

/** A parcel's row in a land import file. */
export const parcelCells = (p: Parcel): Cells => ({
  parcel_id: p.parcelId,
  commune_code: p.communeCode,
  commune_structure: p.communeStructure,
  area_m2: p.areaM2,
  land_use: p.landUse,
  owner_personal_id: p.ownerPersonalId,
  digitized_on: p.digitizedOn,
});

/** Digit 4 of a personal ID: century and sex (written apart from lib/personal-id). */
const centuryDigit = (year: number, sex: Sex) => (Math.floor(year / 100) - 19) * 2 + (sex === 'F' ? 1 : 0);
const isIsoDate = (t: string) => /^\d{4}-\d{2}-\d{2}$/.test(t) && new Date(`${t}T00:00:00Z`).toISOString().slice(0, 10) === t;

const DAY = 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;
const isoOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Ngọc', 'Hữu', 'Thu', 'Quang'];
const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Hà', 'Hùng', 'Lan', 'Linh', 'Nam', 'Phương', 'Quân', 'Thảo', 'Trang', 'Tuấn'];

function provinceOf(communeCode: string): string {
  const province = oldProvinceOf(communeCode);
  if (!province) throw new Error(`${communeCode} is not a commune of the three-tier structure`);
  return province;
}

/**
 * Valid citizens spread over `communes` (three-tier codes, so residences registered before the
 * reform), with unique IDs consistent with their birth date and sex.
 */
export function* generateCitizens(seed: string, count: number, communes: readonly string[]): Generator<Citizen> {
  const rng = seedrandom.alea(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)];
  const between = (from: number, to: number) => from + Math.floor(rng() * (to - from + 1));
  const serials = new Map<string, number>();
  const provinces = new Map(communes.map((c) => [c, provinceOf(c)]));
  const [d1940, d1990, d2015, d2021, d2022h2, d2025h1, d2025q3, d2025] = ['1940-01-01', '1990-01-01', '2015-12-31', '2021-01-01', '2022-07-01', '2025-06-30', '2025-09-30', '2025-12-31'].map(dayOf);
  for (let i = 0; i < count; i++) {
    const communeCode = pick(communes);
    const sex: Sex = rng() < 0.5 ? 'M' : 'F';
    const birth = between(d1940, d2015);
    const birthDate = isoOf(birth);
    const prefix = `0${provinces.get(communeCode)}${centuryDigit(Number(birthDate.slice(0, 4)), sex)}${birthDate.slice(2, 4)}`;
    const serial = serials.get(prefix) ?? 0;
    serials.set(prefix, serial + 1);
    const adult = birth + 14 * 365;
    const chip = rng() < 0.8 && Math.max(adult, d2021) <= d2025q3 ? between(Math.max(adult, d2021), d2025q3) : null;
    const eid1 = rng() < 0.6 ? between(Math.max(birth, d2022h2), d2025h1) : null;
    const eid2 = rng() < 0.5 ? (eid1 !== null && rng() < 0.2 ? eid1 : between(Math.max(eid1 ?? d2022h2, birth), d2025)) : null;
    yield {
      personalId: prefix + String(serial).padStart(6, '0'),
      fullName: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
      birthDate,
      sex,
      communeCode,
      communeStructure: 'THREE_TIER',
      registeredOn: isoOf(between(Math.max(birth, d1990), d2025h1)),
      previousResidences: [],
      residenceEndedOn: null,
      residenceEndReason: null,
      chipCardIssuedOn: chip === null ? null : isoOf(chip),
      eidLevel1On: eid1 === null ? null : isoOf(eid1),
      eidLevel2On: eid2 === null ? null : isoOf(eid2),
    };
  }
}

/** Valid parcels spread over `communes`; about half digitized, most with an owner. */
export function* generateParcels(seed: string, count: number, communes: readonly string[]): Generator<Parcel> {
  const rng = seedrandom.alea(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)];
  const [d2019, d2025] = ['2019-01-01', '2025-12-31'].map(dayOf);
  for (let i = 0; i < count; i++) {
    const communeCode = pick(communes);
    const owned = rng() < 0.8;
    yield {
      parcelId: `T-${communeCode}-${i}`,
      communeCode,
      communeStructure: 'THREE_TIER',
      areaM2: Math.round(10 + rng() * 50_000) / 10,
      landUse: pick(['ONT', 'ODT', 'LUC', 'CLN', 'BHK']),
      ownerPersonalId: owned ? `0${provinceOf(communeCode)}${Math.floor(rng() * 4)}${String(Math.floor(rng() * 100)).padStart(2, '0')}${String(i % 1_000_000).padStart(6, '0')}` : null,
      digitizedOn: rng() < 0.5 ? isoOf(d2019 + Math.floor(rng() * (d2025 - d2019 + 1))) : null,
    };
  }
}

function csvCell(v: Cells[string]): string {
  if (v === null) return '';
  const s = v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes a CSV with the given header (in that order, as written); streams, so any row count fits. */
export function writeCsv(file: string, header: readonly string[], rows: Iterable<Cells>, options: { bom?: boolean; keys?: readonly string[] } = {}): number {
  const keys = options.keys ?? header;
  const fd = fs.openSync(file, 'w');
  let n = 0;
  try {
    let buf = (options.bom ? '\uFEFF' : '') + header.map(csvCell).join(',') + '\n';
    for (const row of rows) {
      buf += keys.map((k) => csvCell(row[k])).join(',') + '\n';
      n++;
      if (buf.length > 1 << 20) {
        fs.writeSync(fd, buf);
        buf = '';
      }
    }
    fs.writeSync(fd, buf);
  } finally {
    fs.closeSync(fd);
  }
  return n;
}

/**
 * Writes the first sheet of an XLSX file as a spreadsheet user would: ISO date text becomes a
 * date cell, and with `numericCodes` the listed code columns become number cells (their leading
 * zeros gone, as Excel does to typed codes).
 */
export async function writeXlsx(file: string, header: readonly string[], rows: Iterable<Cells>, options: { numericCodes?: readonly string[]; keys?: readonly string[] } = {}): Promise<void> {
  const keys = options.keys ?? header;
  const numeric = new Set(options.numericCodes ?? []);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: true });
  const sheet = workbook.addWorksheet('Dữ liệu');
  sheet.addRow([...header]).commit();
  for (const row of rows) {
    const values = keys.map((k) => {
      const v = row[k];
      // A spreadsheet keeps what is not a real day (30 February) as the text typed.
      if (typeof v === 'string' && isIsoDate(v)) return new Date(`${v}T00:00:00Z`);
      if (typeof v === 'string' && numeric.has(k) && /^\d+$/.test(v)) return Number(v);
      return v;
    });
    sheet.addRow(values).commit();
  }
  // A second sheet, to show that only the first is read.
  workbook.addWorksheet('Ghi chú').addRow(['not data']).commit();
  await workbook.commit();
}
