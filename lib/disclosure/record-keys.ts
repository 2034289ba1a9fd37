/**
 * Record keys for cell-key perturbation (lib/disclosure/perturbation.ts): every fact gets a
 * pseudo-random 16-bit key, fixed for the fact, and a cell's key is the sum of the keys of the
 * facts it counts, modulo 2^16. The same set of facts always has the same cell key, however it
 * is asked for (a month or the quarter that ends with it, a series, another level or structure),
 * so asking again, or asking another way, gives the same protected value: averaging or
 * differencing repeated answers learns nothing (the Australian Bureau of Statistics' method).
 *
 * A key is a keyed hash of the fact's id: FNV-1a seeded with a secret (PERTURBATION_SECRET),
 * finished with MurmurHash3's avalanche and a second secret word. It is not a cryptographic PRF
 * (HMAC cost 2-9 µs a fact, a fifth of an import's time); it does not need to be one: keys are
 * never published, and a caller sees only perturbed figures, each depending on the sum of many keys.
 */
import crypto from 'node:crypto';

/** The development secret; production refuses it (lib/config.ts). */
export const DEV_PERTURBATION_SECRET = 'p06-development-perturbation-secret-not-for-production';

let words: [number, number] | undefined;
let wordsFor: string | undefined;

function secretWords(): [number, number] {
  const secret = process.env.PERTURBATION_SECRET || DEV_PERTURBATION_SECRET;
  if (!words || wordsFor !== secret) {
    const digest = crypto.createHash('sha256').update(secret).digest();
    words = [digest.readUInt32LE(0), digest.readUInt32LE(4)];
    wordsFor = secret;
  }
  return words;
}

/** The 16-bit key of the fact `id` of a domain's facts table. */
export function recordKey(table: string, id: string): number {
  const [seed, finish] = secretWords();
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < table.length; i++) h = Math.imul(h ^ table.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0x3a, 0x01000193);
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= finish;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0xffff;
}

/** Cell keys are sums of record keys modulo 2^16. */
export const CELL_KEY_MODULUS = 0x10000;
