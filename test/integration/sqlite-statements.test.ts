/**
 * SQLite connections keep their prepared statements (lib/db.ts): the same text is compiled
 * once, and a kept statement still answers right after the schema it was compiled on changed
 * (a migration of a running service) or when it failed the time before.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../lib/config';
import { openDb, type Db } from '../../lib/db';

describe('prepared statements kept by a SQLite connection', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(loadConfig({ NODE_ENV: 'test', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'p06-statements-')), DEMO_SCALE: '0' }), 'statements');
  });
  afterAll(() => db?.destroy());

  test('the same text is compiled once per connection', async () => {
    const conn = (await db.client.acquireConnection()) as { prepare(sql: string): unknown };
    try {
      const first = conn.prepare('SELECT 1 AS one');
      expect(conn.prepare('SELECT 1 AS one')).toBe(first);
      expect(conn.prepare('SELECT 2 AS two')).not.toBe(first);
    } finally {
      await db.client.releaseConnection(conn);
    }
  });

  test('a kept statement follows the schema: a column added, a table dropped and made again', async () => {
    await db.raw('CREATE TABLE kept (a INTEGER NOT NULL)');
    await db('kept').insert({ a: 1 });
    expect(await db.raw('SELECT * FROM kept')).toEqual([{ a: 1 }]);
    await db.raw('ALTER TABLE kept ADD COLUMN b INTEGER NOT NULL DEFAULT 7');
    expect(await db.raw('SELECT * FROM kept')).toEqual([{ a: 1, b: 7 }]);
    await db.raw('DROP TABLE kept');
    await db.raw('CREATE TABLE kept (x TEXT NOT NULL)');
    await db('kept').insert({ x: 'z' });
    expect(await db.raw('SELECT * FROM kept')).toEqual([{ x: 'z' }]);
  });

  test('a kept statement that failed runs again with other values', async () => {
    await db.raw('CREATE TABLE once (id INTEGER PRIMARY KEY)');
    await db.raw('INSERT INTO once (id) VALUES (?)', [1]);
    // The message, not `rejects.toThrow`: better-sqlite3's native part keeps the SqliteError class
    // of the first test file a Jest worker ran, which later files' realms do not take for an Error.
    const failure = await db.raw('INSERT INTO once (id) VALUES (?)', [1]).then(() => 'no error', (e: { message?: unknown }) => String(e.message));
    expect(failure).toMatch(/UNIQUE constraint failed: once.id/);
    await db.raw('INSERT INTO once (id) VALUES (?)', [2]);
    expect(await db('once').orderBy('id')).toEqual([{ id: 1 }, { id: 2 }]);
  });
});
