/**
 * The `sql` target: the floor. Each workload answered with only the SQL statements any answer
 * needs (one summary read per data domain for the whole request; one fact read per domain for a
 * citizen), run with knex in this process: no GraphQL, no HTTP, no JSON. The result is built in
 * the shape of the GraphQL answer so that it is checked against the other targets; that costs
 * microseconds next to the statements.
 */
import { childrenOf, getArea, NATION_CODE } from '../../lib/areas';
import type { Db } from '../../lib/db';
import { parsePeriod, periodSeries, type PeriodUnit } from '../../lib/periods';
import { citizenFacts } from '../../services/residency/facts';
import { parcelFacts } from '../../services/land/facts';
import { civilRecordFacts } from '../../services/civil-status/facts';
import { requestFacts } from '../../services/justice-records/facts';
import { healthRecordFacts } from '../../services/health/facts';
import { FIGURE_FIELDS, indicatorsOf, readShaped, type StatsRef } from './shape';
import { PERIOD, PROVINCE, SERIES, type WorkloadName } from './workloads';

type Stats = Record<string, unknown>;

/** Every figure field of every ref, one statement per domain, then the indicators. */
async function statsOf(dbs: Record<string, Db>, refs: StatsRef[], withFigures: boolean): Promise<Stats[]> {
  const fields = Object.keys(FIGURE_FIELDS);
  const byField = await Promise.all(fields.map((f) => readShaped(dbs, f, refs)));
  return refs.map((_, i) => {
    const figures = Object.fromEntries(fields.map((f, j) => [f, byField[j][i]]));
    const indicators = indicatorsOf(figures);
    return withFigures ? { ...figures, indicators } : { indicators };
  });
}

async function w1(dbs: Record<string, Db>) {
  const provinces = childrenOf(NATION_CODE).map((p) => childrenOf(p.code));
  const refs = provinces.flat().map((d) => ({ areaCode: d.code, period: PERIOD }));
  const stats = await statsOf(dbs, refs, true);
  let i = 0;
  return { provinces: provinces.map((districts) => ({ districts: districts.map((d) => ({ code: d.code, stats: stats[i++] })) })) };
}

async function w2(dbs: Record<string, Db>) {
  const periods = periodSeries(SERIES.from, SERIES.to, SERIES.every as PeriodUnit).map((p) => p.label);
  const stats = await statsOf(dbs, periods.map((period) => ({ areaCode: PROVINCE, period })), false);
  return { province: { series: periods.map((period, i) => ({ period, ...stats[i] })) } };
}

async function w3(dbs: Record<string, Db>) {
  const districts = childrenOf(PROVINCE).map((d) => childrenOf(d.code));
  const refs = districts.flat().map((c) => ({ areaCode: c.code, period: parsePeriod(PERIOD).label }));
  const stats = await statsOf(dbs, refs, false);
  let i = 0;
  return { districts: districts.map((communes) => ({ communes: communes.map((c) => ({ code: c.code, stats: stats[i++] })) })) };
}

async function w4(dbs: Record<string, Db>, id: string) {
  const [citizenRow, parcelRows, civilRows, requestRows, healthRows] = await Promise.all([
    dbs.residency('citizens').where('personal_id', id).first(),
    dbs.land('parcels').where('owner_personal_id', id).orderBy('parcel_id'),
    dbs['civil-status']('civil_records as r')
      .join('civil_record_persons as p', 'p.record_id', 'r.record_id')
      .where('p.personal_id', id)
      .select('r.*')
      .orderBy('r.registered_on'),
    dbs['justice-records']('criminal_record_requests').where('personal_id', id).orderBy('submitted_on'),
    dbs.health('e_health_records').where('personal_id', id).orderBy('created_on'),
  ]);
  if (!citizenRow) return { citizen: null };
  const c = citizenFacts.fromRow(citizenRow);
  const commune = (code: string) => ({ code });
  const book = healthRows.length ? healthRecordFacts.fromRow(healthRows[healthRows.length - 1]) : null;
  return {
    citizen: {
      id: c.personalId,
      fullName: c.fullName,
      birthDate: c.birthDate,
      sex: c.sex,
      residenceRegisteredOn: c.registeredOn,
      chipIdCardIssuedOn: c.chipCardIssuedOn,
      eidLevel1ActivatedOn: c.eidLevel1On,
      eidLevel2ActivatedOn: c.eidLevel2On,
      eidLevel: c.eidLevel2On ? 2 : c.eidLevel1On ? 1 : 0,
      residenceCommune: { code: c.communeCode, name: getArea(c.communeCode)!.name },
      parcels: parcelRows.map(parcelFacts.fromRow).map((p) => ({
        id: p.parcelId, areaM2: p.areaM2, landUse: p.landUse, ownerPersonalId: p.ownerPersonalId, digitizedOn: p.digitizedOn, commune: commune(p.communeCode),
      })),
      civilStatusRecords: civilRows.map(civilRecordFacts.fromRow).map((r) => ({
        id: r.recordId, kind: r.kind, registeredOn: r.registeredOn, digitizedOn: r.digitizedOn, personalIds: r.personalIds, commune: commune(r.communeCode),
      })),
      criminalRecordRequests: requestRows.map(requestFacts.fromRow).map((r) => ({
        id: r.requestId, channel: r.channel, submittedOn: r.submittedOn, issuedOn: r.issuedOn, status: r.status, commune: commune(r.communeCode),
      })),
      eHealth: book && {
        id: book.recordId, personalId: book.personalId, createdOn: book.createdOn, integratedOn: book.integratedOn, integratedIntoVneid: book.integratedOn !== null, commune: commune(book.communeCode),
      },
    },
  };
}

export function floorAnswer(dbs: Record<string, Db>, workload: WorkloadName, citizenId: string): Promise<unknown> {
  switch (workload) {
    case 'W1':
      return w1(dbs);
    case 'W2':
      return w2(dbs);
    case 'W3':
      return w3(dbs);
    case 'W4':
      return w4(dbs, citizenId);
  }
}
