/**
 * The indicator catalogue: the indicators every domain declares in its own folder
 * (`services/<name>/indicators.ts`, lib/indicators.ts), listed by services/registry.ts. Admins
 * save others at run time (store.ts).
 *
 * The registry lists the indicators module too, so it is read when first needed, once every
 * module has loaded (a top-level import would see it half-built when this module loads first).
 */
import type { IndicatorDefinition } from '../../lib/indicators';
import { computeFormula, type Formula, type IndicatorValue } from './formula';

export type { IndicatorDefinition };

/** The built-in indicators, in registry order. */
export const builtInIndicators = (): readonly IndicatorDefinition[] => (require('../registry') as typeof import('../registry')).INDICATOR_CATALOG;

export { figureFieldDomain, figureAt, type IndicatorValue } from './formula';

/** factor × numerator / denominator; null where the denominator is 0 or either figure is missing. */
export function computeIndicator(def: IndicatorDefinition, figures: Record<string, unknown>): IndicatorValue {
  return computeFormula(def.id, builtInFormula(def), figures);
}

/** A built-in indicator as a formula. */
export const builtInFormula = (def: IndicatorDefinition): Formula => ({ numerator: [def.numerator], denominator: [def.denominator], factor: def.factor });
