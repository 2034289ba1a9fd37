import { IdLines } from '../../lib/import/ids';

describe('IdLines: the first line of every id an import file has shown', () => {
  test('a repeated id answers the line it was first seen at, for personal IDs and other ids alike, as a Map of every id would', () => {
    const ids = new IdLines();
    const reference = new Map<string, number>();
    // A fixed pseudo-random walk over a small pool, so that ids repeat often.
    let x = 12345;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    for (let line = 2; line < 20_000; line++) {
      const n = next() % 3000;
      const id = n % 3 === 0 ? String(100000000000 + n).padStart(12, '0') : n % 3 === 1 ? `HN-${n}-${n % 7}` : `${n}`;
      const expected = reference.get(id);
      if (expected === undefined) reference.set(id, line);
      expect(ids.firstLine(id, line)).toBe(expected);
    }
    // "012" and "12" are different ids.
    expect(ids.firstLine('0000000000012', 30_000)).toBeUndefined();
    expect(ids.firstLine('000000000012', 30_001)).toBeUndefined();
  });

  test('more than 2^24 ids that are not digits (a national land file): a JavaScript Map holds no more, IdLines does', () => {
    const ids = new IdLines();
    const count = 2 ** 24 + 1000;
    for (let i = 0; i < count; i++) if (ids.firstLine(`P${i}`, i + 2) !== undefined) throw new Error(`P${i} seen twice`);
    expect(ids.firstLine('P0', count + 2)).toBe(2);
    expect(ids.firstLine(`P${count - 1}`, count + 3)).toBe(count + 1);
  }, 120_000);
});
