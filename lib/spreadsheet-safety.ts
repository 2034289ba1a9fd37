/**
 * Text going into a spreadsheet (the gateway's CSV and XLSX answers) must not become a formula
 * when someone opens the file: a name imported as `=HYPERLINK("http://…","click")` or
 * `@SUM(…)` would run in the analyst's Excel (CSV injection, OWASP). A cell whose text starts
 * with `=`, `+`, `-`, `@`, a tab or a carriage return (after any spaces: some spreadsheets trim
 * them), or their full-width forms that Excel's East Asian input also reads as formulas, gets a
 * leading apostrophe, which spreadsheets read as "text, as written". Numbers are never touched:
 * they travel as numbers, negative ones included.
 *
 * (Another branch adds this module too, with this name and export, for its own files; the two
 * are meant to be one at merge.)
 */

const FORMULA_START = /^[\s\u3000]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** `text`, with a leading `'` when a spreadsheet would read it as a formula. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
