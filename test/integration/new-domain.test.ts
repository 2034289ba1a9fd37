/**
 * Issue 14's "done when" for the scaffold: on a clean copy of the project (its tracked files),
 * `npm run new-domain -- example` writes a domain whose supergraph and generated deployment files
 * are current, and whose own test (an import, then figures through the gateway) passes at once.
 * The diff it leaves outside its folder is its registry line and generated files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';

const root = path.join(__dirname, '../..');
const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
let copy: string;

beforeAll(() => {
  copy = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-new-domain-'));
  for (const file of execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean)) {
    if (!fs.existsSync(path.join(root, file))) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(copy, file));
  }
  // The installed packages, by reference (a copy of this temporary folder only).
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
});
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, args, { cwd: copy, encoding: 'utf8', env: { ...process.env, ...env } });

test('npm run new-domain -- example gives a domain that composes and whose test passes', () => {
  const made = run([tsx, 'scripts/new-domain.ts', 'example']);
  expect(made.stderr).toBe('');
  expect(made.status).toBe(0);
  for (const file of ['services/example/facts.ts', 'services/example/module.ts', 'services/example/indicators.ts', 'services/example/schema.graphql', 'services/example/index.ts', 'services/example/example.test.ts']) {
    expect([file, fs.existsSync(path.join(copy, file))]).toEqual([file, true]);
  }
  const registry = fs.readFileSync(path.join(copy, 'services/registry.ts'), 'utf8');
  expect(registry).toContain("moduleOf(require('./example/module')),");
  const supergraph = fs.readFileSync(path.join(copy, 'schema/supergraph.graphql'), 'utf8');
  expect(supergraph).toMatch(/type ExampleFigures[\s\S]*casesOpened: Int/);
  // Its indicator, generated into the indicators subgraph's SDL from services/example/indicators.ts.
  expect(supergraph).toMatch(/type Indicators[^}]*exampleClosedShare: Float/);
  expect(fs.readFileSync(path.join(copy, 'services/indicators/schema.graphql'), 'utf8')).toContain('example { cases casesOpened closedCases casesClosed estimated complete protected }');
  expect(fs.readFileSync(path.join(copy, 'docker-compose.yml'), 'utf8')).toContain('command: ["node", "dist/services/example/index.js"]');

  for (const check of [['scripts/compose.ts', '--check'], ['scripts/generate.ts', '--check'], ['scripts/schema-check.ts']]) {
    const r = run([tsx, ...check]);
    expect([check[0], r.status, r.stderr]).toEqual([check[0], 0, '']);
  }
  // Its own test, on SQLite (this copy's own jest, the project's configuration).
  const jest = run([path.join(root, 'node_modules/jest/bin/jest.js'), 'services/example'], { MYSQL_URL: '' });
  expect(jest.stderr).toMatch(/Tests: +4 passed, 4 total/);
  expect(jest.status).toBe(0);

  // A second domain of the same name is refused, naming it.
  const again = run([tsx, 'scripts/new-domain.ts', 'example']);
  expect(again.status).toBe(1);
  expect(again.stderr).toContain('A domain "example" exists already');
  const badName = run([tsx, 'scripts/new-domain.ts', 'Bad_Name']);
  expect(badName.status).toBe(2);
  expect(badName.stderr).toContain('(not "Bad_Name")');
});
