import { ancestorsOf, areasOfLevel, foldText, getArea, searchAreas } from '../../lib/areas';

// The source's text says 10,052 communes; the file itself lists 10,051 distinct codes.
test('the official list of 4 January 2025: 63 provinces, 696 districts, 10,051 communes', () => {
  expect(areasOfLevel('PROVINCE')).toHaveLength(63);
  expect(areasOfLevel('DISTRICT')).toHaveLength(696);
  expect(areasOfLevel('COMMUNE')).toHaveLength(10051);
});

test('kinds are read from names, in one spelling', () => {
  const kinds = new Set([...areasOfLevel('DISTRICT'), ...areasOfLevel('COMMUNE'), ...areasOfLevel('PROVINCE')].map((a) => a.kind));
  expect([...kinds].sort()).toEqual(['Huyện', 'Phường', 'Quận', 'Thành phố', 'Thị trấn', 'Thị xã', 'Tỉnh', 'Xã']);
});

test('a commune rolls up to its district, province and the nation', () => {
  expect(ancestorsOf('10525')).toEqual(['10525', '288', '30', 'VN']);
  expect(getArea('288')?.name).toBe('Thành phố Hải Dương');
});

test('search ignores case and diacritics and ranks exact names first', () => {
  expect(foldText('  Tỉnh   Hải Dương ')).toBe('tinh hai duong');
  expect(searchAreas('hai duong')[0].code).toBe('30');
  expect(searchAreas('chi linh')[0]).toMatchObject({ code: '290', name: 'Thành phố Chí Linh' });
  expect(searchAreas('Đà Nẵng', { level: 'PROVINCE' }).map((a) => a.code)).toEqual(['48']);
  expect(searchAreas('phuong', { limit: 5 })).toHaveLength(5);
  expect(searchAreas('   ')).toEqual([]);
});
