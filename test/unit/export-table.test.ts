/**
 * The rule that flattens an answer into one table (gateway/export/table.ts), on a small schema
 * of the graph's shape: columns from the operation, one row per innermost list item with the
 * parents' fields repeated, sibling lists one after the other, scalar lists joined, nulls empty.
 * Expected tables are written out by hand.
 */
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { tableRows, tableShape } from '../../gateway/export/table';

const schema = buildSchema(`
  type Query { province(code: String!): Province, provinces: [Province!]!, catalog: [Indicator!]!, matrix: [[Int]] }
  type Province { code: String!, name: String!, districts: [District!]!, stats: Stats }
  type District { code: String!, name: String!, stats: Stats, communes: [Commune!]! }
  type Commune { code: String! }
  type Stats { residency: Residency, years: [Int!] }
  type Residency { population: Int, newRegistrations: Int, suppressedFields: [String!]! }
  type Indicator { id: String!, sourceDomains: [String!]! }
`);

function table(query: string, data: Record<string, unknown>, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const shape = tableShape(schema, document, operation, variables);
  return { columns: shape.columns, rows: [...tableRows(shape, data)] };
}

const haiDuong = {
  code: '30',
  name: 'Tỉnh Hải Dương',
  districts: [
    { code: '288', name: 'Thành phố Hải Dương', stats: { residency: { population: 365, newRegistrations: -3, suppressedFields: [] } } },
    { code: '290', name: 'Thành phố Chí Linh', stats: { residency: { population: null, newRegistrations: null, suppressedFields: ['population', 'newRegistrations'] } } },
  ],
};

test('provinces → districts → stats → residency: a row per district, the province repeated, nulls empty, a scalar list joined', () => {
  const { columns, rows } = table(`{ province(code: "30") { name districts { code name stats { residency { population newRegistrations suppressedFields } } } } }`, { province: haiDuong });
  expect(columns).toEqual([
    'province.name',
    'province.districts.code',
    'province.districts.name',
    'province.districts.stats.residency.population',
    'province.districts.stats.residency.newRegistrations',
    'province.districts.stats.residency.suppressedFields',
  ]);
  expect(rows).toEqual([
    ['Tỉnh Hải Dương', '288', 'Thành phố Hải Dương', 365, -3, ''],
    ['Tỉnh Hải Dương', '290', 'Thành phố Chí Linh', null, null, 'population; newRegistrations'],
  ]);
});

test('two levels of lists: a row per innermost item; an empty list leaves its parent one row; a null object empty cells', () => {
  const data = {
    provinces: [
      { code: '30', districts: [{ code: '288', communes: [{ code: '10507' }, { code: '10510' }] }, { code: '290', communes: [] }] },
      { code: '01', districts: [] },
      { code: '02', districts: null },
    ],
  };
  const { columns, rows } = table(`{ provinces { code districts { code communes { code } } } }`, data);
  expect(columns).toEqual(['provinces.code', 'provinces.districts.code', 'provinces.districts.communes.code']);
  expect(rows).toEqual([
    ['30', '288', '10507'],
    ['30', '288', '10510'],
    ['30', '290', null],
    ['01', null, null],
    ['02', null, null],
  ]);
});

test('sibling lists come one after the other, never multiplied; the fields above repeat on both', () => {
  const data = {
    province: { code: '30', districts: [{ code: '288' }, { code: '290' }], stats: { years: [2023, 2024], residency: { population: 2191 } } },
    catalog: [{ id: 'chipIdCoverage', sourceDomains: ['residency'] }, { id: 'parcelDigitizationRate', sourceDomains: ['land', 'residency'] }],
  };
  const { columns, rows } = table(`{ province(code: "30") { code districts { code } stats { years residency { population } } } catalog { id sourceDomains } }`, data);
  expect(columns).toEqual(['province.code', 'province.districts.code', 'province.stats.years', 'province.stats.residency.population', 'catalog.id', 'catalog.sourceDomains']);
  expect(rows).toEqual([
    ['30', '288', '2023; 2024', 2191, null, null],
    ['30', '290', '2023; 2024', 2191, null, null],
    [null, null, null, null, 'chipIdCoverage', 'residency'],
    [null, null, null, null, 'parcelDigitizationRate', 'land; residency'],
  ]);
});

test('aliases name their columns; fragments add their fields where spread; @skip and @include leave fields out', () => {
  const query = `query($withName: Boolean!) {
    hd: province(code: "30") { ...P districts { code ... on District { name @include(if: $withName) } } }
    hn: province(code: "01") { ...P districts @skip(if: true) { code } }
  }
  fragment P on Province { code }`;
  const data = { hd: { code: '30', districts: [{ code: '288' }] }, hn: { code: '01' } };
  expect(table(query, data, { withName: false })).toEqual({
    columns: ['hd.code', 'hd.districts.code', 'hn.code'],
    // `hn` has no list left: one value per answer, on every row like a parent's.
    rows: [['30', '288', '01']],
  });
  expect(table(query, { ...data, hd: { ...data.hd, districts: [{ code: '288', name: 'Thành phố Hải Dương' }] } }, { withName: true }).columns).toEqual(['hd.code', 'hd.districts.code', 'hd.districts.name', 'hn.code']);
});

test('a list of lists of scalars is one cell; an answer with no list is one row', () => {
  expect(table(`{ matrix }`, { matrix: [[1, -2], [3, null]] })).toEqual({ columns: ['matrix'], rows: [['1; -2; 3; ']] });
  expect(table(`{ province(code: "30") { code name } }`, { province: null })).toEqual({ columns: ['province.code', 'province.name'], rows: [[null, null]] });
});
