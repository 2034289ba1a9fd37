/**
 * The Jest configuration StrykerJS runs (stryker.config.json): the project's own settings, but
 * only the unit and integration tests that exercise the mutated modules, on SQLite alone
 * (test/mutation/sqlite-only.ts), so that a whole mutation run stays within tens of minutes.
 * End-to-end tests are left out on purpose: a mutant must be killed by a test close to its code.
 */
const path = require('node:path');
const base = require('../../package.json').jest;

// Jest runs tests in worker processes whenever workerIdleMemoryLimit is set, even in band, and
// Stryker's coverage reporting works only in its own process: the limit is left out here.
const { workerIdleMemoryLimit, ...own } = base;

module.exports = {
  ...own,
  rootDir: path.resolve(__dirname, '../..'),
  roots: ['<rootDir>/test'],
  testMatch: [
    '<rootDir>/test/unit/periods.test.ts',
    '<rootDir>/test/unit/relative-periods.test.ts',
    '<rootDir>/test/unit/personal-id.test.ts',
    '<rootDir>/test/unit/operation-analysis.test.ts',
    '<rootDir>/test/unit/indicators.test.ts',
  ],
  setupFiles: [...base.setupFiles, '<rootDir>/test/mutation/sqlite-only.ts'],
};
