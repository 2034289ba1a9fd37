/**
 * Days as small integers for the summary buffer: day 0 is 1900-01-01 and 16 bits reach
 * 2079-06-05, so that a (cell, day) pair is one 31-bit key (15 bits of cell).
 */
export const FIRST_YEAR = 1900;
export const DAY_BITS = 16;
export const DAYS = 1 << DAY_BITS;
const DAYS_BEFORE_MONTH = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const leapDaysBefore = (year: number) => {
  const y = year - 1;
  return Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) - (Math.floor(1899 / 4) - Math.floor(1899 / 100) + Math.floor(1899 / 400));
};

/** The day's index of a valid (year, month, day). */
export function dayIndex(year: number, month: number, day: number): number {
  return (year - FIRST_YEAR) * 365 + leapDaysBefore(year) + DAYS_BEFORE_MONTH[month] + (month > 2 && isLeap(year) ? 1 : 0) + day - 1;
}

/** The last day the buffer can hold. */
export const LAST_DAY = '2079-06-05';

/** The day's index of a `YYYY-MM-DD`, without making strings (a bulk load does this millions of times). */
export function dayIndexOf(date: string): number {
  let ok = date.length === 10 && date.charCodeAt(4) === 45 && date.charCodeAt(7) === 45;
  let year = 0;
  let month = 0;
  let day = 0;
  for (let i = 0; ok && i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const d = date.charCodeAt(i) - 48;
    if (d < 0 || d > 9) ok = false;
    else if (i < 4) year = year * 10 + d;
    else if (i < 7) month = month * 10 + d;
    else day = day * 10 + d;
  }
  ok &&= year >= FIRST_YEAR && month >= 1 && month <= 12 && day >= 1;
  ok &&= day <= (month === 2 ? (isLeap(year) ? 29 : 28) : DAYS_IN_MONTH[month]);
  const index = ok ? dayIndex(year, month, day) : -1;
  if (index < 0 || index >= DAYS) throw new Error(`Invalid date ${date} in a figure delta: expected YYYY-MM-DD from ${FIRST_YEAR}-01-01 to ${LAST_DAY}`);
  return index;
}

let tables: { day: Int32Array; month: Int32Array } | undefined;
/** Per day index: its day bucket (YYYYMMDD) and its month bucket (YYYYMM), the summaries' keys. */
export function bucketsOfDays(): { day: Int32Array; month: Int32Array } {
  if (!tables) {
    const day = new Int32Array(DAYS);
    const month = new Int32Array(DAYS);
    let i = 0;
    for (let y = FIRST_YEAR; i < DAYS; y++) {
      for (let m = 1; m <= 12 && i < DAYS; m++) {
        const n = m === 2 ? (isLeap(y) ? 29 : 28) : DAYS_IN_MONTH[m];
        for (let d = 1; d <= n && i < DAYS; d++, i++) {
          month[i] = y * 100 + m;
          day[i] = month[i] * 100 + d;
        }
      }
    }
    tables = { day, month };
  }
  return tables;
}
