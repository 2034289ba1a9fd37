/**
 * The indicator catalogue: every cross-domain indicator the graph computes. An indicator is
 * factor × numerator / denominator (the DHIS2 rule); numerator and denominator are figures of
 * the same unit and period, each already summed over every commune of the unit by its domain,
 * so dividing them here gives the unit's true rate, never an average of rates.
 *
 * Adding a built-in indicator (admins save others at run time: store.ts): add it here, add its field to `Indicators` in
 * schema/indicators.graphql, and its figures to the `@requires` selection there.
 */
import { computeFormula, type Formula, type IndicatorValue } from './formula';

export interface IndicatorDefinition {
  id: string;
  name: string;
  nameVi: string;
  description: string;
  /** Figure paths on AreaStats, e.g. `residency.chipIdCards`; the first segment is the AreaStats field, not always the domain's name. */
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
    id: 'chipIdCoverageOfEligible',
    name: 'Chip ID card coverage of the eligible population',
    nameVi: 'Tỷ lệ công dân từ đủ 14 tuổi được cấp thẻ căn cước gắn chip',
    description: 'Share of citizens aged 14 or more (the age from which the card is issued) holding a chip ID card, as of the period\'s last day (stock over stock). This is the coverage provincial reports publish.',
    numerator: 'residency.chipIdCards',
    denominator: 'residency.eligiblePopulation',
    factor: 1,
    unit: 'fraction',
    sourceDomains: ['residency'],
  },
  {
    id: 'eidLevel1Coverage',
    name: 'eID level 1 coverage',
    nameVi: 'Tỷ lệ công dân có tài khoản định danh điện tử mức 1',
    description: 'Share of the registered population whose VNeID account is at level 1 and not yet at level 2, as of the period\'s last day (stock over stock). eidLevel1Coverage + eidLevel2Coverage is the share with an account of either level.',
    numerator: 'residency.eidLevel1',
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
  {
    id: 'civilStatusDigitizationRate',
    name: 'Civil status digitization rate',
    nameVi: 'Tỷ lệ dữ liệu hộ tịch đã được số hóa',
    description: 'Share of the birth, marriage and death records registered that have been entered into the electronic register, as of the period\'s last day (stock over stock). 1 means the province has finished digitizing its books.',
    numerator: 'civilStatus.digitizedRecords',
    denominator: 'civilStatus.records',
    factor: 1,
    unit: 'fraction',
    sourceDomains: ['civil-status'],
  },
  {
    id: 'criminalRecordVneidShare',
    name: 'Criminal record certificate requests through VNeID',
    nameVi: 'Tỷ lệ hồ sơ đề nghị cấp phiếu lý lịch tư pháp qua VNeID',
    description: 'Share of the criminal record certificate requests filed during the period that came through the VNeID app (flow over flow).',
    numerator: 'justiceRecords.requestsViaVneid',
    denominator: 'justiceRecords.requests',
    factor: 1,
    unit: 'fraction',
    sourceDomains: ['justice-records'],
  },
  {
    id: 'eHealthIntegrationRate',
    name: 'E-health book integration into VNeID',
    nameVi: 'Tỷ lệ công dân có sổ sức khỏe điện tử tích hợp trên VNeID',
    description: 'E-health books integrated into VNeID per registered citizen, as of the period\'s last day (stock over stock).',
    numerator: 'health.integratedIntoVneid',
    denominator: 'residency.population',
    factor: 1,
    unit: 'fraction',
    sourceDomains: ['health', 'residency'],
  },
];

export { FIGURE_FIELD_DOMAIN, figureAt, type IndicatorValue } from './formula';

/** factor × numerator / denominator; null where the denominator is 0 or either figure is missing. */
export function computeIndicator(def: IndicatorDefinition, figures: Record<string, unknown>): IndicatorValue {
  return computeFormula(def.id, builtInFormula(def), figures);
}

/** A built-in indicator as a formula. */
export const builtInFormula = (def: IndicatorDefinition): Formula => ({ numerator: [def.numerator], denominator: [def.denominator], factor: def.factor });
