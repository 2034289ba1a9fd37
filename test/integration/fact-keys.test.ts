/**
 * The fact tables' keys on SQLite are unique indexes of their own (lib/fact-store.ts
 * keyAsUniqueIndex), so that an import into an empty table can drop them and build them once
 * at the end. Checked here: the migration keeps a database's rows and indexes and the key's
 * guarantee, and an import into an empty table leaves exactly the indexes it found, as does one
 * that adds many rows to a table (its other indexes built again at the end). On MySQL
 * the primary key stays, and the plain inserts of an import into an empty table count once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../lib/config';
import { dropAllTables, migrate, openDb, type Db } from '../../lib/db';
import { upsertFacts } from '../../lib/fact-store';
import { importFile } from '../../lib/import/engine';
import { citizenFacts, residencyMigrations, type Citizen } from '../../services/residency/facts';
import { civilStatusMigrations } from '../../services/civil-status/facts';
import { fixtureCommunes } from '../helpers/fixture';
import { testDatabases } from '../helpers/graph';
import { citizenCells, generateCitizens, RESIDENCY_COLUMNS, writeCsv } from '../helpers/import-files';
import { importDefinition } from '../../services/registry';

const config = () => loadConfig({ NODE_ENV: 'test', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'p06-fact-keys-')), DEMO_SCALE: '0', LOG_LEVEL: 'silent' });

/** The table's indexes as SQLite lists them: name, uniqueness, columns. */
async function indexesOf(db: Db, table: string) {
  const list: { name: string; unique: number }[] = await db.raw(`PRAGMA index_list(${table})`);
  const out = [];
  for (const index of list) {
    const columns: { name: string }[] = await db.raw(`PRAGMA index_info(${index.name})`);
    out.push({ name: index.name, unique: index.unique === 1, columns: columns.map((c) => c.name) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

const primaryKeyOf = async (db: Db, table: string) =>
  ((await db.raw(`PRAGMA table_info(${table})`)) as { name: string; pk: number }[]).filter((c) => c.pk > 0).map((c) => c.name);

describe('fact keys as unique indexes (SQLite)', () => {
  const citizens: Citizen[] = [...generateCitizens('fact-keys', 300, fixtureCommunes())];

  test('the migration keeps every row and index, and the key still refuses a second row with the same id', async () => {
    const db = await openDb(config(), 'residency');
    try {
      // The schema before the migration: personal_id the primary key.
      const before = Object.fromEntries(Object.entries(residencyMigrations).filter(([name]) => name < '003'));
      await migrate(db, before, 'residency_migrations');
      expect(await primaryKeyOf(db, 'citizens')).toEqual(['personal_id']);
      // Rows as that schema had them (the later migrations add columns).
      await db('citizens').insert(citizens.map((c) => ({
        personal_id: c.personalId, full_name: c.fullName, birth_date: c.birthDate, sex: c.sex, commune_code: c.communeCode, registered_on: c.registeredOn,
        chip_card_issued_on: c.chipCardIssuedOn, eid_level1_on: c.eidLevel1On, eid_level2_on: c.eidLevel2On,
      })));
      const rows = await db('citizens').orderBy('personal_id');

      await migrate(db, residencyMigrations, 'residency_migrations');
      expect(await primaryKeyOf(db, 'citizens')).toEqual([]);
      // The reform's migration added the structure (three-tier, as every record before it) and the history columns.
      expect(await db('citizens').orderBy('personal_id')).toEqual(rows.map((r) => ({ ...r, commune_structure: 'THREE_TIER', previous_residences: null, residence_ended_on: null, residence_end_reason: null })));
      expect(rows).toHaveLength(300);
      expect(await indexesOf(db, 'citizens')).toEqual([
        { name: 'citizens_commune_code_personal_id_index', unique: false, columns: ['commune_code', 'personal_id'] },
        { name: 'citizens_key', unique: true, columns: ['personal_id'] },
      ]);
      const refusal = await db('citizens').insert(rows[0]).then(() => 'inserted', (err: Error) => err.message);
      expect(refusal).toMatch(/UNIQUE constraint failed: citizens.personal_id/);
      expect(await db('citizens').count({ n: '*' })).toEqual([{ n: 300 }]);
      // An upsert finds its conflict target in the unique index: the record is updated, not doubled.
      const moved = { ...citizenFacts.fromRow((await db('citizens').where('personal_id', rows[0].personal_id))[0]), fullName: 'Trần Thị Mới' } as Citizen;
      const result = await db.transaction((trx) => upsertFacts(trx, citizenFacts, [moved]));
      expect(result).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
      expect(await db('citizens').count({ n: '*' })).toEqual([{ n: 300 }]);
      expect((await db('citizens').where('personal_id', rows[0].personal_id))[0].full_name).toBe('Trần Thị Mới');
    } finally {
      await db.destroy();
    }
  });

  test('a composite key (a record and the persons it names) becomes a unique index over both columns', async () => {
    const db = await openDb(config(), 'civil-status');
    try {
      await migrate(db, civilStatusMigrations, 'civil_status_migrations');
      expect(await primaryKeyOf(db, 'civil_record_persons')).toEqual([]);
      expect(await indexesOf(db, 'civil_record_persons')).toEqual([
        { name: 'civil_record_persons_key', unique: true, columns: ['record_id', 'personal_id'] },
        { name: 'civil_record_persons_personal_id_index', unique: false, columns: ['personal_id'] },
      ]);
    } finally {
      await db.destroy();
    }
  });

  test('an import into an empty table rebuilds every index it dropped, and a second import of the file then changes nothing', async () => {
    const cfg = config();
    const db = await openDb(cfg, 'residency');
    await migrate(db, residencyMigrations, 'residency_migrations');
    const indexes = await indexesOf(db, 'citizens');
    await db.destroy();
    const file = path.join(cfg.DATA_DIR, 'citizens.csv');
    writeCsv(file, RESIDENCY_COLUMNS, citizens.map(citizenCells));

    expect(await importFile({ config: cfg, definition: importDefinition('residency'), file })).toMatchObject({ inserted: 300, updated: 0, unchanged: 0 });
    const after = await openDb(cfg, 'residency');
    try {
      expect(await indexesOf(after, 'citizens')).toEqual(indexes);
      expect(await importFile({ config: cfg, definition: importDefinition('residency'), file })).toMatchObject({ inserted: 0, updated: 0, unchanged: 300 });
      expect(await after('citizens').count({ n: '*' })).toEqual([{ n: 300 }]);
    } finally {
      await after.destroy();
    }
  });
});

describe('an import into a table with rows (SQLite)', () => {
  test('drops and rebuilds the other indexes when it adds many rows, keeps them when it adds few; the indexes come out the same', async () => {
    const cfg = config();
    const schemaVersion = async () => {
      const db = await openDb(cfg, 'residency');
      try {
        return { version: Number((await db.raw('PRAGMA schema_version'))[0].schema_version), indexes: await indexesOf(db, 'citizens') };
      } finally {
        await db.destroy();
      }
    };
    const people = [...generateCitizens('fact-keys-grow', 2600, fixtureCommunes())];
    const write = (name: string, rows: Citizen[]) => {
      const f = path.join(cfg.DATA_DIR, name);
      writeCsv(f, RESIDENCY_COLUMNS, rows.map(citizenCells));
      return f;
    };
    expect(await importFile({ config: cfg, definition: importDefinition('residency'), file: write('first.csv', people.slice(0, 300)) })).toMatchObject({ inserted: 300 });
    const before = await schemaVersion();
    // 2,000 new rows into 300, in batches of 100: building the index again costs less.
    expect(await importFile({ config: cfg, definition: importDefinition('residency'), file: write('many.csv', people.slice(300, 2300)), batchSize: 100 })).toMatchObject({ inserted: 2000 });
    const afterMany = await schemaVersion();
    expect(afterMany.indexes).toEqual(before.indexes);
    expect(afterMany.version).toBeGreaterThan(before.version);
    // 300 rows, nearly all already there, into 2,300: the index is kept up row by row.
    const moved = people.slice(0, 290).map((c, i) => (i === 0 ? { ...c, fullName: 'Lê Văn Mới' } : c));
    expect(await importFile({ config: cfg, definition: importDefinition('residency'), file: write('few.csv', [...moved, ...people.slice(2300, 2310)]), batchSize: 100 })).toMatchObject({ inserted: 10, updated: 1, unchanged: 289 });
    expect(await schemaVersion()).toEqual(afterMany);
    const db = await openDb(cfg, 'residency');
    try {
      expect(Number((await db('citizens').count({ n: '*' }))[0].n)).toBe(2310);
      // The rebuilt index serves reads by commune.
      const plan: { detail: string }[] = await db.raw("EXPLAIN QUERY PLAN SELECT personal_id FROM citizens WHERE commune_code = '00001'");
      expect(plan.map((p) => p.detail).join(' ')).toContain('citizens_commune_code_personal_id_index');
    } finally {
      await db.destroy();
    }
  });
});

const mysql = testDatabases().find((d) => d.label === 'mysql');
(mysql ? describe : describe.skip)('fact keys on MySQL', () => {
  test('the migration leaves the primary key (InnoDB stores the rows in it), and an import into an empty table then a re-import count every row once', async () => {
    const cfg = mysql!.config('fact-keys');
    const db = await openDb(cfg, 'residency');
    try {
      await dropAllTables(db);
      await migrate(db, residencyMigrations, 'residency_migrations');
      const [keys] = await db.raw("SELECT column_name AS name FROM information_schema.key_column_usage WHERE table_schema = DATABASE() AND table_name = 'citizens' AND constraint_name = 'PRIMARY'");
      expect((keys as { name: string }[]).map((k) => k.name)).toEqual(['personal_id']);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-fact-keys-mysql-'));
      const file = path.join(dir, 'citizens.csv');
      const citizens = [...generateCitizens('fact-keys-mysql', 300, fixtureCommunes())];
      writeCsv(file, RESIDENCY_COLUMNS, citizens.map(citizenCells));
      expect(await importFile({ config: cfg, definition: importDefinition('residency'), file })).toMatchObject({ inserted: 300, updated: 0, unchanged: 0 });
      expect(await importFile({ config: cfg, definition: importDefinition('residency'), file })).toMatchObject({ inserted: 0, updated: 0, unchanged: 300 });
      expect(await db('citizens').count({ n: '*' })).toEqual([{ n: 300 }]);
    } finally {
      await db.destroy();
    }
  });
});
