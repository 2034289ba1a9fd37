import { parsePeriod, periodSeries, isIsoDate, MAX_SERIES_LENGTH } from '../../lib/periods';
import { keyRanges } from '../../lib/summaries';

describe('parsePeriod', () => {
  test.each([
    ['2024', 'YEAR', '2024-01-01', '2024-12-31'],
    ['2024-Q1', 'QUARTER', '2024-01-01', '2024-03-31'],
    ['2024-Q3', 'QUARTER', '2024-07-01', '2024-09-30'],
    ['2024-02', 'MONTH', '2024-02-01', '2024-02-29'],
    ['2023-02', 'MONTH', '2023-02-01', '2023-02-28'],
    ['2024-11-13', 'DAY', '2024-11-13', '2024-11-13'],
    ['2000-02-29', 'DAY', '2000-02-29', '2000-02-29'],
  ])('%s is a %s from %s to %s', (text, unit, start, end) => {
    expect(parsePeriod(text)).toEqual({ label: text, unit, start, end });
  });

  test.each([
    ['2024-13', 'month must be 01 to 12'],
    ['2024-00', 'month must be 01 to 12'],
    ['2023-02-29', 'no such day'],
    ['1900-02-29', 'no such day'],
    ['2024-Q5', 'expected YYYY'],
    ['24', 'expected YYYY'],
    ['2024-1', 'expected YYYY'],
    [' 2024', 'expected YYYY'],
    ['1899', 'year must be between'],
    ['', 'expected YYYY'],
  ])('"%s" is refused: %s', (text, why) => {
    expect(() => parsePeriod(text)).toThrow(why);
    try {
      parsePeriod(text);
    } catch (err: any) {
      expect(err.extensions.code).toBe('BAD_USER_INPUT');
      expect(err.message).toContain(`"${text}"`);
    }
  });
});

describe('periodSeries', () => {
  test('months across a year end', () => {
    expect(periodSeries('2023-11', '2024-02', 'MONTH').map((p) => p.label)).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
  });
  test('quarters covering a month and a year', () => {
    expect(periodSeries('2023-11', '2024', 'QUARTER').map((p) => p.label)).toEqual(['2023-Q4', '2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']);
  });
  test('years from days', () => {
    expect(periodSeries('2022-06-15', '2024-01-01', 'YEAR').map((p) => p.label)).toEqual(['2022', '2023', '2024']);
  });
  test('days across a leap day', () => {
    expect(periodSeries('2024-02-28', '2024-03-01', 'DAY').map((p) => p.label)).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });
  test('a reversed range and an overlong series are refused', () => {
    expect(() => periodSeries('2025', '2024', 'MONTH')).toThrow('is after');
    expect(() => periodSeries('1900', '2100', 'MONTH')).toThrow(`more than ${MAX_SERIES_LENGTH}`);
    expect(periodSeries('1951', '2000', 'MONTH')).toHaveLength(600);
  });
});

test('isIsoDate accepts real calendar dates only', () => {
  expect(['2024-02-29', '1999-12-31'].map(isIsoDate)).toEqual([true, true]);
  expect(['2023-02-29', '2024-1-01', '2024-04-31', '20240101'].map(isIsoDate)).toEqual([false, false, false, false]);
});

describe('keyRanges: which summary buckets a period reads', () => {
  test("a month's stock is the running total at its end; its flow, its month", () => {
    expect(keyRanges(parsePeriod('2024-06'))).toEqual({ mcut: 202406, dayFrom: 1, dayTo: 0, flowFrom: 202406, flowTo: 202406 });
  });
  test("a year's stock is the running total at December's end; its flow, its twelve months", () => {
    expect(keyRanges(parsePeriod('2024'))).toEqual({ mcut: 202412, dayFrom: 1, dayTo: 0, flowFrom: 202401, flowTo: 202412 });
  });
  test('a day reads the running total of the month before and the days of its month up to it', () => {
    expect(keyRanges(parsePeriod('2024-11-13'))).toEqual({ mcut: 202410, dayFrom: 20241101, dayTo: 20241113, flowFrom: 20241113, flowTo: 20241113 });
  });
  test("January 1st reads the running total up to the year before's last month (YYYY00 is below every month of YYYY)", () => {
    expect(keyRanges(parsePeriod('2025-01-01'))).toMatchObject({ mcut: 202500, dayFrom: 20250101, dayTo: 20250101 });
  });
});
