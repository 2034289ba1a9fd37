/**
 * `npm run schema:check` on a copy of the project's SDL (schema/ and each domain's schema.graphql): a field removed from the land
 * subgraph fails the check, naming the field, the subgraph and the reason; listed with a reason in
 * accepted-changes.json it passes; an operation the change breaks fails on its own. Run as CLI,
 * the way `npm test` runs it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { composeSupergraph } from '../../scripts/compose';
import { schemaFile } from '../../lib/subgraph';
import { SUBGRAPHS } from '../../services/registry';

const root = path.join(__dirname, '../..');
let copy: string;

function runCheck(): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'scripts/schema-check.ts'), '--root', copy], {
    encoding: 'utf8',
    cwd: root,
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

function write(rel: string, text: string) {
  fs.writeFileSync(path.join(copy, rel), text);
}

beforeEach(() => {
  copy = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-check-'));
  fs.cpSync(path.join(root, 'schema'), path.join(copy, 'schema'), { recursive: true });
  fs.cpSync(path.join(root, 'operations'), path.join(copy, 'operations'), { recursive: true });
  for (const name of SUBGRAPHS) {
    fs.mkdirSync(path.join(copy, 'services', name), { recursive: true });
    fs.copyFileSync(schemaFile(name, root), path.join(copy, 'services', name, 'schema.graphql'));
  }
});
afterEach(() => fs.rmSync(copy, { recursive: true, force: true }));

/** Removes Parcel.areaM2 (and its description) from the land SDL and recomposes the copy's supergraph. */
function removeParcelArea() {
  const file = path.join(copy, 'services/land/schema.graphql');
  const sdl = fs.readFileSync(file, 'utf8');
  const changed = sdl.replace(/\n\s*"Area in square metres\."\n\s*areaM2: Float!/, '');
  expect(changed).not.toBe(sdl);
  fs.writeFileSync(file, changed);
  write('schema/supergraph.graphql', composeSupergraph(copy));
}

test('the unchanged schema passes', () => {
  const { status, out } = runCheck();
  expect(out).toContain('no unaccepted breaking change');
  expect(status).toBe(0);
});

test('a removed field fails with the field and reason named, and passes once accepted with a reason', () => {
  removeParcelArea();
  const failed = runCheck();
  expect(failed.status).toBe(1);
  expect(failed.out).toMatch(/BREAKING {2}land Parcel\.areaM2 \(FIELD_REMOVED\): Field 'areaM2' was removed from object type 'Parcel'/);
  expect(failed.out).toMatch(/BREAKING {2}supergraph Parcel\.areaM2 \(FIELD_REMOVED\)/);

  const accepted = JSON.parse(fs.readFileSync(path.join(copy, 'schema/accepted-changes.json'), 'utf8'));
  const reason = 'no client reads it: the test says so';
  accepted.breaking.push({ schema: 'land', path: 'Parcel.areaM2', type: 'FIELD_REMOVED', reason });
  write('schema/accepted-changes.json', JSON.stringify(accepted));
  const stillSupergraph = runCheck();
  expect(stillSupergraph.status).toBe(1);
  expect(stillSupergraph.out).toContain(`accepted  land Parcel.areaM2 (FIELD_REMOVED)`);
  expect(stillSupergraph.out).toContain(reason);

  accepted.breaking.push({ schema: 'supergraph', path: 'Parcel.areaM2', type: 'FIELD_REMOVED', reason });
  write('schema/accepted-changes.json', JSON.stringify(accepted));
  const passed = runCheck();
  expect(passed.out).not.toContain('BREAKING');
  expect(passed.status).toBe(0);
});

test('an accepted change without a reason is refused', () => {
  removeParcelArea();
  write('schema/accepted-changes.json', JSON.stringify({ breaking: [{ schema: 'land', path: 'Parcel.areaM2', type: 'FIELD_REMOVED', reason: '' }], meaning: [] }));
  const { status, out } = runCheck();
  expect(status).toBe(1);
  expect(out).toContain('breaking[0] needs a non-empty "reason"');
});

test('an operation that no longer validates against the supergraph fails, naming the file', () => {
  write('operations/uses-missing-field.graphql', 'query UsesMissing { parcel(id: "x") { id noSuchField } }\n');
  const { status, out } = runCheck();
  expect(status).toBe(1);
  expect(out).toMatch(/operations\/uses-missing-field\.graphql: Cannot query field "noSuchField" on type "Parcel"/);
});

test('a type losing @personLevel fails: its reads would go unaudited and be cached', () => {
  const file = path.join(copy, 'services/land/schema.graphql');
  const sdl = fs.readFileSync(file, 'utf8');
  const changed = sdl.replace('type Parcel @key(fields: "id") @personLevel {', 'type Parcel @key(fields: "id") {');
  expect(changed).not.toBe(sdl);
  fs.writeFileSync(file, changed);
  write('schema/supergraph.graphql', composeSupergraph(copy));
  const { status, out } = runCheck();
  expect(status).toBe(1);
  expect(out).toContain('BREAKING  land Parcel.@personLevel (DIRECTIVE_USAGE_OBJECT_REMOVED)');
  expect(out).toContain('would no longer be audited');
});
