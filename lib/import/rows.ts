/**
 * The checked rows of an import file, in batches of facts: the file is read, every row checked
 * (cells, the domain's rules, an id seen before in the file), and the facts of the valid rows
 * handed over in batches. From the first problem on no more facts are handed over, but every
 * row is still checked, so that the refusal lists every problem.
 *
 * (Reading and checking in a worker thread while the main thread wrote was tried: on this 2-core
 * machine it gained no measurable throughput, SQLite's writes and the summary buffer on the
 * main thread being the bottleneck, and cost 250 MB more memory.)
 */
import type { AreaStructure } from '../areas';
import { Invalid, locationProblem, type AnyImportDefinition, type ColumnSet, type ParseContext } from './columns';
import { IdLines } from './ids';
import type { ImportLimits } from './limits';
import { ProblemLog } from './problems';
import { openTable, type TableRow } from './table';

export interface CheckedBatch {
  /** Facts of valid rows, in file order (none once a problem was found). */
  facts: unknown[];
  /** Rows read so far. */
  rows: number;
  /** Bytes of the file read so far. */
  bytes: number;
}

export interface RowSourceOptions {
  definition: AnyImportDefinition;
  file: string;
  /** Dates after this `YYYY-MM-DD` are refused as in the future. */
  today: string;
  /** Dates after this `YYYY-MM-DD` are refused: the day the file's data is current through (today by default). */
  dataThrough?: string;
  /** The structure of the file's commune codes where a row does not say (`commune_structure`). */
  structure: AreaStructure;
  batchSize: number;
  /** A file of records to delete: its one column is the domain's id column; batches hold `{ id, line, position }`. */
  deleting?: boolean;
  limits: ImportLimits;
}

export interface RowSource {
  format: 'csv' | 'xlsx';
  totalBytes: number;
  /** The next batch, or null after the last row. The first call reads and checks the header. */
  next(): Promise<CheckedBatch | null>;
  /** Every problem found; complete once `next` has answered null. */
  readonly log: ProblemLog;
  close(): Promise<void>;
}

interface ValidRow {
  id: string;
  fact: unknown;
}

/** Checks one row: every cell by its column kind, then the domain's rules across columns. */
function rowValidator(definition: AnyImportDefinition, ctx: ParseContext) {
  const columns = Object.entries(definition.columns as ColumnSet);
  const located = 'commune_code' in definition.columns;
  let row: TableRow;
  let log: ProblemLog;
  let ok = true;
  // One closure for all rows: a new one per row would be garbage at a million rows.
  const fail = (column: string, reason: string) => {
    log.add({ line: row.line, column, position: row.positions[column], value: row.cells[column], reason });
    ok = false;
  };
  return (current: TableRow, into: ProblemLog, withFact: boolean): ValidRow | null => {
    row = current;
    log = into;
    ok = true;
    if (row.problems) for (const p of row.problems) (log.add(p), (ok = false));
    const values: Record<string, unknown> = {};
    for (const [name, column] of columns) {
      // A cell refused as read (too long, not UTF-8) has said what is wrong with it.
      if (row.problems?.some((p) => p.column === name)) continue;
      const text = row.cells[name];
      if (text === null) {
        values[name] = null;
        if (column.required) fail(name, 'a value is required');
        continue;
      }
      const value = column.parse(text, ctx);
      if (value instanceof Invalid) fail(name, value.reason);
      else values[name] = value;
    }
    if (!ok) return null;
    // Where the fact is: a commune of the row's structure (or the file's), existing on the fact's day.
    if (located) {
      const structure = (values.commune_structure as AreaStructure | null) ?? ctx.structure;
      values.commune_structure = structure;
      const problem = locationProblem(values.commune_code as string, structure, definition.locatedOn ? (values[definition.locatedOn] as string | null) : null);
      if (problem) fail('commune_code', problem);
      if (!ok) return null;
    }
    definition.checkRow?.(values, fail, ctx);
    if (!ok) return null;
    return { id: String(values[definition.idColumn]), fact: withFact ? definition.toFact(values) : null };
  };
}

/** Reads and checks the file in this thread: the batches, then the problems in `log`. */
export function checkRows(options: RowSourceOptions, log: ProblemLog) {
  const full = options.definition;
  // A deletion file has the id column alone; each valid row gives the id and where it was.
  const definition: AnyImportDefinition = options.deleting
    ? { ...full, columns: { [full.idColumn]: (full.columns as ColumnSet)[full.idColumn] }, checkRow: undefined, locatedOn: undefined, toFact: (row) => row }
    : full;
  const table = openTable(options.file, Object.entries(definition.columns as ColumnSet).map(([name, c]) => ({ name, digits: c.digits, mayBeAbsent: c.mayBeAbsent })), options.limits);
  const validate = rowValidator(definition, { today: options.today, dataThrough: options.dataThrough ?? options.today, structure: options.structure });
  async function* batches(): AsyncGenerator<CheckedBatch> {
    const ids = new IdLines();
    let rows = 0;
    let facts: unknown[] = [];
    for await (const chunk of table.chunks()) {
      for (const row of chunk) {
        rows++;
        // After a problem nothing is written, so no fact is built: the rest is only checked.
        const valid = validate(row, log, log.empty);
        if (!valid) continue;
        const first = ids.firstLine(valid.id, row.line);
        if (first !== undefined) {
          log.add({ line: row.line, column: definition.idColumn, position: row.positions[definition.idColumn], value: valid.id, reason: `the same ${definition.idColumn} as line ${first}` });
          continue;
        }
        if (log.empty) facts.push(options.deleting ? { id: valid.id, line: row.line, position: row.positions[definition.idColumn] } : valid.fact);
      }
      if (facts.length >= options.batchSize || !log.empty) {
        yield { facts, rows, bytes: table.bytesRead() };
        facts = [];
      }
    }
    yield { facts, rows, bytes: table.totalBytes };
  }
  return { format: table.format, totalBytes: table.totalBytes, batches: batches() };
}

/** The checked rows of a file. */
export async function openRowSource(options: RowSourceOptions): Promise<RowSource> {
  const log = new ProblemLog();
  const { format, totalBytes, batches } = checkRows(options, log);
  return {
    format,
    totalBytes,
    log,
    next: async () => {
      const r = await batches.next();
      return r.done ? null : r.value;
    },
    close: async () => void (await batches.return(undefined)),
  };
}
