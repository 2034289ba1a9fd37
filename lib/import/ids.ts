/**
 * The ids a file has shown so far and the line of each, to refuse a second row with the same id
 * naming both lines. It is the one thing the validation keeps per row, so it is kept small: ids
 * of up to 14 digits (personal IDs) live in typed arrays, 12 bytes each, and other ids (parcel
 * numbers) in a Map. A million personal IDs take 32 MB instead of about 80.
 * The other ids go in a BigMap (lib/big-map.ts): a national land file has more parcels than one
 * Map holds, and one Map stopped such an import with "Map maximum size exceeded".
 */
import { BigMap } from '../big-map';

const MAX_DIGITS = 14;
const SCALE = 10 ** MAX_DIGITS;
const EMPTY = 0;

export class IdLines {
  private keys = new Float64Array(1 << 16);
  private lines = new Int32Array(1 << 16);
  private size = 0;
  private readonly others = new BigMap<number>();

  /** Records `id` at `line`; answers the line it was first seen at, or undefined if it is new. */
  firstLine(id: string, line: number): number | undefined {
    const key = numericKey(id);
    if (key === undefined) {
      const first = this.others.get(id);
      if (first === undefined) this.others.set(id, line);
      return first;
    }
    if ((this.size + 1) * 10 > this.keys.length * 7) this.grow();
    const slot = this.slot(key);
    if (this.keys[slot] === key) return this.lines[slot];
    this.keys[slot] = key;
    this.lines[slot] = line;
    this.size++;
    return undefined;
  }

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    // The low digits of an ID are its serial: spread them and the high ones over the table.
    let h = Math.imul((key % 0x40000000) | 0, 0x9e3779b1) ^ Math.imul(Math.floor(key / 0x40000000) | 0, 0x85ebca77);
    h ^= h >>> 15;
    let s = h & mask;
    while (this.keys[s] !== EMPTY && this.keys[s] !== key) s = (s + 1) & mask;
    return s;
  }

  private grow(): void {
    const { keys, lines } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.lines = new Int32Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === EMPTY) continue;
      const s = this.slot(keys[i]);
      this.keys[s] = keys[i];
      this.lines[s] = lines[i];
    }
  }
}

/** Digits-only ids as one exact number that keeps their length ("012" and "12" differ); undefined for any other id. */
function numericKey(id: string): number | undefined {
  const n = id.length;
  if (n === 0 || n > MAX_DIGITS) return undefined;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    value = value * 10 + d;
  }
  // Never 0 (EMPTY): the length term is at least SCALE.
  return n * SCALE + value;
}
