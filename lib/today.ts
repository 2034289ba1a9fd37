/**
 * Today's date, for everything that depends on it: the import's "not after today" checks, and
 * the gateway's response cache, whose answers may depend on the date (an incomplete current
 * period, relative periods) and so are keyed by it.
 *
 * `TODAY` (YYYY-MM-DD) fixes it, for demonstrations and tests of date-dependent answers; without
 * it, it is Viet Nam's date (Asia/Ho_Chi_Minh), the records' own calendar.
 */

/** Today as a `YYYY-MM-DD` in Viet Nam (UTC+7, no daylight saving): the records' own calendar. */
export function todayInVietnam(now = Date.now()): string {
  return new Date(now + 7 * 3_600_000).toISOString().slice(0, 10);
}

const ISO_DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** `TODAY` when set (checked, naming the variable when it is not a date), else Viet Nam's date. */
export function today(env: NodeJS.ProcessEnv = process.env, now = Date.now()): string {
  const fixed = env.TODAY;
  if (fixed === undefined || fixed === '') return todayInVietnam(now);
  if (!ISO_DAY.test(fixed) || new Date(`${fixed}T00:00:00Z`).toISOString().slice(0, 10) !== fixed) {
    throw new Error(`Invalid configuration:\n  TODAY: "${fixed}" is not a day written YYYY-MM-DD`);
  }
  return fixed;
}
