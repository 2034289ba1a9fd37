/**
 * The column kinds of import files (lib/import/columns.ts), cell by cell: what each accepts, what
 * it refuses and with which words, and the rules across columns (where a commune code can stand,
 * dates in order). Expected values are written from the file format the README documents.
 */
import { cellsOf, col, defineImport, Invalid, locationProblem, notBefore, type ParseContext } from '../../lib/import/columns';

const ctx: ParseContext = { today: '2026-11-29', dataThrough: '2026-10-31', structure: 'THREE_TIER' };
const NOT_A_DATE = { invalid: 'not a date written YYYY-MM-DD' };
const NOT_A_NUMBER = { invalid: 'not a number of square metres (write it like 1234.5, without thousands separators)' };
/** A parse result as a plain value: the value, or `{ invalid: reason }`. */
const parsed = (v: unknown) => (v instanceof Invalid ? { invalid: v.reason } : v);

describe('text', () => {
  const name = col.text({ maxLength: 5 });
  test('is NFC-normalized and kept up to its maximum length', () => {
    // "Việt" typed as decomposed marks is five code units too many before normalization.
    const decomposed = 'Vie\u0323\u0302t';
    expect(decomposed.length).toBe(6);
    expect(parsed(name.parse(decomposed, ctx))).toBe('Việt');
    expect(parsed(name.parse('abcde', ctx))).toBe('abcde');
    expect(parsed(name.parse('abcdef', ctx))).toEqual({ invalid: 'longer than 5 characters (6)' });
    expect(name.required).toBe(true);
  });
  test.each([
    ['a\u0000', 'U+0000', 2], ['\tab', 'U+0009', 1], ['ab\u001f', 'U+001F', 3], ['a\u007f', 'U+007F', 2], ['a\u009f', 'U+009F', 2],
    ['a\u200e', 'U+200E', 2], ['\u200f', 'U+200F', 1], ['a\u202a', 'U+202A', 2], ['a\u202e', 'U+202E', 2], ['a\u2066', 'U+2066', 2], ['a\u2069', 'U+2069', 2],
  ])('%j is refused for its invisible %s at character %i', (text, code, at) => {
    expect(parsed(name.parse(text, ctx))).toEqual({ invalid: `contains the invisible character ${code} at character ${at}: text may not hold control or text-direction characters` });
  });
  test('characters next to the refused ranges are text', () => {
    expect(['a ', 'a~', 'a\u00a0', 'a\u200d', 'a\u2065', 'a\u206a', 'a\u202f'].map((t) => parsed(name.parse(t, ctx)))).toEqual(['a ', 'a~', 'a\u00a0', 'a\u200d', 'a\u2065', 'a\u206a', 'a\u202f']);
  });
});

describe('date', () => {
  const date = col.date();
  test.each([
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
    ['1900-01-01', '1900-01-01'],
    ['2026-10-31', '2026-10-31'],
    ['2023-12-31', '2023-12-31'],
    ['2023-01-01', '2023-01-01'],
    ['2024-1-01', NOT_A_DATE],
    ['2024/01/01', NOT_A_DATE],
    ['2024-01/01', NOT_A_DATE],
    ['2024/01-01', NOT_A_DATE],
    ['2024-01-011', NOT_A_DATE],
    ['2024-0a-01', NOT_A_DATE],
    ['2024-01-0:', NOT_A_DATE],
    ['2024-01-0/', NOT_A_DATE],
    ['20240-1-01', NOT_A_DATE],
    ['2023-02-29', { invalid: 'no such day in the calendar' }],
    ['1900-02-29', { invalid: 'no such day in the calendar' }],
    ['2024-02-30', { invalid: 'no such day in the calendar' }],
    ['2024-04-31', { invalid: 'no such day in the calendar' }],
    ['2024-13-01', { invalid: 'no such day in the calendar' }],
    ['2024-00-10', { invalid: 'no such day in the calendar' }],
    ['2024-05-00', { invalid: 'no such day in the calendar' }],
    ['2024-12-32', { invalid: 'no such day in the calendar' }],
    ['1899-12-31', { invalid: 'before 1900-01-01' }],
    ['2026-11-30', { invalid: 'in the future (today is 2026-11-29)' }],
    ['2026-11-29', { invalid: "after 2026-10-31, the day the file's data is current through (--data-through)" }],
    ['2026-11-01', { invalid: "after 2026-10-31, the day the file's data is current through (--data-through)" }],
  ])('%s → %j', (text, expected) => {
    expect(parsed(date.parse(text, ctx))).toEqual(expected);
  });
  test('today itself is not in the future', () => {
    expect(parsed(date.parse('2026-11-29', { ...ctx, dataThrough: '2026-11-29' }))).toBe('2026-11-29');
  });
  test('every day of 1999-2004 is accepted and no other day of those months', () => {
    const accepted: string[] = [];
    for (let y = 1999; y <= 2004; y++) for (let m = 1; m <= 12; m++) for (let d = 1; d <= 31; d++) {
      const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      if (typeof date.parse(text, ctx) === 'string') accepted.push(text);
    }
    // 365 days a year, 366 in 2000 and 2004.
    expect(accepted).toHaveLength(6 * 365 + 2);
    expect(accepted).toContain('2000-02-29');
    expect(accepted).not.toContain('1999-02-29');
  });
});

describe('codes and numbers', () => {
  test('a date, a code and a number must be given: only optional() and absentOk() make a column optional', () => {
    expect([col.date().required, col.oneOf(['A']).required, col.positiveNumber('m').required]).toEqual([true, true, true]);
    expect([col.optional(col.date()).required, col.absentOk(col.oneOf(['A'])).required]).toEqual([false, false]);
  });

  test('oneOf matches without regard to case and gives the value as listed', () => {
    const sex = col.oneOf(['M', 'F', 'Unknown']);
    expect(['m', 'F', 'UNKNOWN', 'unknown'].map((t) => parsed(sex.parse(t, ctx)))).toEqual(['M', 'F', 'Unknown', 'Unknown']);
    expect(parsed(sex.parse('X', ctx))).toEqual({ invalid: 'must be one of M, F, Unknown' });
  });

  test('structure: THREE_TIER or TWO_TIER, optional, and may be left out of the file', () => {
    const s = col.structure();
    expect([s.required, s.mayBeAbsent]).toEqual([false, true]);
    expect(['two_tier', 'THREE_TIER'].map((t) => parsed(s.parse(t, ctx)))).toEqual(['TWO_TIER', 'THREE_TIER']);
    expect(parsed(s.parse('ONE_TIER', ctx))).toEqual({ invalid: 'must be one of THREE_TIER, TWO_TIER' });
  });

  test.each([
    ['80', 80], ['80.5', 80.5], ['.5', 0.5], ['.25', 0.25], ['12.75', 12.75], ['5.', 5], ['+3', 3], ['1e3', 1000], ['2.5E-1', 0.25], ['1e+2', 100], ['2e10', 2e10],
    ['0', { invalid: 'must be greater than 0 (square metres)' }],
    ['-4', { invalid: 'must be greater than 0 (square metres)' }],
    ['0.0', { invalid: 'must be greater than 0 (square metres)' }],
    ['1,234.5', NOT_A_NUMBER],
    ['1 234', NOT_A_NUMBER],
    ['x12', NOT_A_NUMBER],
    ['12x', NOT_A_NUMBER],
    ['0x10', NOT_A_NUMBER],
    ['Infinity', NOT_A_NUMBER],
    ['1e999', NOT_A_NUMBER],
    ['.', NOT_A_NUMBER],
    ['e5', NOT_A_NUMBER],
    ['1e', NOT_A_NUMBER],
  ])('positiveNumber %j → %j', (text, expected) => {
    expect(parsed(col.positiveNumber('square metres').parse(text, ctx))).toEqual(expected);
  });

  test('personalId: 12 digits, its width known to restore lost zeros, and a hint when a zero was lost', () => {
    const id = col.personalId();
    expect([id.required, id.digits]).toEqual([true, 12]);
    expect(parsed(id.parse('030085001234', ctx))).toBe('030085001234');
    expect(parsed(id.parse('30085001234', ctx))).toEqual({ invalid: 'must be exactly 12 digits (a leading zero lost? store IDs as text)' });
    expect(parsed(id.parse('085001234', ctx))).toEqual({ invalid: 'must be exactly 12 digits (a leading zero lost? store IDs as text)' });
    expect(parsed(id.parse('85001234', ctx))).toEqual({ invalid: 'must be exactly 12 digits' });
    expect(parsed(id.parse('0300850012345', ctx))).toEqual({ invalid: 'must be exactly 12 digits' });
    expect(parsed(id.parse('x30085001234', ctx))).toEqual({ invalid: 'must be exactly 12 digits' });
    expect(parsed(id.parse('130085001234', ctx))).toEqual({ invalid: 'digits 1-3 "130" are not a province code' });
  });

  test('communeCode: 5 digits, with a hint when fewer digits suggest a lost zero', () => {
    const code = col.communeCode();
    expect([code.required, code.digits]).toEqual([true, 5]);
    expect(parsed(code.parse('00004', ctx))).toBe('00004');
    expect(['4', '1234'].map((t) => parsed(code.parse(t, ctx)))).toEqual([
      { invalid: 'a commune code has 5 digits (a leading zero lost? store codes as text)' },
      { invalid: 'a commune code has 5 digits (a leading zero lost? store codes as text)' },
    ]);
    expect(['123456', 'a1234', '1234a', '0000x', 'x1234', 'abcd'].map((t) => parsed(code.parse(t, ctx)))).toEqual(new Array(6).fill({ invalid: 'a commune code has 5 digits' }));
  });

  test('personalIds: several separated by ;, each valid, none twice', () => {
    const ids = col.personalIds();
    expect(parsed(ids.parse('030085001234; 001303001234 ;', ctx))).toEqual(['030085001234', '001303001234']);
    expect(parsed(ids.parse('030085001234', ctx))).toEqual(['030085001234']);
    expect(parsed(ids.parse(' ; ;', ctx))).toEqual({ invalid: 'no personal ID (separate several with ;)' });
    expect(parsed(ids.parse('030085001234;12', ctx))).toEqual({ invalid: '"12": must be exactly 12 digits' });
    expect(parsed(ids.parse('030085001234;030085001234', ctx))).toEqual({ invalid: 'the same personal ID twice' });
    expect(ids.required).toBe(true);
  });

  test('optional and absentOk keep the column kind and say what may be missing', () => {
    const optional = col.optional(col.communeCode());
    const absent = col.absentOk(col.date());
    expect([optional.required, optional.mayBeAbsent, optional.digits, parsed(optional.parse('12', ctx))]).toEqual([false, undefined, 5, { invalid: 'a commune code has 5 digits (a leading zero lost? store codes as text)' }]);
    expect([absent.required, absent.mayBeAbsent, parsed(absent.parse('2024-02-30', ctx))]).toEqual([false, true, { invalid: 'no such day in the calendar' }]);
  });
});

describe('where a commune code can stand', () => {
  test('a commune of the structure, on any day of it', () => {
    expect([locationProblem('00001', 'THREE_TIER', '2025-06-30'), locationProblem('00001', 'THREE_TIER', null), locationProblem('10525', 'TWO_TIER', '2020-01-01')]).toEqual([null, null, null]);
  });
  test('a three-tier commune cannot locate a fact from 1 July 2025; a two-tier one can, on any day', () => {
    expect(locationProblem('00001', 'THREE_TIER', '2025-07-01')).toBe(
      'a three-tier commune cannot locate a fact of 2025-07-01: that structure ended on 2025-06-30; give the two-tier commune (00097) with structure TWO_TIER',
    );
    // Cống Vị was split between 00008 and 00025.
    expect(locationProblem('00007', 'THREE_TIER', '2026-01-01')).toBe(
      'a three-tier commune cannot locate a fact of 2026-01-01: that structure ended on 2025-06-30; give the two-tier commune (00008, 00025) with structure TWO_TIER',
    );
    expect(locationProblem('10525', 'TWO_TIER', '2026-01-01')).toBeNull();
  });
  test('a code of another level, or of a commune only in the other structure, is named as such', () => {
    expect(locationProblem('001', 'THREE_TIER', null)).toBe('001 is a district code of the three-tier structure (until 30 June 2025), not a commune code');
    expect(locationProblem('00001', 'TWO_TIER', null)).toBe(
      'no commune has this code in the two-tier structure (since 1 July 2025); it was Phường Phúc Xá of the three-tier structure (until 30 June 2025), now part of 00097: give that, or declare the file\'s structure (--structure THREE_TIER or a commune_structure column)',
    );
    expect(locationProblem('03980', 'THREE_TIER', null)).toBe(
      'no commune has this code in the three-tier structure (until 30 June 2025); it is Phường Mộc Châu of the two-tier structure (since 1 July 2025): declare that structure (--structure TWO_TIER or a commune_structure column)',
    );
    expect(locationProblem('00007', 'TWO_TIER', null)).toContain('it was Phường Cống Vị of the three-tier structure (until 30 June 2025), now part of 00008, 00025: give that');
    expect(locationProblem('99999', 'TWO_TIER', null)).toBe('no commune has this code in the two-tier structure (since 1 July 2025)');
    expect(locationProblem('99999', 'THREE_TIER', '2026-01-01')).toBe('no commune has this code in the three-tier structure (until 30 June 2025)');
  });
});

describe('rules across columns and definitions', () => {
  const columns = { startedOn: col.date(), endedOn: col.optional(col.date()) };
  test('notBefore: a later date before the earlier one fails on the later column; equal or missing dates pass', () => {
    const failures: string[] = [];
    const fail = (column: string, reason: string) => failures.push(`${column}: ${reason}`);
    notBefore<typeof columns>({ startedOn: '2024-05-02', endedOn: '2024-05-01' }, fail, 'endedOn', 'startedOn');
    notBefore<typeof columns>({ startedOn: '2024-06-03', endedOn: '2024-06-03' }, fail, 'endedOn', 'startedOn');
    notBefore<typeof columns>({ startedOn: '2024-07-04', endedOn: '2024-07-05' }, fail, 'endedOn', 'startedOn');
    notBefore<typeof columns>({ startedOn: '2024-05-02', endedOn: null }, fail, 'endedOn', 'startedOn');
    notBefore<typeof columns>({ startedOn: null as any, endedOn: '2024-01-01' }, fail, 'endedOn', 'startedOn');
    expect(failures).toEqual(['endedOn: is before startedOn 2024-05-02']);
  });

  test('cellsOf writes a fact with the definition\'s own cells, or else its table row', () => {
    const facts = { toRow: (f: { id: string }) => ({ fact_id: f.id }) } as any;
    const plain = defineImport({ domain: 'd', migrations: {}, facts, columns, idColumn: 'startedOn', toFact: () => ({ id: 'x' }) });
    const own = defineImport({ ...plain, toCells: (f: { id: string }) => ({ startedOn: f.id, endedOn: null }) });
    expect(cellsOf(plain, { id: 'a' })).toEqual({ fact_id: 'a' });
    expect(cellsOf(own, { id: 'a' })).toEqual({ startedOn: 'a', endedOn: null });
  });
});
