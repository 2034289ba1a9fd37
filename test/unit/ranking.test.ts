import { rank, rankedValue } from '../../services/indicators/ranking';

// Three-tier communes of Hải Dương (codes only matter for ties and names).
const unit = (code: string, population: number | null, eidLevel2: number | null) => ({
  areaId: `THREE_TIER:${code}`,
  period: '2024-11',
  residency: { population, eidLevel2, protected: true, estimated: false, complete: true },
});
const units = [unit('10525', 10, 5), unit('10528', 10, 8), unit('10531', null, null), unit('10534', 0, 0), unit('10537', 4, 2), unit('10540', 20, 10)];
const figure = { figure: 'residency.population' } as const;
const share = { id: 'eidLevel2Coverage', formula: { numerator: ['residency.eidLevel2'], denominator: ['residency.population'], factor: 1 } };

test('descending by a figure: ties share a rank and keep code order, nulls last without a rank', () => {
  expect(rank(units, figure, 'DESC').map((e) => [e.rank, e.areaCode, e.value])).toEqual([
    [1, '10540', 20], [2, '10525', 10], [2, '10528', 10], [4, '10537', 4], [5, '10534', 0], [null, '10531', null],
  ]);
});

test('ascending by a rate: a zero denominator is null, and null stays last', () => {
  expect(rank(units, share, 'ASC').map((e) => [e.rank, e.areaCode, e.value])).toEqual([
    [1, '10525', 0.5], [1, '10537', 0.5], [1, '10540', 0.5], [4, '10528', 0.8], [null, '10531', null], [null, '10534', null],
  ]);
});

test('first keeps the first entries; the flags come from the figures read', () => {
  const top = rank(units, share, 'DESC', 2);
  expect(top.map((e) => [e.rank, e.areaCode, e.numerator, e.denominator, e.protected])).toEqual([[1, '10528', 8, 10, true], [2, '10525', 5, 10, true]]);
  expect(() => rank(units, figure, 'DESC', 0)).toThrow('Invalid first 0: must be 1 to 20000');
});

test('what a ranking orders by: a figure, a catalogue id, or a formula; never both, never an unknown name', () => {
  const catalogue = (id: string) => (id === 'eidLevel2Coverage' ? share.formula : undefined);
  expect(rankedValue({ by: 'residency.population' }, catalogue)).toEqual(figure);
  expect(rankedValue({ by: 'eidLevel2Coverage' }, catalogue)).toEqual(share);
  expect(rankedValue({ numerator: ['land.parcels'], denominator: ['residency.population'], factor: 1000 }, catalogue)).toEqual({ id: 'custom', formula: { numerator: ['land.parcels'], denominator: ['residency.population'], factor: 1000 } });
  expect(() => rankedValue({ by: 'residency.population', numerator: ['land.parcels'] }, catalogue)).toThrow('Give either by');
  expect(() => rankedValue({}, catalogue)).toThrow('Give either by');
  expect(() => rankedValue({ by: 'eidShare' }, catalogue)).toThrow('Unknown indicator "eidShare" in by');
  expect(() => rankedValue({ by: 'residency.populaton' }, catalogue)).toThrow('Unknown figure "residency.populaton" in by (did you mean residency.population?)');
});
