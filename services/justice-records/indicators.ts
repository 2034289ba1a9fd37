/** The indicators the justice-records domain contributes to the catalogue: the share of criminal record certificate requests filed through VNeID; see lib/indicators.ts. */
import type { IndicatorDefinition } from '../../lib/indicators';

export const justiceRecordsIndicators: readonly IndicatorDefinition[] = [
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
];
