/**
 * The two structures and the official crosswalk between them, as lib/areas reads them, checked
 * against what the files say (the figures of the reform in ../shared/DOMAIN.md and the issue).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { adminUnits, ancestorsOf, areaByCode, areasOfLevel, foldText, getArea, linkedAreas, oldProvincesOf, placeOf, placements, provinceOf, searchAreas } from '../../lib/areas';

const crosswalkRows: string[][] = parse(fs.readFileSync(path.resolve(__dirname, '../../reference/admin-units/crosswalk-2025-07-01.csv')), { from_line: 3, relax_column_count: true });
const dataRows = crosswalkRows.filter((r) => (r[2] ?? '').trim());

// The source's text says 10,052 communes; the file itself lists 10,051 distinct codes.
test('the three-tier structure of 4 January 2025: 63 provinces, 696 districts, 10,051 communes', () => {
  expect(areasOfLevel('PROVINCE', 'THREE_TIER')).toHaveLength(63);
  expect(areasOfLevel('DISTRICT', 'THREE_TIER')).toHaveLength(696);
  expect(areasOfLevel('COMMUNE', 'THREE_TIER')).toHaveLength(10051);
});

test('the two-tier structure of 1 July 2025: 34 provinces, 3,321 communes, no districts', () => {
  expect(areasOfLevel('PROVINCE', 'TWO_TIER')).toHaveLength(34);
  expect(areasOfLevel('COMMUNE', 'TWO_TIER')).toHaveLength(3321);
  expect(areasOfLevel('DISTRICT', 'TWO_TIER')).toHaveLength(0);
});

test('the crosswalk as the issue counts it: 10,571 rows, notes whole 9,464, part 822, unchanged 127, part of the area 81, area with all the population 58', () => {
  expect(dataRows).toHaveLength(10571);
  const count = (note: string) => dataRows.filter((r) => (r[5] ?? '').normalize('NFC').trim() === note.normalize('NFC')).length;
  expect(count('Nhập toàn bộ')).toBe(9464);
  expect(count('Nhập một phần')).toBe(822);
  expect(count('Giữ nguyên')).toBe(127);
  expect(count('Nhập một phần diện tích')).toBe(81);
  expect(count('Nhập một phần diện tích, toàn bộ dân số')).toBe(58);
  expect(new Set(dataRows.map((r) => r[4].trim()).filter(Boolean)).size).toBe(10033);
});

test('every old commune lands in exactly one new province, and 441 were split among several new communes', () => {
  const { links } = adminUnits();
  const provincesOf = new Map<string, Set<string>>();
  const communesOf = new Map<string, Set<string>>();
  for (const l of links) {
    provincesOf.set(l.oldCode, (provincesOf.get(l.oldCode) ?? new Set()).add(provinceOf(areaByCode(l.newCode, 'TWO_TIER')!)!.code));
    communesOf.set(l.oldCode, (communesOf.get(l.oldCode) ?? new Set()).add(l.newCode));
  }
  for (const commune of areasOfLevel('COMMUNE', 'THREE_TIER')) expect({ commune: commune.code, provinces: provincesOf.get(commune.code)?.size }).toEqual({ commune: commune.code, provinces: 1 });
  expect([...communesOf.values()].filter((s) => s.size > 1)).toHaveLength(441);
  // A new province is a union of whole old provinces.
  for (const p of areasOfLevel('PROVINCE', 'THREE_TIER')) expect({ province: p.code, into: p.successors.length }).toEqual({ province: p.code, into: 1 });
});

test("the crosswalk's wrong old-province column is corrected through the old commune codes", () => {
  // Cồn Cỏ is labelled "Quảng Trị (44)" (the new code): it was old Quảng Trị, 45.
  expect(dataRows.find((r) => r[6].includes('Cồn Cỏ'))![7]).toMatch(/\(44\)/);
  expect(linkedAreas(getArea('THREE_TIER:471')!, 'successors').map((a) => a.name)).toEqual(['Đặc khu Cồn Cỏ']);
  expect(provinceOf(getArea('THREE_TIER:471')!)!.code).toBe('45');
  // Phường 4 of Tân An (27691) is labelled Tiền Giang (82); it is Long An, 80, now in Tây Ninh (80).
  expect(dataRows.find((r) => r[4].trim() === '27691')![7]).toMatch(/\(82\)/);
  expect(provinceOf(areaByCode('27691', 'THREE_TIER')!)!.code).toBe('80');
  expect(linkedAreas(areaByCode('27691', 'THREE_TIER')!, 'successors').map((a) => provinceOf(a)!.code)).toEqual(['80']);
  // Xã Tiên Hải of Hà Tiên (30781) is labelled An Giang (89); it is Kiên Giang, 91, now in An Giang (91).
  expect(dataRows.find((r) => r[4].trim() === '30781')![7]).toMatch(/\(89\)/);
  expect(provinceOf(areaByCode('30781', 'THREE_TIER')!)!.code).toBe('91');
  // An empty heading names Bắc Ninh (24): no unit comes of it.
  expect(crosswalkRows.filter((r) => r[0].includes('Bắc Ninh (24)') && !(r[2] ?? '').trim())).toHaveLength(1);
});

test('codes repeat across the structures with other meanings; ids tell the units apart', () => {
  const newCodes = areasOfLevel('COMMUNE', 'TWO_TIER').map((a) => a.code);
  expect(newCodes.filter((c) => areaByCode(c, 'THREE_TIER')).length).toBe(3310);
  expect(getArea('TWO_TIER:31')!.name).toBe('Thành phố Hải Phòng');
  expect(getArea('THREE_TIER:31')!.name).toBe('Thành phố Hải Phòng');
  expect(getArea('TWO_TIER:31')!.key).not.toBe(getArea('THREE_TIER:31')!.key);
  expect(oldProvincesOf(getArea('TWO_TIER:31')!)).toEqual(['THREE_TIER:30', 'THREE_TIER:31']);
});

test('a commune rolls up to its district, province and the nation in its own structure', () => {
  expect(ancestorsOf(getArea('THREE_TIER:10525')!).map((a) => a.id)).toEqual(['THREE_TIER:10525', 'THREE_TIER:288', 'THREE_TIER:30', 'VN']);
  expect(getArea('THREE_TIER:288')?.name).toBe('Thành phố Hải Dương');
  expect(ancestorsOf(getArea('TWO_TIER:10525')!).map((a) => a.id)).toEqual(['TWO_TIER:10525', 'TWO_TIER:31', 'VN']);
});

test('a fact counts in one piece of both structures: exact where the crosswalk decides, by rule (and marked) where it does not', () => {
  // 10525 passed whole into 10525: exact.
  expect(placeOf('10525', 'THREE_TIER', '001099000001', 'people')).toMatchObject({ ruleCell: -1, oldUnit: { id: 'THREE_TIER:10525' }, newUnit: { id: 'TWO_TIER:10525' } });
  // 10528 was split between 10532 and 10537: each fact in one of them, chosen by rule.
  const chosen = new Set(Array.from({ length: 40 }, (_, i) => placeOf('10528', 'THREE_TIER', `0300990${String(i).padStart(5, '0')}`, 'people').newUnit.code));
  expect([...chosen].sort()).toEqual(['10532', '10537']);
  expect(placeOf('10528', 'THREE_TIER', 'x', 'people').ruleCell).toBeGreaterThanOrEqual(0);
  // A new commune made of several old ones: facts delivered with its code are placed in one of them by rule.
  const merged = placeOf('10507', 'TWO_TIER', '030099000001', 'people');
  expect(getArea('TWO_TIER:10507')!.predecessors.map((l) => l.areaId)).toContain(merged.oldUnit.id);
  expect(merged.ruleCell).toBeGreaterThanOrEqual(0);
  // Every cell's chain ends with the nation, counted once.
  const nation = placements().positionOfKey.get('VN')!;
  for (const chain of placements().chains) expect([...chain].filter((p) => p === nation).length).toBeLessThanOrEqual(1);
});

test('search ignores case and diacritics, in both structures, current units first', () => {
  expect(foldText('  Tỉnh   Hải Dương ')).toBe('tinh hai duong');
  expect(searchAreas('hai duong', { structure: 'THREE_TIER' })[0].code).toBe('30');
  expect(searchAreas('chi linh', { structure: 'THREE_TIER' })[0]).toMatchObject({ code: '290', name: 'Thành phố Chí Linh' });
  expect(searchAreas('Đà Nẵng', { level: 'PROVINCE' }).map((a) => a.id)).toEqual(['TWO_TIER:48', 'THREE_TIER:48']);
  expect(searchAreas('phuong', { limit: 5 })).toHaveLength(5);
  expect(searchAreas('phuong', { limit: 5 }).every((a) => a.structure === 'TWO_TIER')).toBe(true);
  expect(searchAreas('   ')).toEqual([]);
});
