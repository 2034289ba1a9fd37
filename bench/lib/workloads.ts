/**
 * The workloads of issue 5, following the administrative reform of 1 July 2025 (issue 11), as
 * GraphQL operations every HTTP target answers with the same text. Field lists are those of
 * schema/*.graphql (every figure of every domain with its status fields; every indicator by name:
 * `indicators.all` repeats them with their figures, so it is left out). Every unit is named with
 * its structure, so that no answer depends on the day the benchmark runs.
 */
import type { AreaStructure } from '../../lib/areas';

export type WorkloadName = 'W1' | 'W1N' | 'W2' | 'W3' | 'W4';
export const WORKLOAD_NAMES: readonly WorkloadName[] = ['W1', 'W1N', 'W2', 'W3', 'W4'];

/**
 * The day the benchmark's processes take as today (`TODAY`), for the import and every target:
 * periods, their completeness and the delivery dates then never depend on the clock.
 */
export const BENCH_TODAY = '2026-11-29';

/** W1: the pre-reform structure, a month before it (as the workload was first defined). */
export const PERIOD = '2024-06';
/** W1N and W3: a recent complete month of the current structure. */
export const CURRENT_PERIOD = '2026-10';
/** W2 and W3: new Hải Phòng (old Hải Phòng with old Hải Dương), in the current structure. */
export const PROVINCE: { code: string; structure: AreaStructure } = { code: '31', structure: 'TWO_TIER' };
/** W2: 24 months across the reform. */
export const SERIES = { from: '2024-11', to: '2026-10', every: 'MONTH' } as const;

/** What every domain's figures object says of itself (lib/figures.ts `figuresObject`). */
export const STATUS_FIELDS = ['complete', 'figuresAsOf', 'deliveredThrough', 'estimated'] as const;

/** By AreaStats field: the figures asked for, then the status fields. */
export const FIGURE_FIELDS_ASKED: Record<string, readonly string[]> = {
  residency: ['population', 'chipIdCards', 'eidLevel1', 'eidLevel2', 'eligiblePopulation', 'eidAccounts', 'newRegistrations', 'residencesEnded', 'chipIdCardsIssued', 'eidAccountsActivated', 'eidLevel2Activated', ...STATUS_FIELDS],
  land: ['parcels', 'digitizedParcels', 'parcelsDigitizedInPeriod', ...STATUS_FIELDS],
  civilStatus: ['births', 'marriages', 'deaths', 'records', 'digitizedRecords', 'recordsRegistered', 'recordsDigitized', ...STATUS_FIELDS],
  justiceRecords: ['requests', 'requestsViaVneid', 'issued', 'requestsToDate', 'requestsViaVneidToDate', 'issuedToDate', 'medianDaysToIssue', ...STATUS_FIELDS],
  health: ['eHealthRecords', 'integratedIntoVneid', 'eHealthRecordsCreated', 'integratedInPeriod', ...STATUS_FIELDS],
};

export const INDICATOR_FIELDS = [
  'chipIdCoverage',
  'chipIdCoverageOfEligible',
  'eidLevel1Coverage',
  'eidLevel2Coverage',
  'parcelDigitizationRate',
  'civilStatusDigitizationRate',
  'criminalRecordVneidShare',
  'eHealthIntegrationRate',
  'estimated',
  'complete',
] as const;

const figures = Object.entries(FIGURE_FIELDS_ASKED)
  .map(([field, names]) => `${field} { ${names.join(' ')} }`)
  .join(' ');
const indicators = `indicators { ${INDICATOR_FIELDS.join(' ')} }`;

export interface Workload {
  name: WorkloadName;
  description: string;
  query: string;
}

export function workloads(citizenId: string): Record<WorkloadName, Workload> {
  const province = `code: "${PROVINCE.code}", structure: ${PROVINCE.structure}`;
  return {
    W1: {
      name: 'W1',
      description: `every district of the three-tier structure (696) × every domain's figures × every indicator, as of ${PERIOD}`,
      query: `{ provinces(structure: THREE_TIER) { districts { code stats(period: "${PERIOD}") { ${figures} ${indicators} } } } }`,
    },
    W1N: {
      name: 'W1N',
      description: `every commune of the two-tier structure (3,321) × every domain's figures × every indicator, as of ${CURRENT_PERIOD}`,
      query: `{ provinces(structure: TWO_TIER) { communes { code stats(period: "${CURRENT_PERIOD}") { ${figures} ${indicators} } } } }`,
    },
    W2: {
      name: 'W2',
      description: `province ${PROVINCE.code} (${PROVINCE.structure}), 24 monthly periods (${SERIES.from} to ${SERIES.to}, across the reform) × every indicator`,
      query: `{ province(${province}) { series(from: "${SERIES.from}", to: "${SERIES.to}", every: ${SERIES.every}) { period ${indicators} } } }`,
    },
    W3: {
      name: 'W3',
      description: `every commune of province ${PROVINCE.code} (${PROVINCE.structure}) × every indicator, as of ${CURRENT_PERIOD}`,
      query: `{ communes(provinceCode: "${PROVINCE.code}", structure: ${PROVINCE.structure}) { code stats(period: "${CURRENT_PERIOD}") { ${indicators} } } }`,
    },
    W4: {
      name: 'W4',
      description: 'one citizen across all domains',
      query: `{ citizen(id: "${citizenId}") { id fullName birthDate sex residenceRegisteredOn residenceEndedOn chipIdCardIssuedOn eidLevel1ActivatedOn eidLevel2ActivatedOn eidLevel
  residenceCommune { id code name }
  residenceHistory { recordedCommune { id } commune { id } registeredOn endedOn }
  parcels { id areaM2 landUse ownerPersonalId digitizedOn commune { code } }
  civilStatusRecords { id kind registeredOn digitizedOn personalIds commune { code } }
  criminalRecordRequests { id channel submittedOn issuedOn status commune { code } }
  eHealth { id personalId createdOn integratedOn integratedIntoVneid commune { code } } } }`,
    },
  };
}
