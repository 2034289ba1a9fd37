/**
 * The product's "today": Viet Nam's date (UTC+7, no daylight saving), the records' own calendar.
 * It can be set with `TODAY=YYYY-MM-DD` (tests and demos), so that nothing depends on the clock:
 * periods after today are refused, the period containing today is incomplete, imports refuse
 * dates after it.
 */
import type { Config } from './config';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today in Viet Nam, or `TODAY` from the environment when set. */
export function todayInVietnam(now?: number): string {
  const configured = now === undefined ? process.env.TODAY : undefined;
  if (configured) {
    if (!ISO_DATE.test(configured)) throw new Error(`Invalid configuration:\n  TODAY: "${configured}" is not a date written YYYY-MM-DD`);
    return configured;
  }
  return new Date((now ?? Date.now()) + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** Today for a service: its configured TODAY, else Viet Nam's date. */
export function todayFor(config: Pick<Config, 'TODAY'>): string {
  return config.TODAY ?? todayInVietnam();
}
