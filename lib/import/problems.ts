/**
 * What is wrong with a file, said so that the person who typed it can find and fix it: the line
 * as a spreadsheet counts it (the header is line 1), the column by name and letter, the value
 * and the reason. A file with problems is rejected whole, so the report lists every bad row up
 * to a cap and counts the rest: a file with a million bad rows must not fill memory or the
 * terminal.
 */

export interface Problem {
  /** 1-based, header included: the row number a spreadsheet shows. */
  line: number;
  /** The column's header name; absent when the problem is the row or the file itself. */
  column?: string;
  /** 0-based position in the file, shown as a spreadsheet column letter. */
  position?: number;
  /** The cell as read; absent when there is no cell to show (a missing column). */
  value?: string | null;
  reason: string;
}

export const SHOWN_PROBLEMS = 100;

/** `0` → `A`, `26` → `AA`. */
export function columnLetter(position: number): string {
  let s = '';
  for (let n = position + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(shown);
}

/** `line 7, column birth_date (C), value "2023-02-30": no such day in the calendar` */
export function formatProblem(p: Problem): string {
  let where = `line ${p.line}`;
  if (p.column !== undefined) where += `, column ${p.column}${p.position !== undefined ? ` (${columnLetter(p.position)})` : ''}`;
  else if (p.position !== undefined) where += `, column ${columnLetter(p.position)}`;
  if (p.value !== undefined) where += `, value ${p.value === null ? '(empty)' : quote(p.value)}`;
  return `${where}: ${p.reason}`;
}

/** Keeps the first problems and counts the rest, so memory stays flat whatever the file holds. */
export class ProblemLog {
  readonly shown: Problem[] = [];
  count = 0;
  badRows = 0;
  private lastBadLine = -1;

  add(p: Problem): void {
    this.count++;
    if (p.line !== this.lastBadLine) {
      this.badRows++;
      this.lastBadLine = p.line;
    }
    if (this.shown.length < SHOWN_PROBLEMS) this.shown.push(p);
  }

  get empty(): boolean {
    return this.count === 0;
  }
}

/** The file was refused; nothing was written. `problems` holds the first 100. */
export class ImportRejected extends Error {
  readonly problems: Problem[];
  readonly problemCount: number;
  readonly badRowCount: number;

  /** `what` names the trouble when it is not bad rows (a bad header); `note` follows the list. */
  constructor(file: string, log: ProblemLog, options: { what?: string; note?: string } = {}) {
    const lines = log.shown.map(formatProblem);
    const more = log.count - log.shown.length;
    if (more > 0) lines.push(`... and ${more} more problem${more === 1 ? '' : 's'} (${log.count} in ${log.badRows} rows in all)`);
    if (options.note) lines.push(options.note);
    const what = options.what ?? `${log.badRows === 1 ? '1 bad row' : `${log.badRows} bad rows`}, ${log.count} problem${log.count === 1 ? '' : 's'}`;
    super(`${file} was rejected, nothing was written: ${what}\n${lines.join('\n')}`);
    this.name = 'ImportRejected';
    this.problems = log.shown;
    this.problemCount = log.count;
    this.badRowCount = log.badRows;
  }
}

/** A refusal that is not about rows: unknown domain, unreadable file, unsupported format. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}
