/**
 * `npm run test:mutation [-- module ...] [--report-only]`: StrykerJS over each module of
 * test/mutation/modules.cjs in turn (all of them unless named), each run mutating that module's
 * files and running its own unit and integration tests (stryker.config.mjs), then a table of every
 * module's mutation score from the JSON reports. Fails when a Stryker run fails or any module
 * scores below `thresholds.break` (80). `--report-only` prints the table from the last reports.
 *
 * Score as Stryker counts it: (killed + timed out) / (killed + timed out + survived + not
 * covered); mutants that did not compile or are ignored do not count.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const modules: { name: string; mutate: string[]; tests: string[] }[] = require('../test/mutation/modules.cjs');
const BREAK = 80;

const args = process.argv.slice(2);
const reportOnly = args.includes('--report-only');
const named = args.filter((a) => !a.startsWith('--'));
const unknown = named.filter((n) => !modules.some((m) => m.name === n));
if (unknown.length) {
  console.error(`Unknown module(s) ${unknown.join(', ')}: choose among ${modules.map((m) => m.name).join(', ')}`);
  process.exit(2);
}
const chosen = named.length ? modules.filter((m) => named.includes(m.name)) : modules;

const failedRuns: string[] = [];
if (!reportOnly) {
  for (const m of chosen) {
    console.log(`\n=== ${m.name}: mutating ${m.mutate.join(', ')}; tests ${m.tests.join(', ')}`);
    const run = spawnSync('npx', ['stryker', 'run'], { cwd: root, stdio: 'inherit', env: { ...process.env, MUTATION_MODULE: m.name } });
    if (run.status !== 0) failedRuns.push(m.name);
  }
}

type Report = { files: Record<string, { mutants: { status: string }[] }> };
const rows = chosen.map((m) => {
  const file = path.join(root, 'reports/mutation', `${m.name}.json`);
  if (!fs.existsSync(file)) return { module: m.name, missing: true as const };
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
  const t: Record<string, number> = {};
  for (const { mutants } of Object.values(report.files)) for (const x of mutants) t[x.status] = (t[x.status] ?? 0) + 1;
  const detected = (t.Killed ?? 0) + (t.Timeout ?? 0);
  const valid = detected + (t.Survived ?? 0) + (t.NoCoverage ?? 0);
  return { module: m.name, missing: false as const, score: valid ? (100 * detected) / valid : 100, killed: t.Killed ?? 0, timeout: t.Timeout ?? 0, survived: t.Survived ?? 0, noCoverage: t.NoCoverage ?? 0, date: fs.statSync(file).mtime.toISOString().slice(0, 10) };
});

console.log('\nmodule               score  killed timeout survived no-cov  report of');
for (const r of rows) {
  if (r.missing) console.log(`${r.module.padEnd(20)}      (no report: run it first)`);
  else console.log(`${r.module.padEnd(20)} ${r.score.toFixed(2).padStart(6)} ${String(r.killed).padStart(7)} ${String(r.timeout).padStart(7)} ${String(r.survived).padStart(8)} ${String(r.noCoverage).padStart(6)}  ${r.date}`);
}
const weak = rows.filter((r) => r.missing || r.score < BREAK).map((r) => r.module);
if (failedRuns.length) console.error(`Stryker failed for: ${failedRuns.join(', ')}`);
if (weak.length) console.error(`Below ${BREAK} or not measured: ${weak.join(', ')}`);
if (failedRuns.length || weak.length) process.exit(1);
console.log(`Every module scores at least ${BREAK} (thresholds.break).`);
