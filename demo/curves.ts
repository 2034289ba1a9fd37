/** Day arithmetic and logistic adoption curves for the demo world. */

/** A logistic adoption curve: share(t) = ceiling / (1 + exp(-(t - midpoint) / width)), t in day numbers. */
export interface Curve {
  ceiling: number;
  midpoint: number;
  width: number;
  /** No adoption before this day. */
  start: number;
}

const DAY_MS = 86_400_000;
/** Days since 1970-01-01 of an ISO date. */
export const dayNumber = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);

/** The days the demo writes (1900 to 2100), as ISO dates: formatting a Date was a third of the generator's time. */
const FIRST_CACHED = dayNumber('1900-01-01');
const CACHED_DAYS = 73_000;
const isoCache: (string | undefined)[] = new Array(CACHED_DAYS + 1);
export function isoOf(day: number): string {
  const i = day - FIRST_CACHED;
  if (i < 0 || i > CACHED_DAYS) return new Date(day * DAY_MS).toISOString().slice(0, 10);
  return (isoCache[i] ??= new Date(day * DAY_MS).toISOString().slice(0, 10));
}

export function shareAt(curve: Curve, day: number): number {
  return day < curve.start ? 0 : curve.ceiling / (1 + Math.exp(-(day - curve.midpoint) / curve.width));
}

/** The day the curve reaches share u, or null if it never does (u at or above the ceiling) or only after `horizon`. */
export function dayAtShare(curve: Curve, u: number, horizon: number): number | null {
  if (u >= curve.ceiling) return null;
  const day = Math.max(curve.start, Math.round(curve.midpoint + curve.width * Math.log(u / (curve.ceiling - u))));
  return day > horizon ? null : day;
}

/** The midpoint that makes a curve reach `share` on `day`. */
export function midpointFor(share: number, day: number, ceiling: number, width: number): number {
  return day - width * Math.log(share / (ceiling - share));
}
