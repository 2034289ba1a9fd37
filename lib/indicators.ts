/**
 * An indicator a domain contributes to the graph's catalogue. A domain declares its own in
 * `services/<name>/indicators.ts` and its module sets `indicators` (lib/domain.ts); the indicators
 * subgraph's catalogue is every module's, in registry order (services/registry.ts
 * `INDICATOR_CATALOG`), and its SDL's `Indicators` fields and `@requires` selections are
 * generated from them (`npm run generate`). An indicator reading figures of two domains (its
 * numerator in one, its denominator in residency) lives in the folder of its numerator's domain.
 *
 * Every indicator follows the DHIS2 rule: factor × numerator / denominator, each figure already
 * summed over every commune of the unit by its domain, so a province's rate is never an average
 * of its districts' rates.
 */
export interface IndicatorDefinition {
  /** Stable identifier, also its field under `AreaStats.indicators`, e.g. `chipIdCoverage`. */
  id: string;
  name: string;
  nameVi: string;
  /** What it measures and whether its figures are stocks or flows; the generated field's description starts with it. */
  description: string;
  /** Figure paths on AreaStats, e.g. `residency.chipIdCards`; the first segment is the AreaStats field, not always the domain's name. */
  numerator: string;
  denominator: string;
  factor: number;
  unit: 'fraction';
  /** The domains (services/<name>) whose figures it reads, e.g. `['health', 'residency']`. */
  sourceDomains: string[];
}
