/**
 * The indicator catalogue: every cross-domain indicator the graph computes. An indicator is
 * factor × numerator / denominator (the DHIS2 rule); numerator and denominator are figures of
 * the same unit and period, each already summed over every commune of the unit by its domain,
 * so dividing them here gives the unit's true rate, never an average of rates.
 *
 * Adding an indicator: add it here, add its field to `Indicators` in
 * schema/indicators.graphql, and its figures to the `@requires` selection there.
 */
export interface IndicatorDefinition {
  id: string;
  name: string;
  nameVi: string;
  description: string;
  /** Figure paths on AreaStats, e.g. `residency.chipIdCards`. */
  numerator: string;
  denominator: string;
  factor: number;
  unit: 'fraction';
  sourceDomains: string[];
}

export const INDICATOR_CATALOG: readonly IndicatorDefinition[] = [
  {
    id: 'chipIdCoverage',
    name: 'Chip ID card coverage',
    nameVi: 'Tỷ lệ công dân được cấp thẻ căn cước gắn chip',
    description: 'Share of the registered population holding a chip ID card, as of the period\'s last day (stock over stock).',
    numerator: 'residency.chipIdCards',
    denominator: 'residency.population',
    factor: 1,
    unit: 'fraction',
    sourceDomains: ['residency'],
  },
  {
    id: 'eidLevel2Coverage',
    name: 'eID level 2 coverage',
    nameVi: 'Tỷ lệ công dân có tài khoản định danh điện tử mức 2',
    description: 'Share of the registered population with a VNeID account at level 2, as of the period\'s last day (stock over stock).',
    numerator: 'residency.eidLevel2',
    denominator: 'residency.population',
    factor: 1,
    unit: 'fraction',
    sourceDomains: ['residency'],
  },
  {
    id: 'parcelDigitizationRate',
    name: 'Parcel digitization rate',
    nameVi: 'Tỷ lệ thửa đất đã được số hóa',
    description: 'Share of the parcels on record whose record has been digitized into the land database, as of the period\'s last day (stock over stock).',
    numerator: 'land.digitizedParcels',
    denominator: 'land.parcels',
    factor: 1,
    unit: 'fraction',
    sourceDomains: ['land'],
  },
];

export interface IndicatorValue {
  id: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

/** Reads a figure path such as `residency.population`; null when absent or suppressed. */
export function figureAt(figures: Record<string, unknown>, path: string): number | null {
  let v: unknown = figures;
  for (const part of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'number' ? v : null;
}

/** factor × numerator / denominator; null where the denominator is 0 or either figure is missing. */
export function computeIndicator(def: IndicatorDefinition, figures: Record<string, unknown>): IndicatorValue {
  const numerator = figureAt(figures, def.numerator);
  const denominator = figureAt(figures, def.denominator);
  const value = numerator === null || denominator === null || denominator === 0 ? null : (def.factor * numerator) / denominator;
  return { id: def.id, value, numerator, denominator };
}
