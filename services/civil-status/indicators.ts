/** The indicators the civil-status domain contributes to the catalogue: the share of civil status records digitized; see lib/indicators.ts. */
import type { IndicatorDefinition } from '../../lib/indicators';

export const civilStatusIndicators: readonly IndicatorDefinition[] = [
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
];
