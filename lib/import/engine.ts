/**
 * Importing one file into one domain, all or nothing, in two streaming passes:
 *
 * 1. Validate every row without touching the database, keeping only the ids seen (to refuse a
 *    duplicate) and the first problems. A file with any problem is refused here, whole.
 * 2. Read the file again and write it in one transaction, in batches through `upsertFacts`, so
 *    an identical row changes nothing, a changed row moves the figures by its difference, and
 *    the summaries are exact when the transaction commits. Year totals are rebuilt once at the
 *    end, for the areas the file touched.
 *
 * Reading twice instead of keeping the rows is what keeps memory flat at any file size; the
 * second pass re-validates and checks that the file did not change in between.
 */
import fs from 'node:fs';
import type { Knex } from 'knex';
import { ancestorsOf } from '../admin-units';
import type { Config } from '../config';
import { dataChanged } from '../data-versions';
import { databaseName, isMysql, migrate, openDb } from '../db';
import { upsertFacts, type FactSpec } from '../fact-store';
import { DeltaBuffer, rebuildYearTotals } from '../summary-store';
import { Invalid, todayInVietnam, type AnyImportDefinition, type ColumnSet, type ParseContext } from './columns';
import { importDefinition } from './domains';
import { IdLines } from './ids';
import { ImportError, ImportRejected, ProblemLog, type Problem } from './problems';
import { openTable, type TableRow } from './table';

export interface ImportProgress {
  phase: 'validate' | 'write';
  rows: number;
  /** Known in the write phase (the validation counted them). */
  totalRows: number | null;
  bytes: number;
  totalBytes: number;
}

export interface ImportOptions {
  config: Config;
  domain: string;
  file: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Dates after this `YYYY-MM-DD` are refused as in the future; defaults to today in Viet Nam. */
  today?: string;
  /** Facts per `upsertFacts` call. */
  batchSize?: number;
  /**
   * How the summaries are written, for the benchmark to compare (the result is the same):
   * `buffered` (default) sums the deltas of the whole file in one bounded buffer and rebuilds
   * year totals once; `deferred` writes each batch's deltas and rebuilds year totals once;
   * `per-batch` writes deltas and rebuilds year totals after every batch.
   */
  summaries?: 'buffered' | 'deferred' | 'per-batch';
}

export interface ImportSummary {
  domain: string;
  file: string;
  format: 'csv' | 'xlsx';
  /** Data rows read (blank rows are not counted). */
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  validateSeconds: number;
  writeSeconds: number;
  seconds: number;
  rowsPerSecond: number;
}

const DEFAULT_BATCH = 5_000;
/**
 * The summary buffer of one import (lib/summary-store.ts DeltaBuffer): large enough to hold
 * every (area, day) a million citizens of one province touch, so that they are written once.
 */
const SUMMARY_BUFFER_BYTES = 128 * 2 ** 20;
const PROGRESS_EVERY_MS = 100;
/** How long an import waits for another import into the same domain to finish. */
const LOCK_WAIT_SECONDS = 600;

interface ValidRow {
  id: string;
  fact: unknown;
}

/** Checks one row: every cell by its column kind, then the domain's rules across columns. */
function rowValidator(definition: AnyImportDefinition, ctx: ParseContext) {
  const columns = Object.entries(definition.columns as ColumnSet);
  let row: TableRow;
  let log: ProblemLog;
  let ok = true;
  // One closure for all rows: a new one per row would be garbage at a million rows.
  const fail = (column: string, reason: string) => {
    log.add({ line: row.line, column, position: row.positions[column], value: row.cells[column], reason });
    ok = false;
  };
  return (current: TableRow, into: ProblemLog, withFact = true): ValidRow | null => {
    row = current;
    log = into;
    ok = true;
    if (row.problems) for (const p of row.problems) (log.add(p), (ok = false));
    const values: Record<string, unknown> = {};
    for (const [name, column] of columns) {
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
    definition.checkRow?.(values, fail);
    if (!ok) return null;
    return { id: String(values[definition.idColumn]), fact: withFact ? definition.toFact(values) : null };
  };
}

/** Serializes imports into one domain, so that no two read the same old rows and both apply their change. */
async function lockDomain(trx: Knex.Transaction, definition: AnyImportDefinition, config: Config): Promise<void> {
  if (isMysql(trx)) {
    // Held by this connection until it closes: importFile destroys its own pool at the end,
    // after the commit, so the lock never ends before the data is visible.
    const name = `p06_import_${databaseName(config, definition.domain)}`.slice(0, 64);
    const [rows] = await trx.raw('SELECT GET_LOCK(?, ?) AS got', [name, LOCK_WAIT_SECONDS]);
    if (Number(rows[0].got) !== 1) throw new ImportError(`another import into ${definition.domain} has been running for over ${LOCK_WAIT_SECONDS} s; nothing was written`);
    return;
  }
  // A write statement takes SQLite's write lock even when it changes nothing. Taking it first,
  // before any read, makes a second import wait here (busy_timeout) instead of failing later
  // when its read snapshot turns out stale.
  const deadline = Date.now() + LOCK_WAIT_SECONDS * 1000;
  for (;;) {
    try {
      await trx.raw(`DELETE FROM ${definition.facts.table} WHERE 0`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
    }
  }
}

export async function importFile(options: ImportOptions): Promise<ImportSummary> {
  const definition = importDefinition(options.domain);
  const { file } = options;
  const started = performance.now();
  const table = openTable(file, Object.entries(definition.columns as ColumnSet).map(([name, c]) => ({ name, digits: c.digits })));
  const before = fs.statSync(file);
  const validate = rowValidator(definition, { today: options.today ?? todayInVietnam() });
  const progress = throttle(options.onProgress);

  // Pass 1: validate everything, write nothing.
  const log = new ProblemLog();
  let ids: IdLines | null = new IdLines();
  let rows = 0;
  progress({ phase: 'validate', rows, totalRows: null, bytes: 0, totalBytes: table.totalBytes }, true);
  for await (const chunk of table.chunks()) {
    for (const row of chunk) {
      rows++;
      const valid = validate(row, log, false);
      if (!valid) continue;
      const first = ids.firstLine(valid.id, row.line);
      if (first !== undefined) log.add({ line: row.line, column: definition.idColumn, position: row.positions[definition.idColumn], value: valid.id, reason: `the same ${definition.idColumn} as line ${first}` });
    }
    progress({ phase: 'validate', rows, totalRows: null, bytes: table.bytesRead(), totalBytes: table.totalBytes });
  }
  progress({ phase: 'validate', rows, totalRows: rows, bytes: table.totalBytes, totalBytes: table.totalBytes }, true);
  if (!log.empty) throw new ImportRejected(file, log);
  ids = null;
  const validated = performance.now();

  const summary: ImportSummary = {
    domain: definition.domain, file, format: table.format, rows,
    inserted: 0, updated: 0, unchanged: 0, validateSeconds: (validated - started) / 1000, writeSeconds: 0, seconds: 0, rowsPerSecond: 0,
  };
  if (rows > 0) await writeFile(options, definition, table, validate, rows, before, summary, progress);
  const finished = performance.now();
  summary.writeSeconds = (finished - validated) / 1000;
  summary.seconds = (finished - started) / 1000;
  summary.rowsPerSecond = summary.seconds > 0 ? rows / summary.seconds : 0;
  return summary;
}

async function writeFile(
  options: ImportOptions,
  definition: AnyImportDefinition,
  table: ReturnType<typeof openTable>,
  validate: ReturnType<typeof rowValidator>,
  expectedRows: number,
  before: fs.Stats,
  summary: ImportSummary,
  progress: ReturnType<typeof throttle>,
): Promise<void> {
  const { file, config } = options;
  const changed = (why: string) => new ImportError(`${file} changed while it was being imported (${why}); nothing was written, run the import again`);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const strategy = options.summaries ?? 'buffered';
  const db = await openDb(config, definition.domain);
  try {
    await migrate(db, definition.migrations, `${definition.domain.replace(/-/g, '_')}_migrations`);
    await db.transaction(async (trx) => {
      await lockDomain(trx, definition, config);
      // An empty table cannot hold any of the (distinct) ids: no need to read old rows.
      const allNew = !(await trx(definition.facts.table).first(definition.facts.key));
      // Into an empty SQLite table, secondary indexes are built once at the end from sorted
      // keys: kept up row by row they doubled the cost of each fact (10 µs more a citizen).
      // (In MySQL, DDL would commit the transaction.)
      const indexes = allNew && !isMysql(trx) ? await dropIndexes(trx, definition.facts.table) : [];
      const buffer = strategy === 'buffered' ? new DeltaBuffer(trx, definition.facts.summary, { maxBytes: SUMMARY_BUFFER_BYTES }) : null;
      // Without the buffer, the areas to rebuild come from the deltas themselves; old rows count
      // too: a citizen who moved takes a figure away from a commune that is not in the file.
      const touchedCommunes = new Set<string>();
      const spec: FactSpec<unknown, string> =
        strategy === 'deferred'
          ? {
              ...definition.facts,
              deltasOf(fact) {
                const deltas = definition.facts.deltasOf(fact);
                for (const d of deltas) touchedCommunes.add(d.communeCode);
                return deltas;
              },
            }
          : definition.facts;
      const upsertOptions = buffer ? { allNew, summaries: buffer } : { allNew, deferYearTotals: strategy === 'deferred' };
      const log = new ProblemLog();
      let rows = 0;
      let batch: unknown[] = [];
      const write = async (facts: unknown[], upTo: number) => {
        const r = await upsertFacts(trx, spec, facts, upsertOptions);
        summary.inserted += r.inserted;
        summary.updated += r.updated;
        summary.unchanged += r.unchanged;
        progress({ phase: 'write', rows: upTo, totalRows: expectedRows, bytes: table.bytesRead(), totalBytes: table.totalBytes });
      };
      // One batch is written while the next is read: with MySQL the database works while this
      // process parses. Batches still go to upsertFacts one at a time, in file order.
      let writing: Promise<void> = Promise.resolve();
      progress({ phase: 'write', rows, totalRows: expectedRows, bytes: 0, totalBytes: table.totalBytes }, true);
      try {
        for await (const chunk of table.chunks()) {
          for (const row of chunk) {
            rows++;
            const valid = validate(row, log);
            if (!valid) throw changed(`line ${row.line} is no longer valid`);
            batch.push(valid.fact);
            if (batch.length >= batchSize) {
              await writing;
              writing = write(batch, rows);
              // Awaited later; a failure is not "unhandled" meanwhile.
              writing.catch(() => {});
              batch = [];
            }
          }
        }
      } catch (err) {
        await writing.catch(() => {});
        throw err;
      }
      await writing;
      if (batch.length) await write(batch, rows);
      if (rows !== expectedRows) throw changed(`${rows} rows instead of ${expectedRows}`);
      for (const sql of indexes) await trx.raw(sql);
      if (buffer) {
        await buffer.flush();
        await rebuildYearTotals(trx, definition.facts.summary, buffer.touchedAreaCodes());
      } else if (strategy === 'deferred' && touchedCommunes.size) {
        const areas = new Set<string>();
        for (const c of touchedCommunes) for (const a of ancestorsOf(c)) areas.add(a);
        await rebuildYearTotals(trx, definition.facts.summary, [...areas]);
      }
      const after = fs.statSync(file);
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) throw changed('its size or modification time differs');
      progress({ phase: 'write', rows, totalRows: expectedRows, bytes: table.totalBytes, totalBytes: table.totalBytes }, true);
    });
    // Committed: the gateways' cached answers over this domain are stale from now on. The import
    // is complete only once they know it, so that no figure from before it is served after it.
    if (summary.inserted + summary.updated > 0) await dataChanged(config, definition.domain);
  } finally {
    await db.destroy();
  }
}

/** Drops the table's own indexes (not its primary key) and answers the SQL that recreates them. */
async function dropIndexes(trx: Knex.Transaction, table: string): Promise<string[]> {
  const indexes: { name: string; sql: string }[] = await trx.raw("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [table]);
  for (const index of indexes) await trx.raw('DROP INDEX ??', [index.name]);
  return indexes.map((i) => i.sql);
}

/** At most one progress report per interval, plus the ones that must be shown (phase start and end). */
function throttle(onProgress?: (p: ImportProgress) => void) {
  let last = 0;
  return (p: ImportProgress, force = false) => {
    if (!onProgress) return;
    const now = Date.now();
    if (!force && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    onProgress(p);
  };
}

export type { Problem };
