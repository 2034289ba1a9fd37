/**
 * The disclosure method as its documentation states it, written again for the tests without the
 * production code (lib/disclosure): a record key is FNV-1a (32 bits) over `<table>:<id>` with the
 * offset basis XORed with the secret's first word, then the second word XORed in and MurmurHash3's
 * fmix32 finaliser, low 16 bits kept; the noise of a cell key is read from the published
 * probabilities -2, -1, 0, +1, +2 with 0.1, 0.2, 0.4, 0.2, 0.1. Arithmetic here is BigInt, not
 * the 32-bit integer tricks of the production code, so a slip in one is not repeated in the other.
 */
import crypto from 'node:crypto';

const MASK32 = (1n << 32n) - 1n;
const FNV_OFFSET = 0x811c9dc5n;
const FNV_PRIME = 0x01000193n;

/** The secret's two 32-bit words: the first and second little-endian words of its SHA-256. */
export function secretWordsOf(secret: string): [bigint, bigint] {
  const digest = crypto.createHash('sha256').update(secret).digest();
  const word = (at: number) => BigInt(digest[at]) | (BigInt(digest[at + 1]) << 8n) | (BigInt(digest[at + 2]) << 16n) | (BigInt(digest[at + 3]) << 24n);
  return [word(0), word(4)];
}

/** The record key of fact `id` of `table` under `secret`. */
export function referenceRecordKey(secret: string, table: string, id: string): number {
  const [seed, finish] = secretWordsOf(secret);
  let h = FNV_OFFSET ^ seed;
  const text = `${table}:${id}`;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * FNV_PRIME) & MASK32;
  h ^= finish;
  h ^= h >> 16n;
  h = (h * 0x85ebca6bn) & MASK32;
  h ^= h >> 13n;
  h = (h * 0xc2b2ae35n) & MASK32;
  h ^= h >> 16n;
  return Number(h & 0xffffn);
}

export const KEY_SPACE = 65536;
/** Where each noise's share of the key space ends (shares 0.1, 0.2, 0.4, 0.2, 0.1, rounded to whole keys). */
const BOUNDS: [number, number][] = [
  [-2, Math.round(0.1 * KEY_SPACE)],
  [-1, Math.round((0.1 + 0.2) * KEY_SPACE)],
  [0, Math.round((0.1 + 0.2 + 0.4) * KEY_SPACE)],
  [1, Math.round((0.1 + 0.2 + 0.4 + 0.2) * KEY_SPACE)],
  [2, KEY_SPACE],
];

/** The noise the published table gives a cell key (any integer: it is taken modulo 2^16). */
export function referenceNoise(cellKey: number): number {
  const u = ((cellKey % KEY_SPACE) + KEY_SPACE) % KEY_SPACE;
  return BOUNDS.find(([, end]) => u < end)![0];
}

/** The published value of a true count: unchanged when 0, else the noise added and never below 0. */
export function referencePublished(value: number, cellKey: number): number {
  return value === 0 ? 0 : Math.max(0, value + referenceNoise(cellKey));
}
