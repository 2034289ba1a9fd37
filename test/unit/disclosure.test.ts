/**
 * Cell-key perturbation (lib/disclosure) against the method as documented, recomputed by
 * test/helpers/disclosure-reference.ts: the record keys of facts, and the noise and published
 * value of a cell key, including at every boundary of the noise table.
 */
import { noiseOf, perturb, MAX_NOISE } from '../../lib/disclosure/perturbation';
import { recordKey } from '../../lib/disclosure/record-keys';
import { KEY_SPACE, referenceNoise, referencePublished, referenceRecordKey } from '../helpers/disclosure-reference';

/** The development secret as the README and lib/config.ts name it (production refuses it). */
const DEV_SECRET = 'p06-development-perturbation-secret-not-for-production';

describe('noise of a cell key', () => {
  // The keys where the noise changes: 0.1, 0.3, 0.7 and 0.9 of 2^16, rounded.
  test.each([
    [0, -2], [6553, -2], [6554, -1], [19660, -1], [19661, 0], [45874, 0], [45875, 1], [58981, 1], [58982, 2], [65535, 2],
  ])('key %i gives %i', (key, noise) => {
    expect(noiseOf(key)).toBe(noise);
    expect(referenceNoise(key)).toBe(noise);
  });

  test('keys are taken modulo 2^16, negative ones too', () => {
    expect([noiseOf(65536), noiseOf(65536 + 6554), noiseOf(-1), noiseOf(-65536), noiseOf(3 * 65536 + 45875)]).toEqual([-2, -1, 2, -2, 1]);
  });

  test('over the whole key space, each noise has its published share, and the noise is unbiased', () => {
    const counts = new Map<number, number>();
    for (let k = 0; k < KEY_SPACE; k++) counts.set(noiseOf(k), (counts.get(noiseOf(k)) ?? 0) + 1);
    const share = (n: number) => (counts.get(n) ?? 0) / KEY_SPACE;
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    for (const [n, p] of [[-2, 0.1], [-1, 0.2], [0, 0.4], [1, 0.2], [2, 0.1]]) expect(Math.abs(share(n) - p)).toBeLessThan(1 / KEY_SPACE);
    expect(Math.max(...counts.keys())).toBe(MAX_NOISE);
  });
});

describe('published value', () => {
  test.each([
    // value, cell key, published: the noise of 6553 is -2, of 6554 -1, of 19661 0, of 58982 +2.
    [0, 58982, 0],
    [1, 6553, 0],
    [1, 6554, 0],
    [2, 6553, 0],
    [3, 6553, 1],
    [5, 19661, 5],
    [5, 58982, 7],
  ])('a count of %i with cell key %i is published as %i', (value, key, published) => {
    expect(perturb(value, key)).toBe(published);
    expect(referencePublished(value, key)).toBe(published);
  });

  test('a negative value (a figure that is not a count) is left alone', () => {
    expect(perturb(-3, 58982)).toBe(-3);
  });

  test('every published count equals the reference, over keys across the whole key space', () => {
    const actual: number[] = [];
    const expected: number[] = [];
    for (let k = 0; k < KEY_SPACE; k += 97) {
      for (const v of [0, 1, 2, 7, 1000]) {
        actual.push(perturb(v, k));
        expected.push(referencePublished(v, k));
      }
    }
    expect(actual).toEqual(expected);
  });
});

describe('record keys', () => {
  const saved = process.env.PERTURBATION_SECRET;
  afterEach(() => {
    if (saved === undefined) delete process.env.PERTURBATION_SECRET;
    else process.env.PERTURBATION_SECRET = saved;
  });

  const ids = ['001090000001', '079199999999', 'P-30-1', 'x', '', 'Nguyễn'];
  const tables = ['citizens', 'parcels', 'civil_records', ''];

  test('without PERTURBATION_SECRET, the keys are those of the development secret', () => {
    delete process.env.PERTURBATION_SECRET;
    const pairs = tables.flatMap((t) => ids.map((id) => [t, id] as const));
    expect(pairs.map(([t, id]) => recordKey(t, id))).toEqual(pairs.map(([t, id]) => referenceRecordKey(DEV_SECRET, t, id)));
  });

  test('a configured secret gives its own keys; changing it back gives the first ones again', () => {
    process.env.PERTURBATION_SECRET = 'secret-a';
    const a = ids.map((id) => recordKey('citizens', id));
    expect(a).toEqual(ids.map((id) => referenceRecordKey('secret-a', 'citizens', id)));
    process.env.PERTURBATION_SECRET = 'secret-b';
    const b = ids.map((id) => recordKey('citizens', id));
    expect(b).toEqual(ids.map((id) => referenceRecordKey('secret-b', 'citizens', id)));
    expect(b).not.toEqual(a);
    process.env.PERTURBATION_SECRET = 'secret-a';
    expect(ids.map((id) => recordKey('citizens', id))).toEqual(a);
  });

  test('the table and the id are both hashed, apart: ("ab", "c") is not ("a", "bc")', () => {
    delete process.env.PERTURBATION_SECRET;
    expect(recordKey('ab', 'c')).toBe(referenceRecordKey(DEV_SECRET, 'ab', 'c'));
    expect(recordKey('a', 'bc')).toBe(referenceRecordKey(DEV_SECRET, 'a', 'bc'));
    expect(recordKey('ab', 'c')).not.toBe(recordKey('a', 'bc'));
  });

  test('keys are 16-bit and spread evenly: 5,000 ids fill the 16 key ranges alike', () => {
    delete process.env.PERTURBATION_SECRET;
    const keys = Array.from({ length: 5_000 }, (_, i) => recordKey('citizens', String(i).padStart(12, '0')));
    expect([Math.min(...keys) >= 0, Math.max(...keys) < KEY_SPACE, keys.every(Number.isInteger)]).toEqual([true, true, true]);
    const buckets = new Array(16).fill(0);
    for (const k of keys) buckets[Math.floor(k / 4096)]++;
    // 312.5 expected in each; a chi-square of 16 buckets above 50 would be a 1-in-10^5 event.
    const chi = buckets.reduce((s, n) => s + (n - 312.5) ** 2 / 312.5, 0);
    expect(chi).toBeLessThan(50);
  });
});
