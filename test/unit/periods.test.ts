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

describe('period labels at their edges', () => {
  test.each([
    ['1900', '1900-01-01', '1900-12-31'],
    ['2100', '2100-01-01', '2100-12-31'],
    ['2024-Q4', '2024-10-01', '2024-12-31'],
    ['2024-Q2', '2024-04-01', '2024-06-30'],
    ['2024-01', '2024-01-01', '2024-01-31'],
    ['2024-12', '2024-12-01', '2024-12-31'],
    ['2024-11-30', '2024-11-30', '2024-11-30'],
    ['2024-01-01', '2024-01-01', '2024-01-01'],
  ])('%s runs from %s to %s', (text, start, end) => {
    expect(parsePeriod(text)).toMatchObject({ label: text, start, end });
  });

  test.each([
    ['2101', 'year must be between 1900 and 2100'],
    ['2024-11-31', 'no such day in the calendar'],
    ['2024-11-00', 'no such day in the calendar'],
    ['2024-Q0', 'expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD'],
    ['2024x', 'expected YYYY'],
    ['x2024', 'expected YYYY'],
    ['2024-11-13x', 'expected YYYY'],
    ['2024-Q3x', 'expected YYYY'],
    ['2024-11-1', 'expected YYYY'],
    ['20245', 'expected YYYY'],
    ['2024-', 'expected YYYY'],
    ['2024-q3', 'expected YYYY'],
    ['2024-ab', 'expected YYYY'],
    ['abcd', 'expected YYYY'],
  ])('"%s" is refused: %s', (text, why) => {
    expect(() => parsePeriod(text)).toThrow(`Invalid period "${text}": ${why}`);
  });

  test('the error names the argument it came from, "period" unless told', () => {
    const extensionsOf = (f: () => unknown) => {
      try {
        f();
      } catch (err: any) {
        return err.extensions;
      }
    };
    expect(extensionsOf(() => parsePeriod('2024-13'))).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'period', value: '2024-13' });
    expect(extensionsOf(() => parsePeriod('2024-13', 'to'))).toMatchObject({ argumentName: 'to', value: '2024-13' });
    expect(() => parsePeriod('2024-13', 'to')).toThrow('Invalid to "2024-13"');
    expect(extensionsOf(() => periodSeries('2025', '2024', 'YEAR'))).toMatchObject({ argumentName: 'from', value: '2025' });
    expect(extensionsOf(() => periodSeries('1900', '2100', 'DAY'))).toMatchObject({ argumentName: 'every', value: 'DAY' });
    expect(() => periodSeries('2024-13', '2025', 'YEAR')).toThrow('Invalid from "2024-13"');
    expect(() => periodSeries('2024', '2025-13', 'YEAR')).toThrow('Invalid to "2025-13"');
  });

  test('a series of one period, and one whose last period starts on the last day asked for', () => {
    expect(periodSeries('2024-03-05', '2024-03-05', 'DAY').map((p) => p.label)).toEqual(['2024-03-05']);
    expect(periodSeries('2024-01', '2024-04-01', 'MONTH').map((p) => p.label)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04']);
    expect(periodSeries('2024-02-15', '2024-02-15', 'QUARTER').map((p) => [p.label, p.unit])).toEqual([['2024-Q1', 'QUARTER']]);
    expect(() => periodSeries('1900', '2100', 'MONTH')).toThrow('Series from "1900" to "2100" every MONTH has more than 600 periods (limit MAX_SERIES_LENGTH)');
  });

  test('isIsoDate refuses anything around a date and days or months out of range', () => {
    expect(['2024-01-01', '2024-12-31', '2023-11-30'].map(isIsoDate)).toEqual([true, true, true]);
    expect(['x2024-01-01', '2024-01-01x', '12024-01-01', '2024-00-10', '2024-13-01', '2024-01-00', '2024-01-32', 'abcd-ef-gh', '2024-01-1a'].map(isIsoDate)).toEqual(new Array(9).fill(false));
  });

  test('summary bucket keys of a date', () => {
    const { dayKey, monthKey, daysInMonth } = require('../../lib/periods') as typeof import('../../lib/periods');
    expect([dayKey('2024-11-03'), monthKey('2024-11-03'), dayKey('1999-01-31'), monthKey('1999-01-31')]).toEqual([20241103, 202411, 19990131, 199901]);
    expect([daysInMonth(2024, 2), daysInMonth(2023, 2), daysInMonth(2024, 12), daysInMonth(2100, 2)]).toEqual([29, 28, 31, 28]);
  });
});
