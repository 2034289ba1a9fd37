/**
 * The differences between the two databases the graph runs on, SQLite (better-sqlite3, the
 * embedded default) and MySQL/MariaDB (mysql2), named in one place. Everything else is written
 * once, through knex. (The summaries' read statement and the bulk writes keep their own SQL per
 * dialect, chosen with `isMysql`: they are the hot paths and are measured as they are.)
 */
import type { Knex } from 'knex';

export type Dialect = 'mysql' | 'sqlite';

/** The knex client name of each dialect. */
export const KNEX_CLIENT: Record<Dialect, string> = { mysql: 'mysql2', sqlite: 'better-sqlite3' };

export const dialectOf = (db: Knex): Dialect => (db.client.config.client === KNEX_CLIENT.mysql ? 'mysql' : 'sqlite');

export const isMysql = (db: Knex) => dialectOf(db) === 'mysql';

/** The rows of a `db.raw` SELECT: mysql2 answers [rows, fields], better-sqlite3 the rows. */
export function rawRows<R>(db: Knex, result: unknown): R[] {
  return (isMysql(db) ? (result as [R[]])[0] : result) as R[];
}

/** The tables of the connected database (SQLite's own excepted). */
export async function tableNames(db: Knex): Promise<string[]> {
  const sql = isMysql(db)
    ? 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()'
    : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  return rawRows<{ name: string }>(db, await db.raw(sql)).map((r) => r.name);
}

/**
 * Whether a table's primary key can be swapped for a unique index a bulk load drops and rebuilds
 * (SQLite), or is the table itself (InnoDB stores rows in it) and stays.
 */
export const primaryKeyIsTheTable = (db: Knex) => isMysql(db);

/** A trigger that refuses `op` on `table` with `message`, whoever connects. */
export function refusingTriggerSql(db: Knex, name: string, op: 'UPDATE' | 'DELETE', table: string, message: string): string {
  return isMysql(db)
    ? `CREATE TRIGGER ${name} BEFORE ${op} ON ${table} FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${message}'`
    : `CREATE TRIGGER ${name} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END`;
}
