/**
 * Import files written to exhaust memory or to smuggle text: each is refused early, naming the
 * limit, by `npm run import` run as an operator runs it (a child process, whose peak memory is
 * measured: it must stay under 700 MB), and nothing is written.
 *
 * Before these limits: the 100 MB field took the import to 2.1 GB and four minutes; the shared
 * strings bomb to 1.2 GB; the 100 MB inline cell to 640 MB (lib/import/limits.ts).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeHugeFieldCsv, writeSharedStringsBomb, understateUnpackedSize } from '../helpers/hostile-files';
import { RESIDENCY_COLUMNS } from '../helpers/import-files';

const root = path.join(__dirname, '../..');
const MEMORY_BOUND_KB = 700 * 1024;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-import-limits-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `npm run import -- residency <file>` in a child process: its exit code, output and peak RSS (kB). */
async function importInChild(file: string, env: Record<string, string> = {}): Promise<{ code: number; output: string; maxRssKb: number }> {
  const args = ['--import', 'tsx', '--require', path.join(root, 'test/helpers/max-rss.cjs'), path.join(root, 'scripts/import.ts'), 'residency', file];
  const childEnv = { ...process.env, DATA_DIR: path.join(dir, 'data'), DB_CLIENT: 'better-sqlite3', NODE_ENV: 'test', ...env };
  let code = 0;
  let output: string;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { env: childEnv, cwd: root, maxBuffer: 16 * 2 ** 20 });
    output = stdout + stderr;
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    code = e.code;
    output = e.stdout + e.stderr;
  }
  const maxRssKb = Number(/MAXRSS (\d+)/.exec(output)?.[1]);
  return { code, output: output.replace(/\nMAXRSS \d+\n/, ''), maxRssKb };
}

const rowsIn = async () => {
  const dataFile = path.join(dir, 'data', 'residency.sqlite');
  if (!fs.existsSync(dataFile)) return 0;
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(dataFile, { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'citizens'").get() as { n: number }).n ? (db.prepare('SELECT COUNT(*) AS n FROM citizens').get() as { n: number }).n : 0;
  } finally {
    db.close();
  }
};

test('a CSV with a 100 MB field is refused at the line limit, in bounded memory', async () => {
  const file = path.join(dir, 'huge-field.csv');
  await writeHugeFieldCsv(file, 100_000_000);
  const result = await importInChild(file);
  expect(result.code).toBe(1);
  expect(result.output).toContain('line 3: longer than 65,536 characters (IMPORT_MAX_LINE_CHARS)');
  expect(result.maxRssKb).toBeLessThan(MEMORY_BOUND_KB);
  expect(await rowsIn()).toBe(0);
  // The same field with a line break every 1,000 characters is one record to a CSV reader, and refused alike.
  await writeHugeFieldCsv(file, 100_000_000, { lineBreaks: true });
  const broken = await importInChild(file);
  expect(broken.output).toContain('line 3: longer than 65,536 characters (IMPORT_MAX_LINE_CHARS)');
  expect(broken.maxRssKb).toBeLessThan(MEMORY_BOUND_KB);
  fs.rmSync(file);
});

test('an XLSX of about 1 MB whose shared strings unpack to 1 GB is refused on its declared size, or on what it unpacks to when it lies', async () => {
  const file = path.join(dir, 'bomb.xlsx');
  const unpacked = await writeSharedStringsBomb(file);
  expect(fs.statSync(file).size).toBeLessThan(3 * 2 ** 20);
  const declared = await importInChild(file);
  expect(declared.output).toContain(`the workbook's part xl/sharedStrings.xml declares ${unpacked.toLocaleString('en-US')} bytes unpacked, more than 100 MB (IMPORT_MAX_SHARED_STRINGS_MB)`);
  expect(declared.maxRssKb).toBeLessThan(MEMORY_BOUND_KB);
  const counted = await importInChild(file, { IMPORT_MAX_SHARED_STRINGS: '10000', IMPORT_MAX_SHARED_STRINGS_MB: '2000' });
  // The bomb's 20,000 strings and the workbook's own few.
  expect(counted.output).toMatch(/the workbook declares 20,0\d\d shared strings, more than 10,000 \(IMPORT_MAX_SHARED_STRINGS\)/);
  understateUnpackedSize(file, 'xl/sharedStrings.xml', 1000);
  const lying = await importInChild(file);
  expect(lying.output).toContain("the workbook's part xl/sharedStrings.xml unpacks to more than 100 MB (IMPORT_MAX_SHARED_STRINGS_MB), whatever its zip header says");
  expect(lying.maxRssKb).toBeLessThan(MEMORY_BOUND_KB);
  expect(await rowsIn()).toBe(0);
  fs.rmSync(file);
});

test('a cell over IMPORT_MAX_CELL_CHARS is a problem of its row, named; control and text-direction characters in text are refused', async () => {
  const file = path.join(dir, 'cells.csv');
  const row = (id: string, name: string) => `${id},"${name}",1990-01-01,M,00004,THREE_TIER,2020-01-01,,,`;
  fs.writeFileSync(
    file,
    [
      RESIDENCY_COLUMNS.join(','),
      row('001090000001', 'Nguyễn Văn An'),
      row('001090000002', 'x'.repeat(5000)),
      row('001090000003', 'Trần Thị\u0007Bình'),
      row('001090000004', 'Lê\u202Egnp.exe'),
      row('001090000005', 'Phạm\tVăn Tú'),
    ].join('\n'),
  );
  const result = await importInChild(file);
  expect(result.code).toBe(1);
  expect(result.output).toContain('4 bad rows, 4 problems');
  expect(result.output).toContain('line 3, column full_name (B), value "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...": longer than 4,096 characters (IMPORT_MAX_CELL_CHARS): 5,000');
  expect(result.output).toContain('line 4, column full_name (B), value "Trần Thị\\u0007Bình": contains the invisible character U+0007 at character 9: text may not hold control or text-direction characters');
  expect(result.output).toContain('line 5, column full_name (B), value "Lê\u202Egnp.exe": contains the invisible character U+202E at character 3');
  expect(result.output).toContain('line 6, column full_name (B), value "Phạm\\tVăn Tú": contains the invisible character U+0009 at character 5');
  expect(await rowsIn()).toBe(0);
});
