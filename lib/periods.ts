/**
 * Reporting periods. Analysts write a period as `2024`, `2024-Q3`, `2024-11` or `2024-11-13`;
 * every subgraph parses the same label the same way, so the label itself can be part of an
 * entity key (`AreaStats { areaCode period }`) and each subgraph derives the dates it needs.
 */
import { badInput } from './errors';

export type PeriodUnit = 'YEAR' | 'QUARTER' | 'MONTH' | 'DAY';

export interface Period {
  /** Canonical label, e.g. `2024-Q3`. */
  label: string;
  unit: PeriodUnit;
  /** First day, ISO `YYYY-MM-DD`. */
  start: string;
  /** Last day (inclusive), ISO `YYYY-MM-DD`. */
  end: string;
}

/** Periods outside these years are refused: no record of the project predates 1900. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;
/** The longest `series` one request may ask for; more is a bad request, not a slow one. */
export const MAX_SERIES_LENGTH = 600;

const pad2 = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad2(m)}-${pad2(d)}`;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True when `text` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

const PERIOD_HELP = 'expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD';

/** Parses a period label; throws a BAD_USER_INPUT error naming the value when it is not one. */
export function parsePeriod(text: string, argumentName = 'period'): Period {
  const bad = (why: string) =>
    badInput(`Invalid ${argumentName} "${text}": ${why}`, { argumentName, value: text });
  const m = /^(\d{4})(?:-(?:Q([1-4])|(\d{2})(?:-(\d{2}))?))?$/.exec(text);
  if (!m) throw bad(PERIOD_HELP);
  const year = Number(m[1]);
  if (year < MIN_YEAR || year > MAX_YEAR) throw bad(`year must be between ${MIN_YEAR} and ${MAX_YEAR}`);
  if (m[2]) {
    const q = Number(m[2]);
    const lastMonth = q * 3;
    return {
      label: `${year}-Q${q}`,
      unit: 'QUARTER',
      start: iso(year, lastMonth - 2, 1),
      end: iso(year, lastMonth, daysInMonth(year, lastMonth)),
    };
  }
  if (m[3]) {
    const month = Number(m[3]);
    if (month < 1 || month > 12) throw bad('month must be 01 to 12');
    if (m[4]) {
      const day = Number(m[4]);
      if (day < 1 || day > daysInMonth(year, month)) throw bad('no such day in the calendar');
      const d = iso(year, month, day);
      return { label: d, unit: 'DAY', start: d, end: d };
    }
    return {
      label: `${year}-${pad2(month)}`,
      unit: 'MONTH',
      start: iso(year, month, 1),
      end: iso(year, month, daysInMonth(year, month)),
    };
  }
  return { label: String(year), unit: 'YEAR', start: iso(year, 1, 1), end: iso(year, 12, 31) };
}

function periodOf(unit: PeriodUnit, year: number, month: number, day: number): Period {
  switch (unit) {
    case 'YEAR':
      return parsePeriod(String(year));
    case 'QUARTER':
      return parsePeriod(`${year}-Q${Math.floor((month - 1) / 3) + 1}`);
    case 'MONTH':
      return parsePeriod(iso(year, month, 1).slice(0, 7));
    case 'DAY':
      return parsePeriod(iso(year, month, day));
  }
}

function step(unit: PeriodUnit, p: Period): Period {
  const [y, m, d] = p.end.split('-').map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return periodOf(unit, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

/**
 * The periods of one unit that cover `from` to `to`, both included: series("2023-11", "2024",
 * "QUARTER") gives 2023-Q4 ... 2024-Q4.
 */
export function periodSeries(from: string, to: string, every: PeriodUnit): Period[] {
  const first = parsePeriod(from, 'from');
  const last = parsePeriod(to, 'to');
  if (first.start > last.end) {
    throw badInput(`Invalid series: from "${from}" is after to "${to}"`, { argumentName: 'from', value: from });
  }
  const [y, m, d] = first.start.split('-').map(Number);
  const out: Period[] = [];
  for (let p = periodOf(every, y, m, d); p.start <= last.end; p = step(every, p)) {
    if (out.length === MAX_SERIES_LENGTH) {
      throw badInput(
        `Series from "${from}" to "${to}" every ${every} has more than ${MAX_SERIES_LENGTH} periods (limit MAX_SERIES_LENGTH)`,
        { argumentName: 'every', value: every },
      );
    }
    out.push(p);
  }
  return out;
}

/** `YYYY-MM-DD` as the integer YYYYMMDD: the bucket key of the daily summaries. */
export const dayKey = (isoDate: string) => Number(isoDate.slice(0, 4) + isoDate.slice(5, 7) + isoDate.slice(8, 10));
/** `YYYY-MM-DD` as the integer YYYYMM: the bucket key of the monthly summaries. */
export const monthKey = (isoDate: string) => Number(isoDate.slice(0, 4) + isoDate.slice(5, 7));
