/**
 * The modules under mutation testing, each with the unit and integration tests that exercise it.
 * scripts/mutation.ts runs Stryker once per module, mutating its files and running only its tests:
 * a mutant of lib/periods.ts need not load the supergraph of the operation-analysis tests, and
 * on this 2-core machine that keeps a whole run within tens of minutes.
 */
module.exports = [
  { name: 'periods', mutate: ['lib/periods.ts'], tests: ['test/unit/periods.test.ts', 'test/unit/relative-periods.test.ts'] },
  { name: 'personal-id', mutate: ['lib/personal-id.ts'], tests: ['test/unit/personal-id.test.ts'] },
  { name: 'disclosure', mutate: ['lib/disclosure/*.ts'], tests: ['test/unit/disclosure.test.ts'] },
  { name: 'figures', mutate: ['lib/figures.ts'], tests: ['test/integration/figures.test.ts'] },
  // The indicator catalogue: its computation stays in catalog.ts; the domain kit moved the
  // built-in definitions into each domain's folder (lib/indicators.ts says how).
  { name: 'indicators', mutate: ['services/indicators/catalog.ts', 'services/*/indicators.ts'], tests: ['test/unit/indicators.test.ts'] },
  { name: 'operation-analysis', mutate: ['gateway/operation-analysis.ts'], tests: ['test/unit/operation-analysis.test.ts'] },
  { name: 'auth', mutate: ['lib/auth.ts'], tests: ['test/unit/auth.test.ts'] },
  { name: 'import-columns', mutate: ['lib/import/columns.ts'], tests: ['test/unit/import-columns.test.ts'] },
];
