/**
 * After `stryker run` (npm run test:mutation): the mutation score of each scoped module, from
 * Stryker's JSON report, and a failure if any is below the configured `thresholds.break`.
 * Stryker itself breaks only on the score of the whole run, where a strong module can hide a
 * weak one. A module is a file, except lib/disclosure/*, which is one module in two files.
 *
 * Score as Stryker counts it: (killed + timed out) / (every mutant but those ignored, or that
 * did not compile or failed at run time); survivors and mutants no test reaches count against it.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const config = JSON.parse(fs.readFileSync(path.join(root, 'stryker.config.json'), 'utf8'));
const reportFile = path.join(root, 'reports/mutation/mutation.json');
if (!fs.existsSync(reportFile)) {
  console.error(`No mutation report at ${path.relative(root, reportFile)}: run stryker first (npm run test:mutation)`);
  process.exit(2);
}
const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as { files: Record<string, { mutants: { status: string }[] }> };
const breakAt: number = config.thresholds.break;

const moduleOf = (file: string) => (file.startsWith('lib/disclosure/') ? 'lib/disclosure/*' : file);
const tallies = new Map<string, Record<string, number>>();
for (const [file, { mutants }] of Object.entries(report.files)) {
  const t = tallies.get(moduleOf(file)) ?? {};
  for (const m of mutants) t[m.status] = (t[m.status] ?? 0) + 1;
  tallies.set(moduleOf(file), t);
}

const rows = [...tallies].sort(([a], [b]) => a.localeCompare(b)).map(([module, t]) => {
  const detected = (t.Killed ?? 0) + (t.Timeout ?? 0);
  const valid = detected + (t.Survived ?? 0) + (t.NoCoverage ?? 0);
  return { module, score: valid ? (100 * detected) / valid : 100, killed: t.Killed ?? 0, timeout: t.Timeout ?? 0, survived: t.Survived ?? 0, noCoverage: t.NoCoverage ?? 0 };
});
console.log(`module                            score  killed timeout survived no-cov`);
for (const r of rows) {
  console.log(`${r.module.padEnd(32)} ${r.score.toFixed(2).padStart(6)} ${String(r.killed).padStart(7)} ${String(r.timeout).padStart(7)} ${String(r.survived).padStart(8)} ${String(r.noCoverage).padStart(6)}`);
}
const weak = rows.filter((r) => r.score < breakAt);
if (weak.length) {
  console.error(`Below the break threshold of ${breakAt}: ${weak.map((r) => `${r.module} (${r.score.toFixed(2)})`).join(', ')}`);
  process.exit(1);
}
console.log(`Every module scores at least ${breakAt} (thresholds.break).`);
