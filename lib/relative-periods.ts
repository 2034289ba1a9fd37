/**
 * Relative periods, DHIS2's names for "the last 12 months" and the like: an analyst or a
 * dashboard writes `LAST_12_MONTHS` once and the answer follows the calendar. Each name is
 * resolved against the product's today (lib/today.ts, Viet Nam's date) into canonical periods
 * before anything else sees it, so the entity keys, the subgraphs and the answer carry the
 * resolved labels (`2024-11`), never the name; the gateway's response cache keys answers by
 * today's date, so a resolved answer is never served on another day.
 *
 * As in DHIS2, `THIS_*` is the period containing today (incomplete: figures up to today) and
 * `LAST_*` are the whole periods before it, oldest first: on 2025-01-15, `LAST_3_MONTHS` is
 * 2024-10, 2024-11 and 2024-12, and `LAST_QUARTER` is 2024-Q4.
 */
import { badInput } from './errors';
import { parsePeriod, periodSeries, type Period, type PeriodUnit } from './periods';

/** Every relative period: its length and how many of them, counted back from the current one. */
export const RELATIVE_PERIODS = {
  THIS_MONTH: { unit: 'MONTH', count: 1, current: true },
  LAST_MONTH: { unit: 'MONTH', count: 1, current: false },
  LAST_3_MONTHS: { unit: 'MONTH', count: 3, current: false },
  LAST_6_MONTHS: { unit: 'MONTH', count: 6, current: false },
  LAST_12_MONTHS: { unit: 'MONTH', count: 12, current: false },
  THIS_QUARTER: { unit: 'QUARTER', count: 1, current: true },
  LAST_QUARTER: { unit: 'QUARTER', count: 1, current: false },
  LAST_4_QUARTERS: { unit: 'QUARTER', count: 4, current: false },
  THIS_YEAR: { unit: 'YEAR', count: 1, current: true },
  LAST_YEAR: { unit: 'YEAR', count: 1, current: false },
} as const satisfies Record<string, { unit: PeriodUnit; count: number; current: boolean }>;

export type RelativePeriod = keyof typeof RELATIVE_PERIODS;

export const isRelativePeriod = (text: string): text is RelativePeriod => Object.prototype.hasOwnProperty.call(RELATIVE_PERIODS, text);

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The period of `unit` that lies `back` periods before the one containing `today` (0: that one). */
function periodBack(unit: PeriodUnit, today: string, back: number): Period {
  const [y, m] = today.split('-').map(Number);
  if (unit === 'YEAR') return parsePeriod(String(y - back));
  const perYear = unit === 'QUARTER' ? 4 : 12;
  const index = (unit === 'QUARTER' ? Math.floor((m - 1) / 3) : m - 1) - back; // 0-based within year y
  const year = y + Math.floor(index / perYear);
  const within = ((index % perYear) + perYear) % perYear;
  return parsePeriod(unit === 'QUARTER' ? `${year}-Q${within + 1}` : `${year}-${pad2(within + 1)}`);
}

/** The periods a relative period names on `today`, oldest first. */
export function resolveRelativePeriod(name: RelativePeriod, today: string): Period[] {
  const { unit, count, current } = RELATIVE_PERIODS[name];
  const out: Period[] = [];
  for (let back = count - (current ? 1 : 0); back >= (current ? 0 : 1); back--) out.push(periodBack(unit, today, back));
  return out;
}

/**
 * One period, written as a label (`2024-11`) or as a relative period naming one period
 * (`LAST_MONTH`, `THIS_YEAR`); a relative period naming several is a BAD_USER_INPUT error that
 * says where to use it. `pick` takes the first or last of several instead (the ends of a series).
 */
export function resolvePeriod(text: string, today: string, argumentName = 'period', pick?: 'first' | 'last'): Period {
  if (!isRelativePeriod(text)) return parsePeriod(text, argumentName);
  const periods = resolveRelativePeriod(text, today);
  if (periods.length === 1 || pick === 'first') return periods[0];
  if (pick === 'last') return periods[periods.length - 1];
  throw badInput(
    `Invalid ${argumentName} "${text}": it names ${periods.length} periods (${periods[0].label} to ${periods[periods.length - 1].label} today); ask for one of ${relativeOfOnePeriod().join(', ')}, or for a series with range: ${text}`,
    { argumentName, value: text },
  );
}

const relativeOfOnePeriod = () => (Object.keys(RELATIVE_PERIODS) as RelativePeriod[]).filter((k) => RELATIVE_PERIODS[k].count === 1);

export interface SeriesArgs {
  from?: string | null;
  to?: string | null;
  every?: PeriodUnit | null;
  range?: string | null;
}

/**
 * The periods of a `series`: either `from` and `to` (each a label or a relative period: its
 * first, respectively last, period) every `every`; or a relative `range`, in its own periods
 * unless `every` says otherwise (`range: THIS_YEAR, every: MONTH`: this year's months, up to
 * the current one). Periods that start after today are left for the caller to refuse, except
 * in a relative range, which never asks for them.
 */
export function seriesPeriods(args: SeriesArgs, today: string): Period[] {
  if (args.range != null) {
    if (args.from != null || args.to != null) throw badInput('Give either range or from and to, not both', { argumentName: 'range', value: args.range });
    if (!isRelativePeriod(args.range)) {
      throw badInput(`Invalid range "${args.range}": expected one of ${Object.keys(RELATIVE_PERIODS).join(', ')}`, { argumentName: 'range', value: args.range });
    }
    const periods = resolveRelativePeriod(args.range, today);
    if (args.every == null || args.every === RELATIVE_PERIODS[args.range].unit) return periods;
    return periodSeries(periods[0].label, periods[periods.length - 1].label, args.every).filter((p) => p.start <= today);
  }
  const missing = (['from', 'to', 'every'] as const).find((k) => args[k] == null);
  if (missing) throw badInput(`Missing ${missing}: give from, to and every, or a relative range (e.g. range: LAST_12_MONTHS)`, { argumentName: missing });
  const first = resolvePeriod(args.from!, today, 'from', 'first');
  const last = resolvePeriod(args.to!, today, 'to', 'last');
  return periodSeries(first.label, last.label, args.every!);
}
