// @ts-check
/**
 * Mutation testing (npm run test:mutation, which is scripts/mutation.ts; not part of npm test or
 * CI). StrykerJS 9 mutates one module of test/mutation/modules.cjs at a time (MUTATION_MODULE)
 * and runs that module's unit and integration tests (test/mutation/jest.config.js) against each
 * mutant, only those that reach it (coverage per test). Each module's report goes to
 * reports/mutation/<module>.json; scripts/mutation.ts then checks every module's score against
 * `thresholds.break`. Mutants that change nothing observable are listed in
 * test/mutation/equivalent.md with the reason.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import { createRequire } from 'node:module';

const modules = createRequire(import.meta.url)('./test/mutation/modules.cjs');
const name = process.env.MUTATION_MODULE;
const chosen = name ? modules.filter((m) => m.name === name) : modules;
if (chosen.length === 0) throw new Error(`MUTATION_MODULE=${name} is none of ${modules.map((m) => m.name).join(', ')}`);
const report = name ?? 'all';

export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'test/mutation/jest.config.js', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  mutate: chosen.flatMap((m) => m.mutate),
  // The machine has 2 cores: one Jest process on each (MUTATION_CONCURRENCY=1 when it is busy).
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  timeoutMS: 30000,
  thresholds: { high: 90, low: 80, break: 80 },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  htmlReporter: { fileName: `reports/mutation/${report}.html` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
