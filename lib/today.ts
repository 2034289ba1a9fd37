/**
 * The product's "today": Viet Nam's date (UTC+7, no daylight saving), the records' own calendar.
 * `TODAY=YYYY-MM-DD` fixes it (tests and demonstrations), so that nothing depends on the clock:
 * periods after today are refused, the period containing today is incomplete, imports refuse
 * dates after it, and the gateway's response cache keys answers by it (an answer may depend on
 * the date: the incomplete current period, relative periods).
 */
import type { Config } from './config';

const ISO_DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** `TODAY` when set (checked, naming the variable when it is not a date), else Viet Nam's date. */
export function today(env: NodeJS.ProcessEnv = process.env, now = Date.now()): string {
  const fixed = env.TODAY;
  if (fixed === undefined || fixed === '') return new Date(now + 7 * 3_600_000).toISOString().slice(0, 10);
  if (!ISO_DAY.test(fixed) || new Date(`${fixed}T00:00:00Z`).toISOString().slice(0, 10) !== fixed) {
    throw new Error(`Invalid configuration:\n  TODAY: "${fixed}" is not a day written YYYY-MM-DD`);
  }
  return fixed;
}

/** Today: `TODAY` when set; with `now`, Viet Nam's date at that instant, whatever `TODAY` says. */
export function todayInVietnam(now?: number): string {
  return now === undefined ? today() : today({}, now);
}

/** Today for a service: its configured TODAY, else `today()`. */
export function todayFor(config: Pick<Config, 'TODAY'>): string {
  return config.TODAY ?? today();
}
