/**
 * Writing a table (gateway/export/table.ts) as CSV (csv-stringify) or XLSX (exceljs's
 * streaming WorkbookWriter), row by row into a stream, so a large answer goes out as it is
 * written instead of being built whole first.
 *
 * Cells: numbers stay numbers (negative ones too: a number cell in XLSX, written as JavaScript
 * prints it in CSV, never quoted or formatted); text that a spreadsheet would take for a formula
 * is neutralized (lib/spreadsheet-safety.ts); null is an empty cell; booleans are `true` /
 * `false` (boolean cells in XLSX). CSV is UTF-8 with a byte-order mark, which is what makes Excel
 * read Vietnamese names right, and CRLF line ends (RFC 4180).
 */
import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { neutralizeFormula } from '../../lib/spreadsheet-safety';

export type TableFormat = 'csv' | 'xlsx';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const CONTENT_TYPES: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  xlsx: XLSX_TYPE,
};

/** What one sheet of XLSX holds (Excel's limits): a larger answer is refused before writing, with a pointer to CSV. */
export const XLSX_MAX_ROWS = 1_048_576;
export const XLSX_MAX_COLUMNS = 16_384;

function textCell(value: unknown): string {
  return neutralizeFormula(typeof value === 'object' ? JSON.stringify(value) : String(value));
}

export async function writeCsv(columns: string[], rows: Iterable<unknown[]>, out: Writable): Promise<void> {
  const stringifier = stringify({
    bom: true,
    header: true,
    columns,
    record_delimiter: 'windows',
    cast: {
      boolean: (v) => (v ? 'true' : 'false'),
      string: textCell,
      object: textCell,
      // The shortest text that reads back as the same number (what JSON has).
      number: (v) => String(v),
    },
  });
  await pipeline(Readable.from(rows), stringifier, out);
}

function xlsxCell(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return textCell(value);
}

/** XLSX rows committed between two looks at the output's backpressure. */
const ROWS_PER_TURN = 500;

/**
 * One sheet named `sheetName`: the header row (bold, frozen) and the rows. `out` is ended when
 * the workbook is complete.
 */
export async function writeXlsx(columns: string[], rows: Iterable<unknown[]>, out: Writable, sheetName: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31) || 'answer', { views: [{ state: 'frozen', ySplit: 1 }] });
  // Wide enough for a figure's own name (the path's last part), within reason.
  sheet.columns = columns.map((c) => ({ width: Math.min(40, Math.max(10, c.length - c.lastIndexOf('.') + 2)) }));
  const header = sheet.addRow(columns);
  header.font = { bold: true };
  header.commit();
  let n = 0;
  for (const row of rows) {
    sheet.addRow(row.map(xlsxCell)).commit();
    if (++n % ROWS_PER_TURN === 0) {
      // Let the zip stream pass its bytes on; wait while the client is slower than us.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (out.writableNeedDrain) await once(out, 'drain');
    }
  }
  sheet.commit();
  await workbook.commit();
}
