/**
 * What a domain's database holds, read straight from its tables (not through the graph, whose
 * response cache would answer the same whatever happened underneath): the row count of every
 * table, and for the summary tables a digest of every row. Two snapshots are equal only if no
 * row of any table was added or removed and no summary changed.
 */
import crypto from 'node:crypto';
import type { Db } from '../../lib/db';

export type DbSnapshot = Record<string, { rows: number; digest?: string }>;

async function tablesOf(db: Db): Promise<string[]> {
  if (db.client.config.client === 'mysql2') {
    const [rows] = await db.raw('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()');
    return (rows as { name: string }[]).map((r) => r.name).sort();
  }
  const rows: { name: string }[] = await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  return rows.map((r) => r.name).sort();
}

/** Every table of every database, by `domain.table`. */
export async function snapshotDatabases(dbs: Record<string, Db>): Promise<DbSnapshot> {
  const out: DbSnapshot = {};
  for (const [domain, db] of Object.entries(dbs)) {
    for (const table of await tablesOf(db)) {
      const rows = Number((await db(table).count({ n: '*' }))[0].n);
      const entry: { rows: number; digest?: string } = { rows };
      if (/summar/i.test(table)) {
        // Rows in a stable order whatever the engine returns: each row as JSON, sorted.
        const all = (await db(table).select('*')).map((r: Record<string, unknown>) => JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k] === null ? null : String(r[k])])));
        entry.digest = crypto.createHash('sha256').update(all.sort().join('\n')).digest('hex');
      }
      out[`${domain}.${table}`] = entry;
    }
  }
  return out;
}

/** Headers that ask the gateway for a fresh answer rather than one from its response cache. */
export const NO_CACHE = { 'cache-control': 'no-cache' };
