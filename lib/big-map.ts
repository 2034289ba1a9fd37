/**
 * A Map of string keys that holds more than one JavaScript Map can: a Map (or Set) stops at 2^24
 * (16.7 million) entries with "Map maximum size exceeded", and national files have more (the
 * benchmark's 10^8 scale: 16.9 million citizens, 18 million parcels; the country: about 100
 * million citizens and 61 million parcels). The keys are shared out among 64 Maps by their last
 * two characters, which vary most in ids that count up.
 */
const SHARDS = 64;

export class BigMap<V> {
  private readonly shards = Array.from({ length: SHARDS }, () => new Map<string, V>());

  private shardOf(key: string): Map<string, V> {
    const n = key.length;
    return this.shards[((n > 0 ? key.charCodeAt(n - 1) : 0) * 31 + (n > 1 ? key.charCodeAt(n - 2) : 0)) % SHARDS];
  }

  get(key: string): V | undefined {
    return this.shardOf(key).get(key);
  }

  has(key: string): boolean {
    return this.shardOf(key).has(key);
  }

  set(key: string, value: V): this {
    this.shardOf(key).set(key, value);
    return this;
  }
}
