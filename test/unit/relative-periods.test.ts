import { resolvePeriod, resolveRelativePeriod, seriesPeriods, RELATIVE_PERIODS, type RelativePeriod } from '../../lib/relative-periods';

const labels = (name: RelativePeriod, today: string) => resolveRelativePeriod(name, today).map((p) => p.label);

describe('relative periods, resolved against today', () => {
  test.each<[RelativePeriod, string, string[]]>([
    ['THIS_MONTH', '2025-01-15', ['2025-01']],
    ['LAST_MONTH', '2025-01-15', ['2024-12']],
    ['LAST_MONTH', '2025-03-31', ['2025-02']],
    ['LAST_3_MONTHS', '2025-01-01', ['2024-10', '2024-11', '2024-12']],
    ['LAST_3_MONTHS', '2025-02-28', ['2024-11', '2024-12', '2025-01']],
    ['LAST_6_MONTHS', '2025-04-10', ['2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03']],
    ['LAST_12_MONTHS', '2026-11-29', ['2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']],
    ['LAST_12_MONTHS', '2025-01-01', ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06', '2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12']],
    ['THIS_QUARTER', '2025-12-31', ['2025-Q4']],
    ['LAST_QUARTER', '2025-01-01', ['2024-Q4']],
    ['LAST_QUARTER', '2025-04-01', ['2025-Q1']],
    ['LAST_4_QUARTERS', '2025-02-14', ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']],
    ['LAST_4_QUARTERS', '2026-11-29', ['2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3']],
    ['THIS_YEAR', '2025-12-31', ['2025']],
    ['LAST_YEAR', '2025-01-01', ['2024']],
  ])('%s on %s is %j', (name, today, expected) => {
    expect(labels(name, today)).toEqual(expected);
  });

  test('every name resolves to as many consecutive periods as it says, the last ending before today unless it is THIS_*', () => {
    for (const today of ['2024-02-29', '2025-01-01', '2025-06-30', '2025-07-01', '2026-12-31']) {
      for (const name of Object.keys(RELATIVE_PERIODS) as RelativePeriod[]) {
        const periods = resolveRelativePeriod(name, today);
        const rule = RELATIVE_PERIODS[name];
        expect(periods).toHaveLength(rule.count);
        for (const p of periods) expect(p.unit).toBe(rule.unit);
        const last = periods[periods.length - 1];
        if (rule.current) expect(last.start <= today && today <= last.end).toBe(true);
        else expect(last.end < today).toBe(true);
        for (let i = 1; i < periods.length; i++) {
          const next = new Date(`${periods[i - 1].end}T00:00:00Z`);
          next.setUTCDate(next.getUTCDate() + 1);
          expect(periods[i].start).toBe(next.toISOString().slice(0, 10));
        }
      }
    }
  });
});

describe('resolvePeriod', () => {
  test('labels pass through; a relative period of one period becomes its label', () => {
    expect(resolvePeriod('2024-11', '2026-11-29').label).toBe('2024-11');
    expect(resolvePeriod('LAST_MONTH', '2026-01-05').label).toBe('2025-12');
    expect(resolvePeriod('THIS_YEAR', '2026-01-05')).toEqual({ label: '2026', unit: 'YEAR', start: '2026-01-01', end: '2026-12-31' });
  });

  test('a relative period of several periods is refused as one period, naming it and saying where it fits', () => {
    expect(() => resolvePeriod('LAST_12_MONTHS', '2026-11-29')).toThrow(/Invalid period "LAST_12_MONTHS": it names 12 periods \(2025-11 to 2026-10 today\).*range: LAST_12_MONTHS/);
    try {
      resolvePeriod('LAST_12_MONTHS', '2026-11-29');
    } catch (err: any) {
      expect(err.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'period', value: 'LAST_12_MONTHS' });
    }
    expect(() => resolvePeriod('LAST_WEEK', '2026-11-29')).toThrow('Invalid period "LAST_WEEK": expected YYYY');
  });

  test('as the end of a series, several periods give their first or last', () => {
    expect(resolvePeriod('LAST_4_QUARTERS', '2026-11-29', 'from', 'first').label).toBe('2025-Q4');
    expect(resolvePeriod('LAST_4_QUARTERS', '2026-11-29', 'to', 'last').label).toBe('2026-Q3');
  });
});

describe('seriesPeriods', () => {
  const today = '2026-02-10';
  const of = (args: Parameters<typeof seriesPeriods>[0]) => seriesPeriods(args, today).map((p) => p.label);

  test('a range in its own periods', () => {
    expect(of({ range: 'LAST_3_MONTHS' })).toEqual(['2025-11', '2025-12', '2026-01']);
    expect(of({ range: 'LAST_4_QUARTERS', every: 'QUARTER' })).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
  });

  test('a range in other periods stops at the current one', () => {
    expect(of({ range: 'THIS_YEAR', every: 'MONTH' })).toEqual(['2026-01', '2026-02']);
    expect(of({ range: 'LAST_YEAR', every: 'QUARTER' })).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
  });

  test('from and to may be relative', () => {
    expect(of({ from: 'LAST_YEAR', to: 'THIS_MONTH', every: 'QUARTER' })).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1']);
    expect(of({ from: 'LAST_3_MONTHS', to: 'LAST_3_MONTHS', every: 'MONTH' })).toEqual(['2025-11', '2025-12', '2026-01']);
    expect(of({ from: '2025-12', to: '2026-01', every: 'MONTH' })).toEqual(['2025-12', '2026-01']);
  });

  test('bad combinations are BAD_USER_INPUT naming the argument', () => {
    expect(() => of({ range: 'LAST_MONTH', from: '2025-01' })).toThrow('Give either range or from and to, not both');
    expect(() => of({ range: 'NEXT_MONTH' })).toThrow('Invalid range "NEXT_MONTH": expected one of THIS_MONTH');
    expect(() => of({ from: '2025-01', every: 'MONTH' })).toThrow('Missing to: give from, to and every, or a relative range');
  });
});
