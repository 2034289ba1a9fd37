/**
 * The indicators the public-services domain contributes to the catalogue (lib/indicators.ts; the DHIS2 rule: the
 * numerator and the denominator are each summed over the unit, then divided). Both are flows
 * over flows: the dossiers of the period, whatever happened before it.
 */
import type { IndicatorDefinition } from '../../lib/indicators';

export const PUBLIC_SERVICES_INDICATORS: readonly IndicatorDefinition[] = [
  {
    id: 'onlineDossierShare',
    name: 'Online dossier share',
    nameVi: 'Tỷ lệ hồ sơ dịch vụ công thiết yếu tiếp nhận trực tuyến',
    description:
      'Share of the dossiers of the 25 essential public services received during the period that came online, through the national or the provincial public service portal (flow over flow). Hải Dương published 70 % for April 2023.',
    numerator: 'publicServices.dossiersReceivedOnline',
    denominator: 'publicServices.dossiersReceived',
    factor: 1,
    unit: 'fraction',
    sourceDomains: ['public-services'],
  },
  {
    id: 'onTimeResolutionRate',
    name: 'On-time resolution rate',
    nameVi: 'Tỷ lệ hồ sơ dịch vụ công thiết yếu giải quyết đúng hạn',
    description:
      'Share of the dossiers of the 25 essential public services resolved during the period that were resolved by their due date (flow over flow).',
    numerator: 'publicServices.dossiersResolvedOnTime',
    denominator: 'publicServices.dossiersResolved',
    factor: 1,
    unit: 'fraction',
    sourceDomains: ['public-services'],
  },
];
