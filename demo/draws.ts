/** Random draws from a seeded stream (seedrandom's alea): every demo module draws through these. */
import { dayNumber } from './curves';

/** A seeded stream of uniform numbers in [0, 1). */
export type Rng = () => number;

/** A standard normal draw (Box-Muller). */
export const gaussian = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

/** A day from `from` to `to`, both included (ISO dates or day numbers). */
export function between(rng: Rng, from: string | number, to: string | number): number {
  const a = typeof from === 'number' ? from : dayNumber(from);
  const b = typeof to === 'number' ? to : dayNumber(to);
  return a + Math.floor(rng() * (b - a + 1));
}
