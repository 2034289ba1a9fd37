/**
 * Issue 4's "done when": starting empty, one file per domain is imported, and the gateway
 * answers exactly the figures and indicators the files imply, for every area of a province and
 * several periods. Bad rows of the three record domains are refused with line, column and reason.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importFile } from '../../lib/import/engine';

import { parsePeriod } from '../../lib/periods';
import { INDICATOR_CATALOG } from '../../services/indicators/catalog';
import { citizenCells, parcelCells, writeCsv, writeXlsx, RESIDENCY_COLUMNS, LAND_COLUMNS, type Cells } from '../helpers/import-files';
import { countCivilStatus, countHealth, countJustice, countLand, countResidency, expectedIndicators, makeFixture } from '../helpers/fixture';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';

const fixture = makeFixture('imports', 8);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-import-all-'));
const CIVIL = ['record_id', 'kind', 'commune_code', 'registered_on', 'digitized_on', 'personal_ids'];
const JUSTICE = ['request_id', 'personal_id', 'commune_code', 'channel', 'submitted_on', 'issued_on', 'status'];
const HEALTH = ['record_id', 'personal_id', 'commune_code', 'created_on', 'integrated_on'];
const civilCells = fixture.civilRecords.map((r): Cells => ({ record_id: r.recordId, kind: r.kind, commune_code: r.communeCode, registered_on: r.registeredOn, digitized_on: r.digitizedOn, personal_ids: r.personalIds.join(';') }));
const justiceCells = fixture.requests.map((r): Cells => ({ request_id: r.requestId, personal_id: r.personalId, commune_code: r.communeCode, channel: r.channel, submitted_on: r.submittedOn, issued_on: r.issuedOn, status: r.status }));
const healthCells = fixture.healthRecords.map((r): Cells => ({ record_id: r.recordId, personal_id: r.personalId, commune_code: r.communeCode, created_on: r.createdOn, integrated_on: r.integratedOn }));
// The fixture's dates reach the end of 2025: "today" is set after them.
const TODAY = '2026-06-30';

describe.each(testDatabases())('one file per domain into an empty graph on $label', (database) => {
  let graph: RunningGraph;
  const config = database.config('import-all');
  beforeAll(async () => {
    graph = await startGraph(config);
    writeCsv(path.join(dir, 'residency.csv'), RESIDENCY_COLUMNS, fixture.citizens.map(citizenCells));
    await writeXlsx(path.join(dir, 'land.xlsx'), LAND_COLUMNS, fixture.parcels.map(parcelCells), { numericCodes: ['commune_code'] });
    writeCsv(path.join(dir, 'civil-status.csv'), CIVIL, civilCells);
    await writeXlsx(path.join(dir, 'justice-records.xlsx'), JUSTICE, justiceCells);
    writeCsv(path.join(dir, 'health.csv'), HEALTH, healthCells);
    for (const [domain, file] of [['residency', 'residency.csv'], ['land', 'land.xlsx'], ['civil-status', 'civil-status.csv'], ['justice-records', 'justice-records.xlsx'], ['health', 'health.csv']]) {
      const summary = await importFile({ config, domain, file: path.join(dir, file), today: TODAY });
      expect({ domain, inserted: summary.inserted }).toEqual({ domain, inserted: summary.rows });
    }
  });
  afterAll(() => graph?.stop());

  test.each(['2024-11', '2023', '2025-Q2', '2024-02-29'])('every figure and indicator of Hải Dương, its districts and communes, and the nation in %s', async (period) => {
    const { start, end } = parsePeriod(period);
    const figures = `residency { population eligiblePopulation chipIdCards eidLevel1 eidLevel2 eidAccounts newRegistrations chipIdCardsIssued eidAccountsActivated eidLevel2Activated }
      land { parcels digitizedParcels parcelsDigitizedInPeriod }
      civilStatus { births marriages deaths records digitizedRecords recordsRegistered recordsDigitized }
      justiceRecords { requests requestsViaVneid issued requestsToDate requestsViaVneidToDate issuedToDate medianDaysToIssue }
      health { eHealthRecords integratedIntoVneid eHealthRecordsCreated integratedInPeriod }
      indicators { ${INDICATOR_CATALOG.map((d) => d.id).join(' ')} }`;
    const res = await graph.queryGateway(`query($p: String!) { nation { code stats(period: $p) { ${figures} } }
      province(code: "30") { code stats(period: $p) { ${figures} } districts { code stats(period: $p) { ${figures} } communes { code stats(period: $p) { ${figures} } } } } }`, { p: period });
    expect(res.errors).toBeUndefined();
    const areas = [res.data.nation, res.data.province, ...res.data.province.districts, ...res.data.province.districts.flatMap((d: any) => d.communes)];
    expect(areas.length).toBeGreaterThan(200);
    for (const a of areas) {
      const s = a.stats;
      expect({ code: a.code, ...s }).toEqual({
        code: a.code,
        residency: countResidency(fixture, a.code, start, end),
        land: countLand(fixture, a.code, start, end),
        civilStatus: countCivilStatus(fixture, a.code, start, end),
        justiceRecords: countJustice(fixture, a.code, start, end),
        health: countHealth(fixture, a.code, start, end),
        indicators: expectedIndicators(fixture, a.code, start, end),
      });
    }
  });

  test.each([
    ['civil-status', CIVIL, { ...civilCells[0], kind: 'ADOPTION' }, 'kind', 'must be one of BIRTH, MARRIAGE, DEATH'],
    ['civil-status', CIVIL, { ...civilCells[0], kind: 'MARRIAGE', personal_ids: String(civilCells[0].personal_ids).split(';')[0] }, 'personal_ids', 'a MARRIAGE record names 2 persons'],
    ['civil-status', CIVIL, { ...civilCells[0], registered_on: '2024-05-01', digitized_on: '2024-04-30' }, 'digitized_on', 'registered_on'],
    ['justice-records', JUSTICE, { ...justiceCells[0], channel: 'FAX' }, 'channel', 'must be one of VNEID, PORTAL, COUNTER'],
    ['justice-records', JUSTICE, { ...justiceCells[0], status: 'ISSUED', issued_on: null }, 'issued_on', 'needs the day it was issued'],
    ['justice-records', JUSTICE, { ...justiceCells[0], submitted_on: '2024-05-01', issued_on: '2024-04-01', status: 'ISSUED' }, 'issued_on', 'submitted_on'],
    ['health', HEALTH, { ...healthCells[0], integrated_on: '2020-01-01', created_on: '2023-01-01' }, 'integrated_on', 'created_on'],
    ['health', HEALTH, { ...healthCells[0], personal_id: '12345' }, 'personal_id', '12 digits'],
  ])('%s: a bad row is refused with its line, column and reason, and nothing changes', async (domain, header, bad, column, reason) => {
    const rows = domain === 'civil-status' ? civilCells : domain === 'justice-records' ? justiceCells : healthCells;
    const file = path.join(dir, `bad-${domain}-${column}.csv`);
    writeCsv(file, header, [...rows.slice(1, 6).map((r, i) => ({ ...r, [header[0]]: `new-${i}` })), bad]);
    const before = await graph.queryGateway('{ nation { stats(period: "2025") { civilStatus { records } justiceRecords { requestsToDate } health { eHealthRecords } } } }');
    let message = '';
    try {
      await importFile({ config, domain, file, today: TODAY });
    } catch (err) {
      message = String((err as Error).message) + JSON.stringify((err as { problems?: unknown }).problems ?? '');
    }
    expect(message).toContain('line 7');
    expect(message).toContain(column);
    expect(message).toContain(reason);
    const after = await graph.queryGateway('{ nation { stats(period: "2025") { civilStatus { records } justiceRecords { requestsToDate } health { eHealthRecords } } } }');
    expect(after.data).toEqual(before.data);
  });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
