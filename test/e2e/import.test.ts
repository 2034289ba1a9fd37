/**
 * Imports as a province's data officer makes them: files written the way people write them
 * (CSV with a BOM and a shuffled, upper-case header; XLSX with real date cells and codes typed
 * as numbers), loaded into a running graph that started empty, then every figure of every unit
 * of a province read through the gateway and compared with the figures counted from the rows.
 * Bad files are refused whole, naming line, column, value and reason, and change nothing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../lib/config';
import { openDataVersions } from '../../lib/data-versions';
import { dropAllTables, openDb } from '../../lib/db';
import { importFile } from '../../lib/import/engine';
import { ImportRejected, type Problem } from '../../lib/import/problems';
import { parsePeriod } from '../../lib/periods';
import { readFigures } from '../../lib/summaries';
import { citizenFacts, residencySummary, type Citizen } from '../../services/residency/facts';
import { parcelFacts, type Parcel } from '../../services/land/facts';
import { countLand, countResidency, countsOf, type Fixture } from '../helpers/fixture';
import { oldCommunesOfProvince } from '../helpers/reference';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';
import { NO_CACHE, snapshotDatabases } from '../helpers/db-snapshot';
import {
  citizenCells, generateCitizens, generateParcels, LAND_COLUMNS, parcelCells, RESIDENCY_COLUMNS, RESIDENCY_HISTORY_COLUMNS, writeCsv, writeXlsx, type Cells,
} from '../helpers/import-files';
import { importDefinition } from '../../services/registry';

/** Every commune of Hải Dương (province 30), and two elsewhere so that the nation differs from it. */
const COMMUNES = [...oldCommunesOfProvince('30'), '00004', '26734'];
/** The day the imports take as today (the "in the future" and "after the reform" rows depend on it), whatever the clock says. */
const TODAY = '2026-11-29';
const PERIODS = ['2024', '2024-Q3', '2024-05', '2024-02-29', '2023-12-31', '2025-06'];

const asFixture = (citizens: Citizen[], parcels: Parcel[]) =>
  ({ civilRecords: [], requests: [], healthRecords: [], citizens, parcels }) as unknown as Fixture;

const byId = <T>(id: (x: T) => string) => (a: T, b: T) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);

describe.each(testDatabases())('importing files on $label', (database) => {
  const citizens = [...generateCitizens('import-e2e', 2400, COMMUNES)];
  const parcels = [...generateParcels('import-e2e', 2400, COMMUNES)];
  const half = 1200;
  let graph: RunningGraph;
  let config: Config;
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  // Async, so that an unknown domain (importDefinition throws) is a rejection like any other refusal.
  const importInto = async (domain: string, f: string) => importFile({ config, definition: importDefinition(domain), file: f, today: TODAY });

  /** The residency and land figures of the nation, province 30, its districts and communes, in one query. */
  async function readProvince(period: string, headers: Record<string, string> = {}) {
    const fixture = asFixture([], []);
    const r = Object.keys(countsOf(countResidency(fixture, 'VN', '2024-01-01', '2024-12-31'))).join(' ');
    const l = Object.keys(countsOf(countLand(fixture, 'VN', '2024-01-01', '2024-12-31'))).join(' ');
    const figures = `stats(period: $p) { residency { ${r} } land { ${l} } }`;
    const res = await graph.queryGateway(
      `query($p: String!) { nation { code ${figures} } province(code: "30", structure: THREE_TIER) { code ${figures} districts { code ${figures} communes { code ${figures} } } } }`,
      { p: period },
      { role: 'admin' },
      headers,
    );
    expect(res.errors).toBeUndefined();
    const districts = res.data.province.districts;
    return [res.data.nation, res.data.province, ...districts, ...districts.flatMap((d: any) => d.communes)].map((a: any) => ({ code: a.code, ...a.stats }));
  }

  async function expectFiguresOf(cs: Citizen[], ps: Parcel[]) {
    const fixture = asFixture(cs, ps);
    for (const period of PERIODS) {
      const { start, end } = parsePeriod(period);
      const got = await readProvince(period);
      expect(got.length).toBeGreaterThan(200);
      const expected = got.map((a) => ({ code: a.code, residency: countsOf(countResidency(fixture, a.code, start, end)), land: countsOf(countLand(fixture, a.code, start, end)) }));
      expect({ period, figures: got }).toEqual({ period, figures: expected });
    }
  }

  /** Every table's rows and every summary, read from the databases themselves. */
  const tableRows = () => snapshotDatabases(graph.dbs);
  /** The province's figures past the gateway's response cache (a refused import bumps no data version). */
  const freshProvince = (period: string) => readProvince(period, NO_CACHE);

  async function rejection(domain: string, f: string): Promise<ImportRejected> {
    const err = await importInto(domain, f).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ImportRejected);
    return err as ImportRejected;
  }

  beforeAll(async () => {
    config = database.config('import');
    graph = await startGraph(config);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-import-'));
  });
  afterAll(async () => {
    await graph?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('good CSV and XLSX files: every figure of a province, its districts and communes, and the nation, as the rows imply', async () => {
    // CSV as Excel saves "CSV UTF-8": a BOM; the header in another order and case, padded.
    const shuffled = [...RESIDENCY_COLUMNS].reverse();
    writeCsv(file('residency-1.csv'), shuffled.map((c) => ` ${c.toUpperCase()} `), citizens.slice(0, half).map(citizenCells), { bom: true, keys: shuffled });
    await writeXlsx(file('residency-2.xlsx'), RESIDENCY_COLUMNS, citizens.slice(half).map(citizenCells), { numericCodes: ['personal_id', 'commune_code'] });
    await writeXlsx(file('land-1.xlsx'), LAND_COLUMNS, parcels.slice(0, half).map(parcelCells), { numericCodes: ['commune_code', 'owner_personal_id'] });
    writeCsv(file('land-2.csv'), LAND_COLUMNS, parcels.slice(half).map(parcelCells));

    for (const [domain, name] of [['residency', 'residency-1.csv'], ['residency', 'residency-2.xlsx'], ['land', 'land-1.xlsx'], ['land', 'land-2.csv']]) {
      const s = await importInto(domain, file(name));
      expect({ name, rows: s.rows, inserted: s.inserted, updated: s.updated, unchanged: s.unchanged }).toEqual({ name, rows: half, inserted: half, updated: 0, unchanged: 0 });
    }
    // Stored exactly as generated: leading zeros restored, dates from date cells, numbers as numbers.
    const storedCitizens = (await graph.dbs.residency('citizens')).map((r) => citizenFacts.fromRow(r)).sort(byId((c) => c.personalId));
    expect(storedCitizens).toEqual([...citizens].sort(byId((c) => c.personalId)));
    const storedParcels = (await graph.dbs.land('parcels')).map((r) => parcelFacts.fromRow(r)).sort(byId((p) => p.parcelId));
    expect(storedParcels).toEqual([...parcels].sort(byId((p) => p.parcelId)));

    await expectFiguresOf(citizens, parcels);
  });

  // Each case changes the cells of the third data row (line 4) of a small file, or its header.
  const BAD_ROWS: [string, 'residency' | 'land', (rows: Cells[]) => void, Partial<Problem> & { reason: string }][] = [
    ['a date not written YYYY-MM-DD', 'residency', (r) => (r[2].birth_date = '15/03/1990'), { column: 'birth_date', value: '15/03/1990', reason: 'not a date written YYYY-MM-DD' }],
    ['a date in the future', 'residency', (r) => (r[2].registered_on = '2099-01-01'), { column: 'registered_on', value: '2099-01-01', reason: 'in the future' }],
    ['30 February', 'residency', (r) => (r[2].chip_card_issued_on = '2023-02-30'), { column: 'chip_card_issued_on', value: '2023-02-30', reason: 'no such day in the calendar' }],
    ['a sex other than M or F', 'residency', (r) => (r[2].sex = 'X'), { column: 'sex', value: 'X', reason: 'must be one of M, F' }],
    ['an unknown commune', 'residency', (r) => (r[2].commune_code = '99999'), { column: 'commune_code', value: '99999', reason: 'no commune has this code' }],
    ['a district code as commune', 'land', (r) => (r[2].commune_code = '288'), { column: 'commune_code', value: '288', reason: 'a commune code has 5 digits' }],
    ['a malformed personal ID', 'residency', (r) => (r[2].personal_id = '0301234'), { column: 'personal_id', value: '0301234', reason: 'must be exactly 12 digits' }],
    ['a personal ID of another birth year', 'residency', (r) => (r[2].birth_date = `${Number(String(r[2].birth_date).slice(0, 4)) - 1}${String(r[2].birth_date).slice(4)}`), { column: 'personal_id', reason: 'do not match birth year' }],
    ['a personal ID of the other sex', 'residency', (r) => (r[2].sex = r[2].sex === 'M' ? 'F' : 'M'), { column: 'personal_id', reason: 'does not match sex' }],
    ['registration before birth', 'residency', (r) => (r[2].registered_on = '1930-01-01'), { column: 'registered_on', value: '1930-01-01', reason: 'is before birth_date' }],
    ['eID level 2 before level 1', 'residency', (r) => ((r[2].eid_level1_on = '2024-05-02'), (r[2].eid_level2_on = '2024-05-01')), { column: 'eid_level2_on', value: '2024-05-01', reason: 'is before eid_level1_on 2024-05-02' }],
    ['a missing required value', 'residency', (r) => (r[2].full_name = '  '), { column: 'full_name', value: null, reason: 'a value is required' }],
    ['a negative area', 'land', (r) => (r[2].area_m2 = '-12.5'), { column: 'area_m2', value: '-12.5', reason: 'must be greater than 0' }],
    ['an area that is not a number', 'land', (r) => (r[2].area_m2 = '1.234,5'), { column: 'area_m2', value: '1.234,5', reason: 'not a number of square metres' }],
    ['a malformed owner ID', 'land', (r) => (r[2].owner_personal_id = 'ABC'), { column: 'owner_personal_id', value: 'ABC', reason: 'must be exactly 12 digits' }],
    ['a duplicate id', 'land', (r) => (r[2].parcel_id = r[0].parcel_id), { column: 'parcel_id', reason: 'the same parcel_id as line 2' }],
    // The structure of the codes: declared per row here (the file's default is the two-tier one).
    ['a code that is no commune in the declared structure', 'land', (r) => (r[2].commune_structure = 'TWO_TIER', r[2].commune_code = '10528'), { column: 'commune_code', value: '10528', reason: 'no commune has this code in the two-tier structure (since 1 July 2025); it was Phường' }],
    ['a two-tier code declared three-tier', 'land', (r) => (r[2].commune_code = '26929', r[2].commune_structure = 'THREE_TIER'), { column: 'commune_code', value: '26929', reason: 'no commune has this code in the three-tier structure' }],
    ['a three-tier commune locating a residence after the reform', 'residency', (r) => (r[2].registered_on = '2025-08-01'), { column: 'commune_code', reason: 'a three-tier commune cannot locate a fact of 2025-08-01' }],
    ['an unknown structure', 'land', (r) => (r[2].commune_structure = 'FOUR_TIER'), { column: 'commune_structure', value: 'FOUR_TIER', reason: 'must be one of THREE_TIER, TWO_TIER' }],
    ['a residence ended without a reason', 'residency', (r) => (r[2].residence_ended_on = '2025-01-02'), { column: 'residence_end_reason', reason: 'required when residence_ended_on is given' }],
    ['earlier residences out of order', 'residency', (r) => (r[2].previous_residences = `10525 ${r[2].registered_on} THREE_TIER`), { column: 'previous_residences', reason: 'an earlier residence must begin before registered_on' }],
  ];

  test.each(BAD_ROWS)('a file with %s is refused, naming line, column and reason, and nothing is written', async (_, domain, spoil, expected) => {
    const rows = domain === 'residency' ? [...generateCitizens('bad', 5, COMMUNES)].map(citizenCells) : [...generateParcels('bad', 5, COMMUNES)].map(parcelCells);
    spoil(rows);
    const f = file(`bad-${domain}.csv`);
    writeCsv(f, domain === 'residency' ? [...RESIDENCY_COLUMNS, ...RESIDENCY_HISTORY_COLUMNS] : LAND_COLUMNS, rows);
    const before = await tableRows();
    const err = await rejection(domain, f);
    expect(err.problems).toEqual([expect.objectContaining({ line: 4, ...expected, reason: expect.stringContaining(expected.reason) })]);
    expect(err.message).toContain(`line 4, column ${expected.column} (`);
    expect(err.message).toContain(expected.reason);
    expect(await tableRows()).toEqual(before);
  });

  test.each([
    ['an unknown domain', 'health-records', 'land-2.csv', 'unknown domain "health-records"; imports exist for: residency, land'],
    ['a missing file', 'land', 'nowhere.csv', 'nowhere.csv: cannot read the file (ENOENT)'],
    ['another file type', 'land', 'land-2.txt', 'land-2.txt: unsupported file type ".txt"; expected .csv (UTF-8, comma-separated) or .xlsx'],
  ])('%s is refused with a message that names it', async (_, domain, name, message) => {
    await expect(importInto(domain, file(name))).rejects.toThrow(message);
  });

  test('line numbers in an XLSX file are the sheet rows', async () => {
    const rows = [...generateCitizens('bad-xlsx', 5, COMMUNES)].map(citizenCells);
    rows[3].eid_level1_on = '2023-02-29';
    await writeXlsx(file('bad.xlsx'), RESIDENCY_COLUMNS, rows);
    const err = await rejection('residency', file('bad.xlsx'));
    expect(err.problems).toEqual([{ line: 5, column: 'eid_level1_on', position: 8, value: '2023-02-29', reason: 'no such day in the calendar' }]);
    expect(err.message).toContain('line 5, column eid_level1_on (I), value "2023-02-29": no such day in the calendar');
  });

  test.each([
    ['a missing column', LAND_COLUMNS.filter((c) => c !== 'digitized_on'), { line: 1, column: 'digitized_on', reason: 'missing column' }],
    ['an unknown column', [...LAND_COLUMNS, 'notes'], { line: 1, column: 'notes', position: 7, reason: 'unknown column' }],
    ['a misspelt column', LAND_COLUMNS.map((c) => (c === 'area_m2' ? 'Area M2' : c)), { line: 1, column: 'Area M2', position: 3, reason: 'unknown column; did you mean area_m2?' }],
  ])('a header with %s is refused before any row is read', async (_, header, problem) => {
    const rows = [...generateParcels('header', 3, COMMUNES)].map((p) => ({ ...parcelCells(p), notes: 'x', 'Area M2': p.areaM2 }));
    writeCsv(file('header.csv'), header, rows);
    const err = await rejection('land', file('header.csv'));
    expect(err.problems).toContainEqual(problem);
    expect(err.message).toContain('expected columns, in any order and any case: parcel_id, commune_code, commune_structure (may be left out), area_m2, land_use, owner_personal_id, digitized_on');
  });

  test('a file with one bad row among many good ones writes nothing', async () => {
    const rows = [...generateCitizens('many', 3000, COMMUNES)].map(citizenCells);
    rows[1999].eid_level2_on = '2024-13-01';
    writeCsv(file('many.csv'), RESIDENCY_COLUMNS, rows);
    const before = { rows: await tableRows(), figures: await freshProvince('2025') };
    const err = await rejection('residency', file('many.csv'));
    expect(err.problems).toEqual([{ line: 2001, column: 'eid_level2_on', position: 9, value: '2024-13-01', reason: 'no such day in the calendar' }]);
    expect({ rows: await tableRows(), figures: await freshProvince('2025') }).toEqual(before);
  });

  test('a large file with bad rows near its end writes nothing and names them', async () => {
    const rows = [...generateCitizens('large-bad', 70_000, COMMUNES)].map(citizenCells);
    rows[65_000].birth_date = '1990-02-30';
    rows[69_998] = { ...rows[10], full_name: 'Nguyễn Văn Khác' };
    writeCsv(file('large-bad.csv'), RESIDENCY_COLUMNS, rows);
    const before = { rows: await tableRows(), figures: await freshProvince('2025') };
    const err = await rejection('residency', file('large-bad.csv'));
    expect(err.problems.map((p) => [p.line, p.column])).toEqual([[65_002, 'birth_date'], [70_000, 'personal_id']]);
    expect(err.problems[1].reason).toBe('the same personal_id as line 12');
    expect({ rows: await tableRows(), figures: await freshProvince('2025') }).toEqual(before);
  });

  test('every bad row is reported, the first 100 listed and the rest counted', async () => {
    const rows = [...generateParcels('worse', 300, COMMUNES)].map(parcelCells);
    for (let i = 0; i < 250; i++) rows[i].land_use = null;
    rows[10].area_m2 = 0;
    writeCsv(file('worse.csv'), LAND_COLUMNS, rows);
    const err = await rejection('land', file('worse.csv'));
    expect({ listed: err.problems.length, problems: err.problemCount, rows: err.badRowCount }).toEqual({ listed: 100, problems: 251, rows: 250 });
    expect(err.problems.slice(10, 12).map((p) => [p.line, p.column])).toEqual([[12, 'area_m2'], [12, 'land_use']]);
    expect(err.message).toContain('... and 151 more problems (251 in 250 rows in all)');
  });

  test('re-importing the same files changes nothing', async () => {
    const before = { rows: await tableRows(), figures: await freshProvince('2024-Q3') };
    for (const [domain, name] of [['residency', 'residency-1.csv'], ['residency', 'residency-2.xlsx'], ['land', 'land-1.xlsx'], ['land', 'land-2.csv']]) {
      const s = await importInto(domain, file(name));
      expect({ name, inserted: s.inserted, updated: s.updated, unchanged: s.unchanged }).toEqual({ name, inserted: 0, updated: 0, unchanged: half });
    }
    expect({ rows: await tableRows(), figures: await freshProvince('2024-Q3') }).toEqual(before);
  });

  test('a dry run counts what a file would insert and update, and writes nothing', async () => {
    // The first land file again, with one parcel changed and three new ones.
    const extra = [...generateParcels('dry-run', 3, COMMUNES)];
    const changed = parcels.slice(0, half).map((p, i) => (i === 7 ? { ...p, areaM2: p.areaM2 + 1 } : p));
    writeCsv(file('land-dry.csv'), LAND_COLUMNS, [...changed, ...extra].map(parcelCells));
    const landVersion = async () => {
      const versions = openDataVersions(config);
      try {
        return (await versions.read(['land']))[0];
      } finally {
        await versions.close();
      }
    };
    const before = { rows: await tableRows(), figures: await freshProvince('2025'), version: await landVersion() };
    const s = await importFile({ config, definition: importDefinition('land'), file: file('land-dry.csv'), dryRun: true, today: TODAY });
    expect(s).toMatchObject({ dryRun: true, rows: half + 3, inserted: 3, updated: 1, unchanged: half - 1 });
    // Nothing written, and the gateways' cached answers are still current.
    expect({ rows: await tableRows(), figures: await freshProvince('2025'), version: await landVersion() }).toEqual(before);
    // A dry run of a bad file is refused like an import.
    const bad = [...generateParcels('dry-run-bad', 5, COMMUNES)].map(parcelCells);
    bad[2].digitized_on = '2999-01-01';
    writeCsv(file('land-dry-bad.csv'), LAND_COLUMNS, bad);
    const err = await importFile({ config, definition: importDefinition('land'), file: file('land-dry-bad.csv'), dryRun: true, today: TODAY }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportRejected);
    expect((err as ImportRejected).problems.map((p) => [p.line, p.column])).toEqual([[4, 'digitized_on']]);
  });

  test('the command line: a refused file exits 1 naming the row; a good one exits 0 with its summary; --dry-run tells what it would do', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TODAY, DB_CLIENT: config.DB_CLIENT, DATA_DIR: config.DATA_DIR, MYSQL_DATABASE_PREFIX: config.MYSQL_DATABASE_PREFIX, MYSQL_URL: config.MYSQL_URL ?? '' };
    if (!config.MYSQL_URL) delete env.MYSQL_URL;
    const run = (...args: string[]) => spawnSync(path.join('node_modules', '.bin', 'tsx'), ['scripts/import.ts', ...args], { env, encoding: 'utf8' });
    const rows = [...generateCitizens('cli', 3, COMMUNES)].map(citizenCells);
    rows[1].sex = 'X';
    writeCsv(file('cli-bad.csv'), RESIDENCY_COLUMNS, rows);
    const bad = run('residency', file('cli-bad.csv'));
    expect({ status: bad.status, stderr: bad.stderr }).toEqual({ status: 1, stderr: expect.stringContaining('line 3, column sex (D), value "X": must be one of M, F') });
    expect(bad.stderr).toContain('nothing was written');
    const good = run('land', file('land-2.csv'));
    expect({ status: good.status, stdout: good.stdout }).toEqual({ status: 0, stdout: expect.stringMatching(/^land: 1,200 rows read from .*land-2\.csv: 0 inserted, 0 updated, 1,200 unchanged; .* rows\/s\n$/) });
    const dry = run('land', '--dry-run', file('land-2.csv'));
    expect({ status: dry.status, stdout: dry.stdout }).toEqual({ status: 0, stdout: expect.stringMatching(/^land: 1,200 rows read from .*land-2\.csv: dry run, nothing written: would be 0 inserted, 0 updated, 1,200 unchanged; /) });
    expect(run('land')).toMatchObject({ status: 2, stderr: expect.stringContaining('usage: npm run import -- <domain> <file.csv|file.xlsx> [--dry-run]') });
    expect(run('land', file('land-2.csv'), '--dryrun')).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown option --dryrun') });
  });

  test('an updated file moves the figures by exactly its change: a parcel digitized, a citizen at eID level 2', async () => {
    const day = '2024-05-20';
    // A citizen of the first residency file at level 1 only, and an undigitized parcel of the second land file, in one commune.
    const candidates = citizens.slice(0, half).filter((c) => c.eidLevel2On === null && c.eidLevel1On !== null && c.eidLevel1On < day);
    const pi = parcels.findIndex((p, i) => i >= half && p.digitizedOn === null && candidates.some((c) => c.communeCode === p.communeCode));
    const ci = citizens.indexOf(candidates.find((c) => c.communeCode === parcels[pi]?.communeCode)!);
    expect([pi, ci]).not.toContain(-1);
    const updatedParcels = parcels.map((p, i) => (i === pi ? { ...p, digitizedOn: day } : p));
    const updatedCitizens = citizens.map((c, i) => (i === ci ? { ...c, eidLevel2On: day } : c));
    writeCsv(file('land-2.csv'), LAND_COLUMNS, updatedParcels.slice(half).map(parcelCells));
    const shuffled = [...RESIDENCY_COLUMNS].reverse();
    writeCsv(file('residency-1.csv'), shuffled, updatedCitizens.slice(0, half).map(citizenCells), { keys: shuffled });

    const commune = parcels[pi].communeCode;
    const read = async () => {
      const res = await graph.queryGateway(`query($a: String!) { stats(areaCode: $a, structure: THREE_TIER, period: "2024-05") { residency { eidLevel1 eidLevel2 eidLevel2Activated eidAccounts } land { digitizedParcels parcelsDigitizedInPeriod } } }`, { a: commune });
      expect(res.errors).toBeUndefined();
      return res.data.stats;
    };
    const before = await read();
    expect(await importInto('land', file('land-2.csv'))).toMatchObject({ inserted: 0, updated: 1, unchanged: half - 1 });
    expect(await importInto('residency', file('residency-1.csv'))).toMatchObject({ inserted: 0, updated: 1, unchanged: half - 1 });
    const after = await read();
    expect(after).toEqual({
      residency: { eidLevel1: before.residency.eidLevel1 - 1, eidLevel2: before.residency.eidLevel2 + 1, eidLevel2Activated: before.residency.eidLevel2Activated + 1, eidAccounts: before.residency.eidAccounts },
      land: { digitizedParcels: before.land.digitizedParcels + 1, parcelsDigitizedInPeriod: before.land.parcelsDigitizedInPeriod + 1 },
    });
    await expectFiguresOf(updatedCitizens, updatedParcels);
  });

  test('a generated 200,000-row file imports into an empty database, every row counted', async () => {
    const large = database.config('import-large');
    const db = await openDb(large, 'residency');
    try {
      await dropAllTables(db);
      const communes = oldCommunesOfProvince('01');
      let chipCards = 0;
      const n = writeCsv(file('large.csv'), RESIDENCY_COLUMNS, (function* () {
        for (const c of generateCitizens('large', 200_000, communes)) {
          if (c.chipCardIssuedOn) chipCards++;
          yield citizenCells(c);
        }
      })());
      const s = await importFile({ config: large, definition: importDefinition('residency'), file: file('large.csv'), today: TODAY });
      expect({ n, rows: s.rows, inserted: s.inserted }).toEqual({ n: 200_000, rows: 200_000, inserted: 200_000 });
      // The report splits the time after the last row: on SQLite every index of the empty table
      // was dropped and is built again (200,000 keys: tenths of a second), on MySQL none is (DDL
      // would commit), then the summaries are written and the commit; the parts add up.
      const indexesBuilt = database.label === 'sqlite' ? s.indexSeconds > 0.01 : s.indexSeconds < 0.5;
      expect({ indexesBuilt, summaries: s.summarySeconds > 0, commit: s.commitSeconds >= 0 }).toEqual({ indexesBuilt: true, summaries: true, commit: true });
      expect(s.indexSeconds + s.summarySeconds + s.commitSeconds).toBeCloseTo(s.finishSeconds, 6);
      expect(Number((await db('citizens').count({ n: '*' }))[0].n)).toBe(200_000);
      const [nation] = await readFigures(db, residencySummary, [{ areaKey: 'VN', period: parsePeriod('2025') }]);
      expect({ population: nation.stock.population, chipCards: nation.stock.chip_id_cards }).toEqual({ population: 200_000, chipCards });
    } finally {
      await db.destroy();
    }
  });
});
