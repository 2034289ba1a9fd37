/**
 * The `sql` target: the floor. Each workload answered with only the SQL statements any answer
 * needs (one summary read per data domain for the whole request; one fact read per domain for a
 * citizen), run with knex in this process: no GraphQL, no HTTP, no JSON. The result is built in
 * the shape of the GraphQL answer, with the graph's own semantics (bench/lib/shape.ts), so that it
 * is checked against the other targets; that costs little next to the statements.
 */
import { childrenOf, communesIn, nation, requireArea, type Area } from '../../lib/areas';
import type { Db } from '../../lib/db';
import type { AreaStatsRef } from '../../lib/figures';
import { parsePeriod, periodSeries, type PeriodUnit } from '../../lib/periods';
import { citizenFacts, citizenPlacement } from '../../services/residency/facts';
import { parcelFacts, parcelPlacement } from '../../services/land/facts';
import { civilRecordFacts, civilRecordPlacement } from '../../services/civil-status/facts';
import { requestFacts, requestPlacement } from '../../services/justice-records/facts';
import { healthRecordFacts, healthRecordPlacement } from '../../services/health/facts';
import { residenceHistoryOf } from './residences';
import { FIGURE_FIELDS, figureLoaders, figuresOf, indicatorsOf, type FiguresObject } from './shape';
import { BENCH_TODAY, CURRENT_PERIOD, FIGURE_FIELDS_ASKED, INDICATOR_FIELDS, PERIOD, PROVINCE, SERIES, type WorkloadName } from './workloads';

type Stats = Record<string, unknown>;

/** Only the fields a workload asks for, as GraphQL answers. */
const pick = (o: Record<string, unknown>, names: readonly string[]) => Object.fromEntries(names.map((n) => [n, o[n]]));

/** Every figure field of every ref, one statement per domain, then the indicators. */
async function statsOf(dbs: Record<string, Db>, refs: AreaStatsRef[], withFigures: boolean): Promise<Stats[]> {
  const loaders = figureLoaders(dbs, BENCH_TODAY);
  const fields = Object.keys(FIGURE_FIELDS);
  const byField = await Promise.all(fields.map((f) => loaders[f].loadMany(refs)));
  return refs.map((_, i) => {
    const figures: Record<string, FiguresObject> = {};
    fields.forEach((f, j) => {
      const reading = byField[j][i];
      if (reading instanceof Error) throw reading;
      figures[f] = figuresOf(f, reading);
    });
    const indicators = pick(indicatorsOf(figures), INDICATOR_FIELDS);
    return withFigures ? { ...Object.fromEntries(Object.entries(FIGURE_FIELDS_ASKED).map(([f, asked]) => [f, pick(figures[f], asked)])), indicators } : { indicators };
  });
}

/** Units grouped as a query nests them, with the stats of every unit in one period. */
async function nested(dbs: Record<string, Db>, groups: Area[][], period: string, withFigures: boolean) {
  const label = parsePeriod(period).label;
  const stats = await statsOf(dbs, groups.flat().map((a) => ({ areaId: a.id, period: label })), withFigures);
  let i = 0;
  return groups.map((units) => units.map((a) => ({ code: a.code, stats: stats[i++] })));
}

async function w1(dbs: Record<string, Db>) {
  const groups = childrenOf(nation(), 'THREE_TIER').map((p) => childrenOf(p));
  return { provinces: (await nested(dbs, groups, PERIOD, true)).map((districts) => ({ districts })) };
}

async function w1n(dbs: Record<string, Db>) {
  const groups = childrenOf(nation(), 'TWO_TIER').map((p) => communesIn(p, 'TWO_TIER'));
  return { provinces: (await nested(dbs, groups, CURRENT_PERIOD, true)).map((communes) => ({ communes })) };
}

const province = () => requireArea(PROVINCE.code, PROVINCE.structure, { level: 'PROVINCE' });

async function w2(dbs: Record<string, Db>) {
  const id = province().id;
  const periods = periodSeries(SERIES.from, SERIES.to, SERIES.every as PeriodUnit).map((p) => p.label);
  const stats = await statsOf(dbs, periods.map((period) => ({ areaId: id, period })), false);
  return { province: { series: periods.map((period, i) => ({ period, ...stats[i] })) } };
}

async function w3(dbs: Record<string, Db>) {
  const [communes] = await nested(dbs, [communesIn(province(), PROVINCE.structure)], CURRENT_PERIOD, false);
  return { communes };
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
  const commune = (a: Area) => ({ code: a.code });
  const book = healthRows.length ? healthRecordFacts.fromRow(healthRows[healthRows.length - 1]) : null;
  const home = citizenPlacement(c).newUnit;
  return {
    citizen: {
      id: c.personalId,
      fullName: c.fullName,
      birthDate: c.birthDate,
      sex: c.sex,
      residenceRegisteredOn: c.registeredOn,
      residenceEndedOn: c.residenceEndedOn,
      chipIdCardIssuedOn: c.chipCardIssuedOn,
      eidLevel1ActivatedOn: c.eidLevel1On,
      eidLevel2ActivatedOn: c.eidLevel2On,
      eidLevel: c.eidLevel2On ? 2 : c.eidLevel1On ? 1 : 0,
      residenceCommune: { id: home.id, code: home.code, name: home.name },
      residenceHistory: residenceHistoryOf(c).map((r) => ({ ...r, recordedCommune: { id: r.recordedCommune.id }, commune: { id: r.commune.id } })),
      parcels: parcelRows.map(parcelFacts.fromRow).map((p) => ({
        id: p.parcelId, areaM2: p.areaM2, landUse: p.landUse, ownerPersonalId: p.ownerPersonalId, digitizedOn: p.digitizedOn, commune: commune(parcelPlacement(p).newUnit),
      })),
      civilStatusRecords: civilRows.map(civilRecordFacts.fromRow).map((r) => ({
        id: r.recordId, kind: r.kind, registeredOn: r.registeredOn, digitizedOn: r.digitizedOn, personalIds: r.personalIds, commune: commune(civilRecordPlacement(r).newUnit),
      })),
      criminalRecordRequests: requestRows.map(requestFacts.fromRow).map((r) => ({
        id: r.requestId, channel: r.channel, submittedOn: r.submittedOn, issuedOn: r.issuedOn, status: r.status, commune: commune(requestPlacement(r).newUnit),
      })),
      eHealth: book && {
        id: book.recordId, personalId: book.personalId, createdOn: book.createdOn, integratedOn: book.integratedOn, integratedIntoVneid: book.integratedOn !== null, commune: commune(healthRecordPlacement(book).newUnit),
      },
    },
  };
}

export function floorAnswer(dbs: Record<string, Db>, workload: WorkloadName, citizenId: string): Promise<unknown> {
  switch (workload) {
    case 'W1':
      return w1(dbs);
    case 'W1N':
      return w1n(dbs);
    case 'W2':
      return w2(dbs);
    case 'W3':
      return w3(dbs);
    case 'W4':
      return w4(dbs, citizenId);
  }
}
