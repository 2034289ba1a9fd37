/**
 * Bulk upserts, the one hot write path (summaries and fact rows during seeding and imports).
 * knex builds a multi-row INSERT in JavaScript and SQLite then compiles it anew each time,
 * which dominated seeding; here SQLite reuses one prepared single-row statement per table on
 * the transaction's own connection, and MySQL gets plain multi-row statements built as text.
 */
import type { Knex } from 'knex';
import { isMysql } from './db';

export type Row = Record<string, string | number | null>;

export interface UpsertShape {
  table: string;
  /** Columns of the primary key. */
  key: readonly string[];
  /** Every column written, key columns included. */
  columns: readonly string[];
  /** `add`: on conflict add the new values to the old (summaries); `replace`: overwrite (facts). */
  onConflict: 'add' | 'replace';
}

interface SqliteStatement {
  run(params: readonly unknown[]): unknown;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

const statements = new WeakMap<object, Map<string, SqliteStatement>>();
const MYSQL_ROWS_PER_STATEMENT = 1000;

function sqliteStatement(conn: SqliteConnection, shape: UpsertShape): SqliteStatement {
  let cache = statements.get(conn);
  if (!cache) statements.set(conn, (cache = new Map()));
  const id = `${shape.table}|${shape.onConflict}|${shape.columns.join(',')}`;
  let stmt = cache.get(id);
  if (!stmt) {
    const values = shape.columns.filter((c) => !shape.key.includes(c));
    const set = values.map((c) => (shape.onConflict === 'add' ? `${c} = ${shape.table}.${c} + excluded.${c}` : `${c} = excluded.${c}`));
    stmt = conn.prepare(
      `INSERT INTO ${shape.table} (${shape.columns.join(', ')}) VALUES (${shape.columns.map(() => '?').join(', ')})` +
        ` ON CONFLICT (${shape.key.join(', ')}) DO UPDATE SET ${set.join(', ')}`,
    );
    cache.set(id, stmt);
  }
  return stmt;
}

/** Upserts rows (objects keyed by column) within a transaction (the SQLite path needs the transaction's connection). */
export async function bulkUpsert(trx: Knex.Transaction, shape: UpsertShape, rows: readonly Row[]): Promise<void> {
  await bulkUpsertValues(trx, shape, rows.map((row) => shape.columns.map((c) => row[c] ?? null)));
}

/** Upserts rows given as values in `shape.columns` order. */
export async function bulkUpsertValues(trx: Knex.Transaction, shape: UpsertShape, rows: readonly (readonly unknown[])[]): Promise<void> {
  if (rows.length === 0) return;
  if (!isMysql(trx)) {
    const conn = (await trx.client.acquireConnection()) as SqliteConnection;
    const stmt = sqliteStatement(conn, shape);
    for (const row of rows) stmt.run(row);
    return;
  }
  const values = shape.columns.filter((c) => !shape.key.includes(c));
  const set = values.map((c) => (shape.onConflict === 'add' ? `${c} = ${c} + VALUES(${c})` : `${c} = VALUES(${c})`));
  const tuple = `(${shape.columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += MYSQL_ROWS_PER_STATEMENT) {
    const batch = rows.slice(i, i + MYSQL_ROWS_PER_STATEMENT);
    await trx.raw(
      `INSERT INTO ${shape.table} (${shape.columns.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')} ON DUPLICATE KEY UPDATE ${set.join(', ')}`,
      batch.flat() as Knex.RawBinding[],
    );
  }
}
