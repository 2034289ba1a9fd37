/**
 * Bulk upserts, the one hot write path (summaries and fact rows during seeding and imports).
 * knex builds a multi-row INSERT in JavaScript and SQLite then compiles it anew each time,
 * which dominated seeding; here SQLite reuses prepared multi-row statements per table on the
 * transaction's own connection, and MySQL gets plain multi-row statements built as text.
 */
import type { Knex } from 'knex';
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
