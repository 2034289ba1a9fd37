/**
 * The demo population's shape: how many citizens each commune has, when they were born and
 * registered, who moved, died or emigrated, and the day the demo world stands at.
 */
import type { Area } from '../lib/areas';
import { dayNumber } from './curves';
import type { Rng } from './draws';

/**
 * The day the demo world reaches: no demo event happens after it, whenever or however often the
 * demo is generated (a fixed day, not the clock, so that every run gives the same world). It is
 * the "today" of the project's reports (../shared/DOMAIN.md).
 */
export const DEMO_HORIZON = '2026-11-29';
export const HORIZON = dayNumber(DEMO_HORIZON);


/** Citizens per commune at scale 1, before the commune's own size factor. */
export const CITIZENS_PER_COMMUNE = 20;

/**
 * One province is generated at realistic density, so that an analyst sees its commune figures
 * above the suppression threshold: Hải Dương (old province 30, 207 communes; part of new
 * Hải Phòng, 31, since 1 July 2025). At the default scale 0.5 its communes have about 160
 * citizens (median; 340 at scale 1), its 64 two-tier communes about 600. It is also the
 * province whose 2023 figures the calibration reproduces (demo/calibration.ts). Real communes
 * are larger still (Hải Dương had 1.9 million people), but this is what the first start can
 * afford (README, "Quick start").
 */
export const DENSE_PROVINCE = { code: '30', citizensPerCommune: 360 } as const;

/** Wards are denser than rural communes: the expected size factor of a commune of this kind. */
export const communeSizeFactor = (commune: Pick<Area, 'kind'>) => (commune.kind === 'Phường' ? 1.6 : 0.85);

/** Expected citizens of a commune at scale 1, relative to a sparse rural one (before noise): size × density. */
export const communeWeight = (commune: Pick<Area, 'kind'>, provinceCode: string) =>
  communeSizeFactor(commune) * (provinceCode === DENSE_PROVINCE.code ? DENSE_PROVINCE.citizensPerCommune / CITIZENS_PER_COMMUNE : 1);

/** A citizen's birth day, drawn so that there are fewer of the old: ages 0 to 90 at the horizon. */
export function drawBirthDay(rng: Rng): number {
  return HORIZON - Math.floor(365.25 * 90 * Math.pow(rng(), 1.25)) - Math.floor(rng() * 365);
}

const FIRST_REGISTRATIONS = dayNumber('1990-01-01');
/** The day a citizen born on `birth` is registered at a permanent residence: at birth since 1990, else some day from 1990 on. */
export function drawRegistrationDay(rng: Rng, birth: number): number {
  return Math.min(HORIZON, birth >= FIRST_REGISTRATIONS ? birth + Math.floor(rng() * 60) : FIRST_REGISTRATIONS + Math.floor(rng() * 365 * 25));
}

/** Share of citizens who registered their residence in another commune before the one they live in now. */
export const MOVED_SHARE = 0.12;
/** Of those, the share whose earlier commune lies in the same (three-tier) province. */
export const MOVED_WITHIN_PROVINCE = 0.6;

/**
 * Deaths and emigrations end residences from this day on: the national population database went
 * live in 2021, and the residents who died before are not on its rolls (their deaths are old
 * civil status records only).
 */
export const ENDINGS_FROM = dayNumber('2020-01-01');

/**
 * Annual probability of dying at an age: a Gompertz curve (doubling about every eight years),
 * about 0.07 % at 40, 0.4 % at 60, 2.1 % at 80 (Viet Nam's life tables have the same shape).
 */
const annualMortality = (age: number) => Math.min(0.4, 0.0007 * Math.exp(0.085 * (age - 40)));
/** Annual probability of emigrating for a working-age adult. */
const ANNUAL_EMIGRATION = 0.0008;

export type Ending = { day: number; reason: 'DIED' | 'EMIGRATED' } | null;

/**
 * Whether and when a citizen's residence ended between ENDINGS_FROM (or `after`, the day their
 * latest residence was registered, if later) and the horizon: a death, likelier with age, or an
 * emigration, for adults under 50.
 */
export function drawEnding(rng: Rng, birth: number, after: number): Ending {
  const from = Math.max(ENDINGS_FROM, after + 1);
  if (from >= HORIZON) return null;
  const years = (HORIZON - from) / 365.25;
  const ageMid = ((from + HORIZON) / 2 - birth) / 365.25;
  const u = rng();
  const dies = 1 - Math.pow(1 - annualMortality(ageMid), years);
  const emigrates = ageMid >= 18 && ageMid < 50 ? 1 - Math.pow(1 - ANNUAL_EMIGRATION, years) : 0;
  if (u >= dies + emigrates) return null;
  return { day: from + Math.floor(rng() * (HORIZON - from + 1)), reason: u < dies ? 'DIED' : 'EMIGRATED' };
}
