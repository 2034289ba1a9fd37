/**
 * The Jest configuration StrykerJS runs (stryker.config.mjs): the project's own settings, but
 * only the tests of the module being mutated (MUTATION_MODULE, test/mutation/modules.cjs; every
 * module's tests when unset), on SQLite alone (test/mutation/sqlite-only.ts). End-to-end tests
 * are left out on purpose: a mutant must be killed by a test close to its code.
 */
const path = require('node:path');
const base = require('../../package.json').jest;
const modules = require('./modules.cjs');

// Jest runs tests in worker processes whenever workerIdleMemoryLimit is set, even in band, and
// Stryker's coverage reporting works only in its own process: the limit is left out here.
const { workerIdleMemoryLimit, ...own } = base;
const chosen = process.env.MUTATION_MODULE ? modules.filter((m) => m.name === process.env.MUTATION_MODULE) : modules;

module.exports = {
  ...own,
  rootDir: path.resolve(__dirname, '../..'),
  // The code's folders too, not only the tests': Stryker runs a static mutant (one evaluated when
  // its module loads, such as an indicator's definition) with `--findRelatedTests <its file>`,
  // which finds nothing for a file outside Jest's roots, so the mutant "survived" untested.
  roots: ['<rootDir>/test', '<rootDir>/lib', '<rootDir>/services', '<rootDir>/gateway', '<rootDir>/demo'],
  testMatch: [...new Set(chosen.flatMap((m) => m.tests))].map((t) => `<rootDir>/${t}`),
  setupFiles: [...base.setupFiles, '<rootDir>/test/mutation/sqlite-only.ts'],
};
