/** The 14th birthday that makes a citizen count in the eligible population. */
import { birthday } from '../../services/residency/facts';

describe('birthday', () => {
  test('the same day and month, years later', () => {
    expect(birthday('2010-07-15', 14)).toBe('2024-07-15');
    expect(birthday('1999-12-31', 14)).toBe('2013-12-31');
    expect(birthday('2011-01-01', 14)).toBe('2025-01-01');
  });

  test('born on 29 February: 29 February in leap years, 1 March in the others', () => {
    expect(birthday('2008-02-29', 14)).toBe('2022-03-01');
    expect(birthday('2008-02-29', 16)).toBe('2024-02-29');
    expect(birthday('1988-02-29', 12)).toBe('2000-02-29');
    expect(birthday('1884-02-29', 16)).toBe('1900-03-01');
  });

  test('agrees with calendar arithmetic for every day of 2000-2012', () => {
    for (let t = Date.UTC(2000, 0, 1); t <= Date.UTC(2012, 11, 31); t += 86_400_000) {
      const born = new Date(t).toISOString().slice(0, 10);
      const d = new Date(t);
      d.setUTCFullYear(d.getUTCFullYear() + 14);
      expect(birthday(born, 14)).toBe(d.toISOString().slice(0, 10));
    }
  });
});
