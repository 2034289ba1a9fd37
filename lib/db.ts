/**
 * One knex instance per domain database: a SQLite file under DATA_DIR (the embedded default)
 * or a MySQL database of its own (`<prefix><domain>`, created if missing). Every domain runs
 * the same migrations on both; the few dialect differences live in `lib/dialect.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import type { Config } from './config';
import { measureSql } from './metrics';
import { traceSql } from './tracing';
import { isMysql, KNEX_CLIENT, tableNames } from './dialect';

export type Db = Knex;

function mysqlConnection(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    // Counts come back as numbers; sums of BIGINT would otherwise be strings.
    supportBigNumbers: true,
    decimalNumbers: true,
    charset: 'utf8mb4',
  };
}

export function databaseName(config: Pick<Config, 'MYSQL_DATABASE_PREFIX'>, domain: string): string {
  return `${config.MYSQL_DATABASE_PREFIX}${domain.replace(/-/g, '_')}`;
}

/** Opens (and for MySQL creates) the database of one domain, its statements counted and traced. Does not migrate. */
export async function openDb(config: Config, domain: string): Promise<Db> {
  const db = await openKnex(config, domain);
  measureSql(db, domain);
  traceSql(db, domain);
  return db;
}

async function openKnex(config: Config, domain: string): Promise<Db> {
  if (config.DB_CLIENT === 'mysql2') {
    const connection = mysqlConnection(config.MYSQL_URL!);
    const database = databaseName(config, domain);
    const admin = knexFactory({ client: KNEX_CLIENT.mysql, connection, pool: { min: 0, max: 1 } });
    try {
      await admin.raw('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [database]);
    } finally {
      await admin.destroy();
    }
    return knexFactory({ client: KNEX_CLIENT.mysql, connection: { ...connection, database }, pool: { min: 0, max: 10 } });
  }
  fs.mkdirSync(config.DATA_DIR, { recursive: true });
  const filename = path.join(config.DATA_DIR, `${domain}.sqlite`);
  return knexFactory({
    client: KNEX_CLIENT.sqlite,
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      // WAL lets an import in another process write while this service keeps reading.
      afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) => {
        keepPreparedStatements(conn);
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('busy_timeout = 10000');
        // 64 MiB of page cache: summaries are updated all over their B-trees during a load.
        conn.pragma('cache_size = -65536');
        done(null, conn);
      },
    },
  });
}

interface SqliteConnection {
  pragma(s: string): unknown;
  prepare(sql: string): unknown;
}

/** Prepared statements a SQLite connection keeps, by text. */
const PREPARED_STATEMENTS_KEPT = 256;

/**
 * knex prepares every statement it runs on SQLite anew; compiling a summary read (three parts of
 * up to 70 summed columns) cost more than running it for a province's 24 months. The connection
 * keeps its recent statements instead: the same text gets the statement prepared before (SQLite
 * prepares it again by itself if the schema has changed since). Safe because better-sqlite3 runs
 * a statement to completion before the next call, and knex sets no per-statement mode we rely on.
 */
function keepPreparedStatements(conn: SqliteConnection): void {
  const prepare = conn.prepare.bind(conn);
  const kept = new LRUCache<string, object>({ max: PREPARED_STATEMENTS_KEPT });
  conn.prepare = (sql: string) => {
    let statement = kept.get(sql);
    if (!statement) kept.set(sql, (statement = prepare(sql) as object));
    return statement;
  };
}

/** Drops every table of a domain database: used by tests to start from nothing. */
export async function dropAllTables(db: Db): Promise<void> {
  const mysql = isMysql(db);
  if (mysql) await db.raw('SET FOREIGN_KEY_CHECKS = 0');
  for (const name of await tableNames(db)) await db.raw('DROP TABLE IF EXISTS ??', [name]);
  if (mysql) await db.raw('SET FOREIGN_KEY_CHECKS = 1');
}

/** Runs a domain's migrations, given as modules in code so that source and build behave alike. */
export async function migrate(db: Db, migrations: Record<string, Knex.Migration>, tableName: string): Promise<void> {
  const source: Knex.MigrationSource<string> = {
    getMigrations: async () => Object.keys(migrations).sort(),
    getMigrationName: (name) => name,
    getMigration: async (name) => migrations[name],
  };
  await db.migrate.latest({ migrationSource: source, tableName });
}

// Kept here for its importers; the dialect differences are in lib/dialect.ts.
export { isMysql };
