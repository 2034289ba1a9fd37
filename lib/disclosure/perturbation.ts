/**
 * Cell-key perturbation of counts of people (the method of the Australian Bureau of Statistics'
 * TableBuilder): every published count below province level gets a small noise, fixed by the cell
 * key of the set of people it counts (lib/disclosure/record-keys.ts).
 *
 * The perturbation table, by true value v and cell key u ∈ [0, 1):
 * - v = 0: 0 (zeros stay zero);
 * - v ≥ 1: v + n, with n = -2, -1, 0, +1, +2 with probabilities 0.1, 0.2, 0.4, 0.2, 0.1 (the
 *   noise is at most 2 either way, unbiased, variance 1.2), never below 0 (for v = 1, n = -2
 *   publishes 0).
 * So a published count is within 2 of the truth, and it is the truth for 4 cells in 10 (for 4 in 10
 * of the cells with true value 1, with 0 among the others): a reader never knows which.
 * Provinces and the nation are published exactly (their counts are large, and their totals are
 * the ones reports cite). Rates are computed from the protected numerator and denominator.
 */
import { CELL_KEY_MODULUS } from './record-keys';

export const MAX_NOISE = 2;
/** The noise values and their cumulative probabilities, in cell-key units (out of 2^16). */
const NOISE = [-2, -1, 0, 1, 2];
const CUMULATIVE = [0.1, 0.3, 0.7, 0.9, 1].map((p) => Math.round(p * CELL_KEY_MODULUS));

/** The noise a cell key gives (the key modulo 2^16). */
export function noiseOf(cellKey: number): number {
  const u = ((cellKey % CELL_KEY_MODULUS) + CELL_KEY_MODULUS) % CELL_KEY_MODULUS;
  let i = 0;
  while (u >= CUMULATIVE[i]) i++;
  return NOISE[i];
}

/** The published value of a count `value` whose cell key is `cellKey`. */
export function perturb(value: number, cellKey: number): number {
  if (value <= 0) return value;
  const published = value + noiseOf(cellKey);
  return published < 0 ? 0 : published;
}
