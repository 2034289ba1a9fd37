/** The indicators the land domain contributes to the catalogue: the share of parcels digitized; see lib/indicators.ts. */
import type { IndicatorDefinition } from '../../lib/indicators';

export const landIndicators: readonly IndicatorDefinition[] = [
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
