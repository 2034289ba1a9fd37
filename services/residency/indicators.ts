/** The indicators the residency domain contributes to the catalogue: chip ID card and VNeID account coverage; see lib/indicators.ts. */
import type { IndicatorDefinition } from '../../lib/indicators';

export const residencyIndicators: readonly IndicatorDefinition[] = [
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
];
