/**
 * The demo world written as import files (demo/export.ts, `npm run demo:csv`) and imported
 * gives exactly the database the demo seeding gives: the same facts (in both structures, with
 * residence histories) and the same summaries and delivery dates, row for row. The benchmark
 * relies on it: it loads its data through the import path.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../lib/config';
import { openDb } from '../../lib/db';
import { importFile } from '../../lib/import/engine';
import { prepareDomain } from '../../lib/service-runtime';
import { DEMO_FACTS, writeDemoCsv } from '../../demo/export';
import { DEMO_HORIZON } from '../../demo/world';
import { DOMAIN_MODULES, importDefinition } from '../../services/registry';

const SCALE = 0.01;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-demo-csv-'));
const seeded = loadConfig({ NODE_ENV: 'test', DATA_DIR: path.join(dir, 'seeded'), DEMO_SCALE: String(SCALE), LOG_LEVEL: 'silent' });
const imported = loadConfig({ NODE_ENV: 'test', DATA_DIR: path.join(dir, 'imported'), DEMO_SCALE: '0', LOG_LEVEL: 'silent' });

async function tableRows(config: typeof seeded, domain: string, table: string): Promise<unknown[]> {
  const db = await openDb(config, domain);
  try {
    // Ordered by every column: rows in one definite order, whatever the table's key.
    return await db(table).select('*').orderBy(Object.keys(await db(table).columnInfo()));
  } finally {
    await db.destroy();
  }
}

describe('the demo world as import files', () => {
  test.each(Object.keys(DEMO_FACTS))('%s: imported from its CSV, the same facts and summaries as seeded', async (domain) => {
    const module = DOMAIN_MODULES.find((m) => m.name === domain)!;
    const seededDomain = await prepareDomain(module, seeded);
    await seededDomain.db!.destroy();
    const file = path.join(dir, `${domain}.csv`);
    const rows = await writeDemoCsv(domain, { seed: seeded.DEMO_SEED, scale: SCALE }, file);
    expect(rows).toBeGreaterThan(50);
    // Each row says its structure: the import's default (today's, two-tier) would misread the old codes.
    const text = fs.readFileSync(file, 'utf8');
    expect(text.split('\r\n', 1)[0].split(',')).toContain('commune_structure');
    expect(text).toMatch(/,THREE_TIER,/);
    if (domain !== 'land') expect(text).toMatch(/,TWO_TIER,/);
    // Current through the demo's horizon, as the seeding records it.
    const summary = await importFile({ config: imported, definition: importDefinition(domain), file, today: DEMO_HORIZON, dataThrough: DEMO_HORIZON });
    expect(summary.inserted).toBe(rows);

    const db = await openDb(seeded, domain);
    const tables = ((await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%migrations%'")) as { name: string }[]).map((t) => t.name);
    await db.destroy();
    expect(tables.some((t) => t.endsWith('_delta'))).toBe(true);
    for (const table of tables) {
      const a = await tableRows(seeded, domain, table);
      const b = await tableRows(imported, domain, table);
      expect({ table, rows: b.length }).toEqual({ table, rows: a.length });
      expect(b).toEqual(a);
    }
  });
});
