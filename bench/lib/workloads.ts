/**
 * The four workloads of issue 5, as GraphQL operations every HTTP target answers with the same
 * text. Field lists are those of schema/*.graphql (every figure of every domain; every
 * indicator by name: `indicators.all` repeats them with their figures, so it is left out).
 */
export type WorkloadName = 'W1' | 'W2' | 'W3' | 'W4';
export const WORKLOAD_NAMES: readonly WorkloadName[] = ['W1', 'W2', 'W3', 'W4'];

export const PERIOD = '2024-06';
export const PROVINCE = '30';
export const SERIES = { from: '2023-01', to: '2024-12', every: 'MONTH' } as const;

export const FIGURE_FIELDS = {
  residency: ['population', 'chipIdCards', 'eidLevel1', 'eidLevel2', 'eligiblePopulation', 'eidAccounts', 'newRegistrations', 'chipIdCardsIssued', 'eidAccountsActivated', 'eidLevel2Activated'],
  land: ['parcels', 'digitizedParcels', 'parcelsDigitizedInPeriod'],
  civilStatus: ['births', 'marriages', 'deaths', 'records', 'digitizedRecords', 'recordsRegistered', 'recordsDigitized'],
  justiceRecords: ['requests', 'requestsViaVneid', 'issued', 'requestsToDate', 'requestsViaVneidToDate', 'issuedToDate', 'medianDaysToIssue'],
  health: ['eHealthRecords', 'integratedIntoVneid', 'eHealthRecordsCreated', 'integratedInPeriod'],
} as const;

export const INDICATOR_FIELDS = [
  'chipIdCoverage',
  'chipIdCoverageOfEligible',
  'eidLevel1Coverage',
  'eidLevel2Coverage',
  'parcelDigitizationRate',
  'civilStatusDigitizationRate',
  'criminalRecordVneidShare',
  'eHealthIntegrationRate',
] as const;

const figures = Object.entries(FIGURE_FIELDS)
  .map(([field, names]) => `${field} { ${names.join(' ')} }`)
  .join(' ');
const indicators = `indicators { ${INDICATOR_FIELDS.join(' ')} }`;

export interface Workload {
  name: WorkloadName;
  description: string;
  query: string;
}

export function workloads(citizenId: string): Record<WorkloadName, Workload> {
  return {
    W1: {
      name: 'W1',
      description: `every district × every domain's figures × every indicator, as of ${PERIOD}`,
      query: `{ provinces { districts { code stats(period: "${PERIOD}") { ${figures} ${indicators} } } } }`,
    },
    W2: {
      name: 'W2',
      description: `province ${PROVINCE}, 24 monthly periods × every indicator`,
      query: `{ province(code: "${PROVINCE}") { series(from: "${SERIES.from}", to: "${SERIES.to}", every: ${SERIES.every}) { period ${indicators} } } }`,
    },
    W3: {
      name: 'W3',
      description: `every commune of province ${PROVINCE} × every indicator, as of ${PERIOD}`,
      query: `{ districts(provinceCode: "${PROVINCE}") { communes { code stats(period: "${PERIOD}") { ${indicators} } } } }`,
    },
    W4: {
      name: 'W4',
      description: 'one citizen across all domains',
      query: `{ citizen(id: "${citizenId}") { id fullName birthDate sex residenceRegisteredOn chipIdCardIssuedOn eidLevel1ActivatedOn eidLevel2ActivatedOn eidLevel
  residenceCommune { code name }
  parcels { id areaM2 landUse ownerPersonalId digitizedOn commune { code } }
  civilStatusRecords { id kind registeredOn digitizedOn personalIds commune { code } }
  criminalRecordRequests { id channel submittedOn issuedOn status commune { code } }
  eHealth { id personalId createdOn integratedOn integratedIntoVneid commune { code } } } }`,
    },
  };
}
