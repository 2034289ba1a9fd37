/**
 * Importing one file into one domain, all or nothing, in one streaming pass inside one
 * transaction:
 *
 * - every row is validated as it is read (cells, the domain's rules, ids seen before in the
 *   file); valid rows are written in batches through `upsertFacts`, so an identical row changes
 *   nothing, a changed row moves the figures by its difference, and the summaries are exact
 *   when the transaction commits; month totals are rebuilt once at the end for the areas touched;
 * - from the first bad row on, nothing more is written but every row is still validated, so the
 *   refusal lists every problem (the first 100, and a count); the transaction is then rolled
 *   back: a refused file leaves the database exactly as it was, and no reader ever sees a row
 *   of it (SQLite readers see the last commit; MySQL's default isolation hides uncommitted rows).
 *
 * Reading and checking are lib/import/rows.ts. Memory stays flat at any file size: the ids seen
 * (to refuse a duplicate), one batch, bounded buffers. An earlier version validated the whole
 * file in a first pass and read it again to write; parsing twice was a fifth of an import's time.
 */
import type { Knex } from 'knex';
import { structureOn, type AreaStructure } from '../areas';
import type { Config } from '../config';
import { dataChanged } from '../data-versions';
import { databaseName, isMysql, migrate, openDb } from '../db';
import { deleteFacts, upsertFacts } from '../fact-store';
import { metrics } from '../metrics';
import { DeltaBuffer, deltaTable } from '../summaries';
import { isIsoDate } from '../periods';
import { todayInVietnam, type AnyImportDefinition } from './columns';
import { ImportError, ImportRejected, type Problem } from './problems';
import { importLimits } from './limits';
import { openRowSource } from './rows';

export interface ImportProgress {
  /** One pass: rows are checked and written as they are read. */
  phase: 'import';
  rows: number;
  /** Known at the end only (the file is read once). */
  totalRows: number | null;
  bytes: number;
  totalBytes: number;
}

export interface ImportOptions {
  config: Config;
  /** The domain's import definition: its module's `imports` (services/registry.ts `importDefinition(name)` finds it by name). */
  definition: AnyImportDefinition;
  file: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Dates after this `YYYY-MM-DD` are refused as in the future; defaults to today in Viet Nam. */
  today?: string;
  /** Facts per `upsertFacts` call. */
  batchSize?: number;
  /**
   * The structure of the file's commune codes where a row does not say (a `commune_structure`
   * column); the structure in force today by default (two-tier).
   */
  structure?: AreaStructure;
  /**
   * The day the file's data is current through (`YYYY-MM-DD`, not after today; today by default):
   * no date in it may be later, and the units it covers are recorded as delivered through it.
   */
  dataThrough?: string;
  /**
   * Delete the records the file lists (one column: the domain's id column), taking their figures
   * away; an id that is not there is refused like any bad row.
   */
  delete?: boolean;
  /**
   * Check the file and count what importing it would insert, update and leave unchanged, then
   * roll everything back: the whole import runs (every check, the database's own included),
   * nothing is kept, and no cached answer is invalidated.
   */
  dryRun?: boolean;
}

export interface ImportSummary {
  domain: string;
  file: string;
  format: 'csv' | 'xlsx';
  /** Data rows read (blank rows are not counted). */
  rows: number;
  /** A dry run: the counts are what the import would do; nothing was written. */
  dryRun: boolean;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Records deleted (an import with `delete`). */
  deleted: number;
  /** Reading, checking and writing the rows. */
  readSeconds: number;
  /** After the last row: indexes rebuilt, summaries written, month totals rebuilt, commit. */
  finishSeconds: number;
  /** Of `finishSeconds`: the indexes dropped for the load, built again (about 0 when none was dropped, as always on MySQL). */
  indexSeconds: number;
  /** Of `finishSeconds`: the summaries written, their month-end totals rebuilt and the deliveries recorded. */
  summarySeconds: number;
  /** Of `finishSeconds`: the commit (for a dry run, the rollback); on SQLite it writes the transaction's pages to the WAL and checkpoints them into the file. */
  commitSeconds: number;
  seconds: number;
  rowsPerSecond: number;
}

const DEFAULT_BATCH = 5_000;
/**
 * The summary buffer of one import (lib/summaries DeltaBuffer): large enough that a province's
 * million citizens are summed in one pass and each summary row is written once. Hà Nội's million
 * (bench:import) give 8.2 million deltas on 2.16 million (commune, day) keys; the buffer is
 * bounded for the worst case, every delta a key of its own (117 bytes a delta for residency:
 * 9.2 million deltas in 1 GiB); for Hà Nội its arrays come to about 360 MB by their sizes (log
 * 107, sort order 33, sums of 2.16 million keys 216). With less room the summaries are written
 * out more than once: the hash-table buffer before it, at 128 MiB, made 6.35 million upserts for
 * 3.46 million rows.
 */
const SUMMARY_BUFFER_BYTES = 1024 * 2 ** 20;
/**
 * Figure deltas per row of a file, to size the summary buffer's log up front: Hà Nội's million
 * citizens give 8.2 million; the rest is room for files of other domains. Too many only costs
 * the log's untouched memory, capped by SUMMARY_BUFFER_BYTES; too few, a doubling.
 */
const DELTAS_PER_ROW = 10;
const PROGRESS_EVERY_MS = 100;
/**
 * An import into a table with rows drops its non-unique indexes and builds them again at the end
 * when the rows it adds, times this, exceed the rows already there: keeping such an index up
 * cost about 7 µs per added row (1,000,000 citizens added to 1,000,000: 7.2 s), building it
 * about 1 µs per row of the table (2,000,000: 2.0 s).
 */
const REBUILD_BEATS_UPKEEP = 6;
/** Thrown to roll a dry run's transaction back. */
const DRY_RUN_DONE = new Error('dry run: rolled back');
/** How long an import waits for another import into the same domain to finish. */
const LOCK_WAIT_SECONDS = 600;

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
  const { definition, file, config } = options;
  const started = performance.now();
  const progress = throttle(options.onProgress);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const today = options.today ?? todayInVietnam();
  const dataThrough = options.dataThrough ?? today;
  if (!isIsoDate(dataThrough) || dataThrough > today) throw new ImportError(`--data-through "${dataThrough}": must be a day written YYYY-MM-DD, not after today (${today})`);
  // The header is checked (and the first rows read) before the database is opened: a file with
  // unknown or missing columns is refused without touching anything, even an empty start.
  const source = await openRowSource({
    definition, file, today, dataThrough, structure: options.structure ?? structureOn(today), batchSize, deleting: options.delete ?? false,
    limits: importLimits(config),
  });
  const summary: ImportSummary = {
    domain: definition.domain, file, format: source.format, rows: 0, dryRun: options.dryRun ?? false,
    inserted: 0, updated: 0, unchanged: 0, deleted: 0, readSeconds: 0, finishSeconds: 0, indexSeconds: 0, summarySeconds: 0, commitSeconds: 0, seconds: 0, rowsPerSecond: 0,
  };
  let db: Awaited<ReturnType<typeof openDb>> | undefined;
  let committed = false;
  try {
    const firstBatch = await source.next();
    db = await openDb(config, definition.domain);
    await migrate(db, definition.migrations, `${definition.domain.replace(/-/g, '_')}_migrations`);
    await db.transaction(async (trx) => {
      await lockDomain(trx, definition, config);
      // A larger page cache for this connection alone (it closes with the import): the
      // summaries' B-trees are written all over while a million facts go in. Bounded, so
      // memory stays flat at any file size.
      if (!isMysql(trx)) await trx.raw('PRAGMA cache_size = -262144');
      // An empty table cannot hold any of the (distinct) ids: no need to read old rows.
      const allNew = !options.delete && !(await trx(definition.facts.table).first(definition.facts.key));
      // Into an empty SQLite table, indexes are built once at the end from sorted keys, the
      // key's unique index too (lib/fact-store.ts keyAsUniqueIndex): kept up row by row, in file
      // order, they cost more than the rest of the row's writing. The file's ids were checked
      // distinct, so rebuilding the unique index cannot fail. (In MySQL, DDL would commit the
      // transaction.)
      const tables = [definition.facts.table, ...(definition.facts.links ? [definition.facts.links.table] : [])];
      const indexes: string[] = [];
      if (allNew && !isMysql(trx)) for (const table of tables) indexes.push(...(await dropIndexes(trx, table, { unique: true })));
      // Into a table with rows, the key's index stays (rows are found by it), but the others
      // may be dropped too once the first batch shows how many rows the file adds.
      let indexesDecided = allNew || isMysql(trx);
      // Empty summaries (a first import) take the first flush as plain inserts.
      const summariesEmpty = !(await trx(deltaTable(definition.facts.summary)).first('bucket'));
      // The file's rows, from the first batch's share of its bytes, times the deltas a row adds:
      // a buffer sized once instead of doubled again and again (see DELTAS_PER_ROW).
      const expectedRows = firstBatch && firstBatch.bytes > 0 ? (firstBatch.rows / firstBatch.bytes) * source.totalBytes : 0;
      const buffer = new DeltaBuffer(trx, definition.facts.summary, { maxBytes: SUMMARY_BUFFER_BYTES, summariesEmpty, expectedDeltas: expectedRows * DELTAS_PER_ROW });
      const write = async (facts: unknown[]) => {
        if (!options.delete) {
          const r = await upsertFacts(trx, definition.facts, facts, { allNew, summaries: buffer });
          summary.inserted += r.inserted;
          summary.updated += r.updated;
          summary.unchanged += r.unchanged;
          return;
        }
        const lines = facts as { id: string; line: number; position: number | undefined }[];
        const r = await deleteFacts(trx, definition.facts, lines.map((l) => l.id), { summaries: buffer });
        summary.deleted += r.deleted;
        const missing = new Set(r.missing);
        for (const l of lines) if (missing.has(l.id)) source.log.add({ line: l.line, column: definition.idColumn, position: l.position, value: l.id, reason: `no such record to delete in ${definition.domain}` });
      };
      let rows = 0;
      progress({ phase: 'import', rows, totalRows: null, bytes: 0, totalBytes: source.totalBytes }, true);
      // One batch is written while the next is read: with MySQL the database works while this
      // process parses. Batches still go to upsertFacts one at a time, in file order.
      let writing: Promise<void> = Promise.resolve();
      try {
        for (let batch = firstBatch; batch; batch = await source.next()) {
          rows = batch.rows;
          summary.rows = rows;
          if (batch.facts.length) {
            await writing;
            const written = summary.inserted + summary.updated + summary.unchanged;
            if (!indexesDecided && written > 0 && !options.delete) {
              indexesDecided = true;
              const fileRows = (source.totalBytes / batch.bytes) * batch.rows;
              // The rows there, at once: the last rowid (a table without one is left as it is).
              const there = await trx
                .raw(`SELECT MAX(rowid) AS last FROM ${definition.facts.table}`)
                .then(([{ last }]: { last: number | null }[]) => Number(last ?? 0), () => Infinity);
              if ((summary.inserted / written) * fileRows * REBUILD_BEATS_UPKEEP > there) {
                for (const table of tables) indexes.push(...(await dropIndexes(trx, table, { unique: false })));
              }
            }
            writing = write(batch.facts);
            // Awaited later; a failure is not "unhandled" meanwhile.
            writing.catch(() => {});
          }
          progress({ phase: 'import', rows, totalRows: null, bytes: batch.bytes, totalBytes: source.totalBytes });
        }
      } finally {
        await writing.catch(() => {});
      }
      await writing;
      summary.rows = rows;
      // Rolls the transaction back: nothing of the file is kept.
      if (!source.log.empty) throw new ImportRejected(file, source.log);
      summary.readSeconds = (performance.now() - started) / 1000;
      for (const sql of indexes) await trx.raw(sql);
      summary.indexSeconds = (performance.now() - started) / 1000 - summary.readSeconds;
      await buffer.finish({ deliveredThrough: dataThrough });
      summary.summarySeconds = (performance.now() - started) / 1000 - summary.readSeconds - summary.indexSeconds;
      progress({ phase: 'import', rows, totalRows: rows, bytes: source.totalBytes, totalBytes: source.totalBytes }, true);
      // Rolls the transaction back once everything has run.
      if (options.dryRun) throw DRY_RUN_DONE;
    }).catch((err: unknown) => {
      if (err !== DRY_RUN_DONE) throw err;
    });
    summary.finishSeconds = (performance.now() - started) / 1000 - summary.readSeconds;
    summary.commitSeconds = summary.finishSeconds - summary.indexSeconds - summary.summarySeconds;
    // Committed: the gateways' cached answers over this domain are stale from now on. The import
    // is complete only once they know it, so that no figure from before it is served after it.
    committed = true;
    metrics.importRows.inc({ domain: definition.domain, outcome: options.dryRun ? 'dry_run' : 'committed' }, summary.rows);
    // Deliveries of unchanged rows move the dates figures stand at: those change answers too.
    if (!options.dryRun && summary.inserted + summary.updated + summary.unchanged + summary.deleted > 0) await dataChanged(config, definition.domain);
  } catch (err) {
    if (!committed) metrics.importRows.inc({ domain: definition.domain, outcome: 'rolled_back' }, summary.rows);
    throw err;
  } finally {
    // Closes the file when the import stopped before its end (a database error).
    await source.close();
    await db?.destroy();
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.rowsPerSecond = summary.seconds > 0 ? summary.rows / summary.seconds : 0;
  return summary;
}

/**
 * Drops the table's indexes, the unique ones too or not (never a primary key, which SQLite
 * cannot drop), and answers the SQL that recreates them.
 */
async function dropIndexes(trx: Knex.Transaction, table: string, options: { unique: boolean }): Promise<string[]> {
  const listed: { name: string; unique: number }[] = await trx.raw(`PRAGMA index_list(${table})`);
  const unique = new Set(listed.filter((i) => i.unique).map((i) => i.name));
  const indexes: { name: string; sql: string }[] = await trx.raw("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [table]);
  const dropped = indexes.filter((i) => options.unique || !unique.has(i.name));
  for (const index of dropped) await trx.raw('DROP INDEX ??', [index.name]);
  return dropped.map((i) => i.sql);
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
