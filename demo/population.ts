/** The demo population's shape: when its citizens were born and registered, and how big communes are. */
import type { Area } from '../lib/areas';
import { dayNumber } from './curves';

/** No demo event happens after this day, whenever the demo is generated. */
export const DEMO_HORIZON = '2025-12-31';
export const HORIZON = dayNumber(DEMO_HORIZON);

type Rng = () => number;

/** Wards are denser than rural communes: the expected size factor of a commune of this kind. */
export const communeSizeFactor = (commune: Pick<Area, 'kind'>) => (commune.kind === 'Phường' ? 1.6 : 0.85);

/** A citizen's birth day, drawn so that there are fewer of the old: ages 0 to 90 at the horizon. */
export function drawBirthDay(rng: Rng): number {
  return HORIZON - Math.floor(365.25 * 90 * Math.pow(rng(), 1.25)) - Math.floor(rng() * 365);
}

/** The day a citizen born on `birth` is registered at a permanent residence: at birth since 1990, else some day from 1990 on. */
export function drawRegistrationDay(rng: Rng, birth: number): number {
  return Math.min(HORIZON, birth >= dayNumber('1990-01-01') ? birth + Math.floor(rng() * 60) : dayNumber('1990-01-01') + Math.floor(rng() * 365 * 25));
}
