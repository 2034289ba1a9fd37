/**
 * Bulk upserts, the one hot write path (summaries and fact rows during seeding and imports).
 * knex builds a multi-row INSERT in JavaScript and SQLite then compiles it anew each time,
 * which dominated seeding; here SQLite reuses prepared multi-row statements per table on the
 * transaction's own connection, and MySQL gets plain multi-row statements built as text.
 */
import type { Knex } from 'knex';
import { Readable } from 'node:stream';
import { escape } from 'mysql2';
import { isMysql } from './db';

export type Row = Record<string, string | number | null>;

export interface UpsertShape {
  table: string;
  /** Columns of the primary key. */
  key: readonly string[];
  /** Every column written, key columns included. */
  columns: readonly string[];
  /**
   * `add`: on conflict add the new values to the old (summaries); `replace`: overwrite (facts);
   * `fail`: a plain insert, for rows known to be new (a conflict is an error, not an update).
   */
  onConflict: 'add' | 'replace' | 'fail';
}

interface SqliteStatement {
  run(params: readonly unknown[]): unknown;
  all(...params: unknown[]): Record<string, unknown>[];
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

const statements = new WeakMap<object, Map<string, SqliteStatement>>();
/**
 * Rows per SQLite statement: one call into SQLite per row cost more than the B-tree work it
 * did (about 3 µs of the 5 per summary row); 64 rows bind at once and run in one step, and
 * larger statements gained nothing more.
 */
const SQLITE_ROWS_PER_STATEMENT = 64;
/** Larger statements mean fewer round trips; 4,000 rows of a summary are about 200 kB, far below max_allowed_packet. */
const MYSQL_ROWS_PER_STATEMENT = 4000;

/** A statement prepared once per connection and kept with it, under `id`. */
function cachedStatement(conn: SqliteConnection, id: string, sql: () => string): SqliteStatement {
  let cache = statements.get(conn);
  if (!cache) statements.set(conn, (cache = new Map()));
  let stmt = cache.get(id);
  if (!stmt) cache.set(id, (stmt = conn.prepare(sql())));
  return stmt;
}

function sqliteStatement(conn: SqliteConnection, shape: UpsertShape, rows: number): SqliteStatement {
  return cachedStatement(conn, `${shape.table}|${shape.onConflict}|${shape.columns.join(',')}|${rows}`, () => {
    const values = shape.columns.filter((c) => !shape.key.includes(c));
    const set = values.map((c) => (shape.onConflict === 'add' ? `${c} = ${shape.table}.${c} + excluded.${c}` : `${c} = excluded.${c}`));
    const tuple = `(${shape.columns.map(() => '?').join(', ')})`;
    // Rows of one statement are applied in order, so a key twice in it is an upsert of the first.
    // A plain insert names no conflict target: it also runs while the key's index is dropped.
    return (
      `INSERT INTO ${shape.table} (${shape.columns.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}` +
      (shape.onConflict === 'fail' ? '' : ` ON CONFLICT (${shape.key.join(', ')}) DO UPDATE SET ${set.join(', ')}`)
    );
  });
}

/** Upserts rows (objects keyed by column) within a transaction (the SQLite path needs the transaction's connection). */
export async function bulkUpsert(trx: Knex.Transaction, shape: UpsertShape, rows: readonly Row[]): Promise<void> {
  const flat: unknown[] = [];
  for (const row of rows) for (const c of shape.columns) flat.push(row[c] ?? null);
  await bulkUpsertFlat(trx, shape, flat);
}

/**
 * Upserts rows given as one flat array of values: `shape.columns.length` values per row, rows in
 * order; only the first `length` values (a caller may reuse one large array for every call).
 */
export async function bulkUpsertFlat(trx: Knex.Transaction, shape: UpsertShape, values: readonly unknown[], length = values.length): Promise<void> {
  const width = shape.columns.length;
  if (length % width !== 0 || length > values.length) throw new Error(`bulkUpsertFlat into ${shape.table}: ${length} values are not rows of ${width}`);
  if (length === 0) return;
  if (!isMysql(trx)) {
    const conn = (await trx.client.acquireConnection()) as SqliteConnection;
    const step = SQLITE_ROWS_PER_STATEMENT * width;
    let i = 0;
    if (length >= step) {
      const many = sqliteStatement(conn, shape, SQLITE_ROWS_PER_STATEMENT);
      // One parameter array, refilled: a new one per statement was garbage at millions of rows.
      const params = new Array<unknown>(step);
      for (; i + step <= length; i += step) {
        for (let j = 0; j < step; j++) params[j] = values[i + j];
        many.run(params);
      }
    }
    if (i < length) {
      const one = sqliteStatement(conn, shape, 1);
      for (; i < length; i += width) one.run(values.slice(i, i + width));
    }
    return;
  }
  if (shape.onConflict === 'fail' && length / width >= LOAD_DATA_MIN_ROWS && (await loadDataAllowed(trx))) {
    await loadData(trx, shape, values, length);
    return;
  }
  const updated = shape.columns.filter((c) => !shape.key.includes(c));
  const set = updated.map((c) => (shape.onConflict === 'add' ? `${c} = ${c} + VALUES(${c})` : `${c} = VALUES(${c})`));
  const step = MYSQL_ROWS_PER_STATEMENT * width;
  for (let i = 0; i < length; i += step) {
    // The values are escaped here, as mysql2 would escape bindings: knex's binding formatter
    // took more time per row than MySQL took to store it.
    const tuples: string[] = [];
    const end = Math.min(length, i + step);
    for (let r = i; r < end; r += width) {
      let tuple = '(';
      for (let c = 0; c < width; c++) {
        const v = values[r + c];
        tuple += (c ? ', ' : '') + (typeof v === 'number' && Number.isFinite(v) ? String(v) : escape((v ?? null) as string | number | null));
      }
      tuples.push(tuple + ')');
    }
    const onDuplicate = shape.onConflict === 'fail' ? '' : ` ON DUPLICATE KEY UPDATE ${set.join(', ')}`;
    await trx.raw(`INSERT INTO ${shape.table} (${shape.columns.join(', ')}) VALUES ${tuples.join(', ')}${onDuplicate}`);
  }
}

/**
 * New rows into MySQL from at least this many at once go as one LOAD DATA LOCAL: the server
 * parses tab-separated text far faster than INSERT statements (a million citizens' summary rows
 * and fact rows: about 3.3 times faster than 4,000-row INSERTs on MariaDB 10.11).
 */
const LOAD_DATA_MIN_ROWS = 2000;
/** Whether the server accepts LOAD DATA LOCAL (`local_infile`), asked once per pool. */
const loadDataAllowedByPool = new WeakMap<object, Promise<boolean>>();

async function loadDataAllowed(trx: Knex.Transaction): Promise<boolean> {
  const pool = trx.client.pool ?? trx.client;
  let allowed = loadDataAllowedByPool.get(pool);
  if (!allowed) {
    allowed = trx.raw("SELECT @@GLOBAL.local_infile AS allowed").then(
      ([rows]: [{ allowed: number | string }[]]) => Number(rows[0]?.allowed) === 1,
      () => false,
    );
    loadDataAllowedByPool.set(pool, allowed);
  }
  return allowed;
}

/** A value as LOAD DATA's default text format reads it: tabs, newlines and backslashes escaped, NULL as \N. */
function loadDataField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`bulk write: ${v} is not a number a database can hold`);
    return String(v);
  }
  return String(v).replace(/[\\\t\n\r\0]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\0'));
}

/**
 * Plain inserts as one LOAD DATA LOCAL INFILE of the transaction's connection, fed from memory.
 * LOCAL turns duplicate keys and bad values into warnings and skipped rows; here any warning
 * or any row not stored fails the write (and so the transaction), as an INSERT would have.
 */
async function loadData(trx: Knex.Transaction, shape: UpsertShape, values: readonly unknown[], length: number): Promise<void> {
  const width = shape.columns.length;
  const lines: string[] = [];
  for (let r = 0; r < length; r += width) {
    let line = '';
    for (let c = 0; c < width; c++) line += (c ? '\t' : '') + loadDataField(values[r + c]);
    lines.push(line);
  }
  const text = Buffer.from(lines.join('\n') + '\n', 'utf8');
  const conn = (await trx.client.acquireConnection()) as {
    query(options: { sql: string; infileStreamFactory: () => Readable }, done: (err: Error | null, result?: { affectedRows: number; warningStatus: number }) => void): void;
  };
  const result = await new Promise<{ affectedRows: number; warningStatus: number }>((resolve, reject) =>
    conn.query(
      {
        sql: `LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE ${shape.table} CHARACTER SET utf8mb4 (${shape.columns.join(', ')})`,
        infileStreamFactory: () => Readable.from([text]),
      },
      (err, res) => (err ? reject(err) : resolve(res!)),
    ),
  );
  const rows = length / width;
  if (result.affectedRows !== rows || result.warningStatus !== 0) {
    throw new Error(`bulk write into ${shape.table}: ${result.affectedRows} of ${rows} new rows stored, ${result.warningStatus} warnings (a duplicate key or a value the column cannot hold)`);
  }
}

/**
 * The rows of `table` whose `key` is one of `ids` (at most a few thousand), in the caller's
 * transaction. On SQLite one statement prepared once per connection takes the ids as a JSON
 * array: knex's `whereIn` compiled a new statement of 500 placeholders for every call (a second
 * province's million citizens into a table of a million: 18.9 s with it, 16.8 s with this).
 */
export async function rowsByKey(trx: Knex.Transaction, table: string, key: string, ids: readonly string[]): Promise<Record<string, unknown>[]> {
  if (ids.length === 0) return [];
  if (isMysql(trx)) return await trx(table).whereIn(key, ids as string[]);
  const conn = (await trx.client.acquireConnection()) as SqliteConnection;
  const stmt = cachedStatement(conn, `select|${table}|${key}`, () => `SELECT * FROM ${table} WHERE ${key} IN (SELECT value FROM json_each(?))`);
  return stmt.all(JSON.stringify(ids));
}
