/**
 * Reading a CSV or XLSX file as a stream of rows keyed by column name: `{ line, cells }` with
 * every cell as trimmed text or null. Both formats stream (Papa Parse; exceljs's streaming
 * workbook reader), so memory does not grow with the file; what could make a parser hold too
 * much at once (one huge record, cell or shared-strings table) is refused first (./limits.ts). Rows come in chunks, whatever was
 * parsed at once, because a promise per row would cost more than the parsing itself.
 *
 * The header is checked before any row is read: every expected column must be present, and no
 * other (a misspelt optional column would otherwise be read as "all empty").
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { inspectXlsx, RecordLengthGuard, RecordTooLong, refuseFile, type ImportLimits } from './limits';
import { columnLetter, ImportError, ImportRejected, ProblemLog, type Problem } from './problems';

export type TableFormat = 'csv' | 'xlsx';

export interface TableRow {
  /** The row number a spreadsheet shows: the header is line 1. */
  line: number;
  cells: Record<string, string | null>;
  /** The row's cells, header positions, for messages. */
  positions: Record<string, number>;
  /** What is wrong with the row's shape (a value where the header has no column, bad text encoding). */
  problems?: Problem[];
}

export interface ColumnShape {
  name: string;
  digits?: number;
  /** The column may be left out of the header. */
  mayBeAbsent?: boolean;
}

export interface Table {
  format: TableFormat;
  totalBytes: number;
  /** Bytes of the file read so far: progress while the row count is not yet known. */
  bytesRead(): number;
  /** Data rows in file order, in chunks; blank rows are skipped. Throws ImportRejected for a bad header. */
  chunks(): AsyncGenerator<TableRow[]>;
}

type RawCell = unknown;
interface RawRow {
  line: number;
  values: RawCell[];
  /** Why the row could not be read as written (an unclosed quote). */
  problem?: string;
}

export function tableFormat(file: string): TableFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  throw new ImportError(`${file}: unsupported file type "${ext || '(none)'}"; expected .csv (UTF-8, comma-separated) or .xlsx`);
}

export function openTable(file: string, columns: readonly ColumnShape[], limits: ImportLimits): Table {
  const format = tableFormat(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new ImportError(`${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!stat.isFile()) throw new ImportError(`${file}: not a file`);
  let input: fs.ReadStream | undefined;
  return {
    format,
    totalBytes: stat.size,
    bytesRead: () => input?.bytesRead ?? 0,
    async *chunks() {
      // Decoded as UTF-8 by the stream, so that a character split between two reads stays whole.
      input = fs.createReadStream(file, format === 'csv' ? { encoding: 'utf8', highWaterMark: 64 * 1024 } : { highWaterMark: 64 * 1024 });
      const opened = input;
      try {
        let sheet: string | undefined;
        if (format === 'xlsx') await inspectXlsx(file, limits);
        const raw = format === 'csv' ? csvRows(file, opened, limits.maxLineChars) : xlsxRows(file, opened, (name) => (sheet = name));
        yield* keyedRows(file, raw, columns, () => (sheet === undefined ? '' : `; read from the workbook's first sheet, "${sheet}"`), limits.maxCellChars);
      } finally {
        opened.destroy();
      }
    },
  };
}

async function* csvRows(file: string, input: fs.ReadStream, maxLineChars: number): AsyncGenerator<RawRow[]> {
  // Papa Parse hands over what it parsed from each piece of the file, synchronously as the
  // piece arrives; pausing the file stream while chunks wait is the backpressure. (csv-parse,
  // a record at a time through an object stream, took four times as long: 7.5 s against 1.7 s
  // per million rows.)
  const queue: RawRow[][] = [];
  let finished = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  // Records, not physical lines, are counted: a quoted cell may hold a line break, and a
  // spreadsheet shows such a record as one row.
  let line = 0;
  // Papa Parse keeps a record whole until it ends: a record past the limit stops the read here.
  const guarded = input.pipe(new RecordLengthGuard(maxLineChars));
  input.on('error', (err) => guarded.destroy(err));
  Papa.parse<string[]>(guarded, {
    delimiter: ',',
    skipEmptyLines: false,
    chunk(results) {
      const rows: RawRow[] = results.data.map((values) => ({ line: ++line, values: values as RawCell[] }));
      // Only quoting breaks a CSV; rows of the wrong width get their own message later.
      for (const e of results.errors) {
        const row = rows[e.row ?? -1];
        if (e.type === 'Quotes' && row) row.problem = `not readable as CSV: ${e.message.toLowerCase()}`;
      }
      queue.push(rows);
      if (queue.length >= 2) guarded.pause();
      notify();
    },
    complete() {
      finished = true;
      notify();
    },
    error(err) {
      failure = err;
      notify();
    },
  });
  let first = true;
  for (;;) {
    const chunk = queue.shift();
    if (chunk) {
      if (first && chunk.length) {
        first = false;
        // Excel's "CSV UTF-8" starts with a byte order mark.
        const cell = chunk[0].values[0];
        if (typeof cell === 'string' && cell.startsWith('\uFEFF')) chunk[0].values[0] = cell.slice(1);
      }
      if (queue.length === 0 && !finished) guarded.resume();
      yield chunk;
      continue;
    }
    if (failure instanceof RecordTooLong) throw refuseFile(file, failure.line, failure.message);
    if (failure) throw new ImportError(`${file}: cannot read the file (${(failure as Error).message ?? failure})`);
    if (finished) break;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

async function* xlsxRows(file: string, input: fs.ReadStream, onSheet: (name: string) => void): AsyncGenerator<RawRow[]> {
  // Styles are needed to tell a date cell from a number cell; shared strings hold most text.
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
  const reader = workbook as unknown as { model?: { sheets?: { name: string }[] } };
  try {
    for await (const sheet of workbook) {
      // Sheets come in the zip's order; the first in the workbook's tab order is the one meant.
      const first = reader.model?.sheets?.[0]?.name;
      const name = (sheet as unknown as { name: string }).name;
      if (first !== undefined && name !== first) continue;
      onSheet(name);
      let chunk: RawRow[] = [];
      for await (const row of sheet) {
        chunk.push({ line: row.number, values: (row.values as RawCell[]).slice(1) });
        if (chunk.length >= 1000) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length) yield chunk;
      return;
    }
  } catch (err) {
    if (err instanceof ImportRejected) throw err;
    const message = (err as Error).message ?? String(err);
    throw new ImportError(`${file}: not readable as an Excel .xlsx workbook (${message})`);
  }
  throw new ImportError(`${file}: the workbook has no worksheet`);
}

/** A cell as text: trimmed, empty as null, spreadsheet dates and numbers written as a CSV would hold them. */
export function cellText(value: RawCell, digits?: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    const t = value.trim();
    return t === '' ? null : t;
  }
  if (typeof value === 'number') {
    if (digits !== undefined && Number.isInteger(value) && value >= 0) return String(value).padStart(digits, '0');
    return String(value);
  }
  if (value instanceof Date) {
    // Spreadsheet dates have no time zone; exceljs reads them as UTC midnight.
    return Number.isNaN(value.getTime()) ? '(invalid date)' : value.toISOString().slice(0, 10);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return cellText((v.richText as { text: string }[]).map((r) => r.text).join(''));
    if ('formula' in v || 'sharedFormula' in v) return cellText(v.result, digits);
    if ('error' in v) return String(v.error);
    if ('text' in v) return cellText(v.text, digits);
  }
  return String(value);
}

function isBlank(values: RawCell[]): boolean {
  for (const v of values) if (v !== '' && cellText(v) !== null) return false;
  return true;
}
const fold = (name: string) => name.replace(/[^a-z0-9]/gi, '').toLowerCase();

function readHeader(file: string, row: RawRow, columns: readonly ColumnShape[], source: string): Map<number, ColumnShape> {
  const expected = new Map(columns.map((c) => [c.name, c]));
  const byPosition = new Map<number, ColumnShape>();
  const seen = new Map<string, number>();
  const log = new ProblemLog();
  row.values.forEach((raw, position) => {
    const text = cellText(raw);
    if (text === null) return;
    const name = text.toLowerCase();
    const column = expected.get(name);
    if (!column) {
      const near = columns.find((c) => fold(c.name) === fold(name));
      const hint = near ? `; did you mean ${near.name}?` : text.includes(';') ? '; the file seems to be separated by semicolons, expected commas' : '';
      log.add({ line: row.line, position, column: text, reason: `unknown column${hint}` });
    } else if (seen.has(name)) {
      log.add({ line: row.line, position, column: name, reason: `column appears twice (also column ${columnLetter(seen.get(name)!)})` });
    } else {
      seen.set(name, position);
      byPosition.set(position, column);
    }
  });
  for (const c of columns) if (!seen.has(c.name) && !c.mayBeAbsent) log.add({ line: row.line, column: c.name, reason: 'missing column' });
  if (!log.empty) {
    throw new ImportRejected(file, log, {
      what: 'its header does not have the expected columns',
      note: `expected columns, in any order and any case: ${columns.map((c) => (c.mayBeAbsent ? `${c.name} (may be left out)` : c.name)).join(', ')}${source}`,
    });
  }
  return byPosition;
}

async function* keyedRows(file: string, raw: AsyncGenerator<RawRow[]>, columns: readonly ColumnShape[], source: () => string, maxCellChars: number): AsyncGenerator<TableRow[]> {
  // Per row this is the hot loop of both passes: columns by position in an array, and every
  // row's cells cloned from one template so that all rows share one object shape.
  let byPosition: (ColumnShape | undefined)[] | undefined;
  let positions: Record<string, number> = {};
  const template: Record<string, string | null> = Object.fromEntries(columns.map((c) => [c.name, null]));
  for await (const chunk of raw) {
    const out: TableRow[] = [];
    for (const row of chunk) {
      const values = row.values;
      if (isBlank(values)) continue;
      if (!byPosition) {
        const header = readHeader(file, row, columns, source());
        byPosition = Array.from({ length: Math.max(0, ...header.keys()) + 1 }, (_, p) => header.get(p));
        positions = Object.fromEntries([...header].map(([p, c]) => [c.name, p]));
        continue;
      }
      const cells = { ...template };
      let problems: Problem[] | undefined = row.problem ? [{ line: row.line, reason: row.problem }] : undefined;
      for (let p = 0; p < values.length; p++) {
        const column = byPosition[p];
        const v = values[p];
        const text = typeof v === 'string' && v !== '' && v.charCodeAt(0) > 32 && v.charCodeAt(v.length - 1) > 32 ? v : cellText(v, column?.digits);
        if (text === null) continue;
        if (!column) {
          (problems ??= []).push({ line: row.line, position: p, value: text, reason: 'a value in a column without a header' });
          continue;
        }
        if (text.length > maxCellChars) {
          (problems ??= []).push({ line: row.line, column: column.name, position: p, value: text, reason: `longer than ${maxCellChars.toLocaleString('en-US')} characters (IMPORT_MAX_CELL_CHARS): ${text.length.toLocaleString('en-US')}` });
        } else if (text.includes('\uFFFD')) {
          (problems ??= []).push({ line: row.line, column: column.name, position: p, value: text, reason: 'not UTF-8 text (save the file as "CSV UTF-8")' });
        }
        cells[column.name] = text;
      }
      out.push({ line: row.line, cells, positions, problems });
    }
    if (out.length) yield out;
  }
  if (!byPosition) {
    const log = new ProblemLog();
    log.add({ line: 1, reason: `no header row; expected one with ${columns.map((c) => c.name).join(', ')}` });
    throw new ImportRejected(file, log, { what: 'the file is empty' });
  }
}
