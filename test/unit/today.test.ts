/**
 * Today's date (lib/today.ts): Viet Nam's calendar day (UTC+7), or TODAY when set, refused with
 * the variable's name when it is not a day.
 */
import { today, todayInVietnam } from '../../lib/today';

test("Viet Nam's date is UTC+7: 17:00 UTC is already the next day there", () => {
  expect(todayInVietnam(Date.parse('2024-12-31T16:59:59Z'))).toBe('2024-12-31');
  expect(todayInVietnam(Date.parse('2024-12-31T17:00:00Z'))).toBe('2025-01-01');
  expect(today({}, Date.parse('2024-12-31T17:00:00Z'))).toBe('2025-01-01');
});

test('TODAY fixes the date; a value that is not a day is refused, naming the variable', () => {
  expect(today({ TODAY: '2024-11-13' }, Date.parse('2026-01-01T00:00:00Z'))).toBe('2024-11-13');
  expect(today({ TODAY: '' }, Date.parse('2024-02-29T00:00:00Z'))).toBe('2024-02-29');
  for (const bad of ['2024-02-30', '2024-13-01', '13/11/2024', '2024-11']) {
    expect(() => today({ TODAY: bad })).toThrow(`TODAY: "${bad}" is not a day written YYYY-MM-DD`);
  }
});
