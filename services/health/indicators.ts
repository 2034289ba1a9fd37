/** The indicators the health domain contributes to the catalogue: e-health books integrated into VNeID per registered citizen (its denominator is residency's population); see lib/indicators.ts. */
import type { IndicatorDefinition } from '../../lib/indicators';

export const healthIndicators: readonly IndicatorDefinition[] = [
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
