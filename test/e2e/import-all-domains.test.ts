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
import { INDICATOR_CATALOG, importDefinition } from '../../services/registry';
import { citizenCells, parcelCells, writeCsv, writeXlsx, RESIDENCY_COLUMNS, RESIDENCY_HISTORY_COLUMNS, LAND_COLUMNS, type Cells } from '../helpers/import-files';
import { countCivilStatus, countHealth, countJustice, countLand, countResidency, countsOf, expectedIndicators, makeFixture, type AreaName } from '../helpers/fixture';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';
import { NO_CACHE, snapshotDatabases } from '../helpers/db-snapshot';

const fixture = makeFixture('imports', 8);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-import-all-'));
const CIVIL = ['record_id', 'kind', 'commune_code', 'commune_structure', 'registered_on', 'digitized_on', 'personal_ids'];
const JUSTICE = ['request_id', 'personal_id', 'commune_code', 'commune_structure', 'channel', 'submitted_on', 'issued_on', 'status'];
const HEALTH = ['record_id', 'personal_id', 'commune_code', 'commune_structure', 'created_on', 'integrated_on'];
const civilCells = fixture.civilRecords.map((r): Cells => ({ record_id: r.recordId, kind: r.kind, commune_code: r.communeCode, commune_structure: r.communeStructure, registered_on: r.registeredOn, digitized_on: r.digitizedOn, personal_ids: r.personalIds.join(';') }));
const justiceCells = fixture.requests.map((r): Cells => ({ request_id: r.requestId, personal_id: r.personalId, commune_code: r.communeCode, commune_structure: r.communeStructure, channel: r.channel, submitted_on: r.submittedOn, issued_on: r.issuedOn, status: r.status }));
const healthCells = fixture.healthRecords.map((r): Cells => ({ record_id: r.recordId, personal_id: r.personalId, commune_code: r.communeCode, commune_structure: r.communeStructure, created_on: r.createdOn, integrated_on: r.integratedOn }));

describe.each(testDatabases())('one file per domain into an empty graph on $label', (database) => {
  let graph: RunningGraph;
  const config = database.config('import-all');
  beforeAll(async () => {
    graph = await startGraph(config);
    writeCsv(path.join(dir, 'residency.csv'), [...RESIDENCY_COLUMNS, ...RESIDENCY_HISTORY_COLUMNS], fixture.citizens.map(citizenCells));
    await writeXlsx(path.join(dir, 'land.xlsx'), LAND_COLUMNS, fixture.parcels.map(parcelCells), { numericCodes: ['commune_code'] });
    writeCsv(path.join(dir, 'civil-status.csv'), CIVIL, civilCells);
    await writeXlsx(path.join(dir, 'justice-records.xlsx'), JUSTICE, justiceCells);
    writeCsv(path.join(dir, 'health.csv'), HEALTH, healthCells);
    for (const [domain, file] of [['residency', 'residency.csv'], ['land', 'land.xlsx'], ['civil-status', 'civil-status.csv'], ['justice-records', 'justice-records.xlsx'], ['health', 'health.csv']]) {
      const summary = await importFile({ config, definition: importDefinition(domain), file: path.join(dir, file) });
      expect({ domain, inserted: summary.inserted }).toEqual({ domain, inserted: summary.rows });
    }
  });
  afterAll(() => graph?.stop());

  test.each(['2024-11', '2023', '2025-Q2', '2024-02-29', '2025-Q3', '2026-10'])('every figure and indicator of Hải Dương, its districts and communes, of Hải Phòng and its communes today, and the nation in %s', async (period) => {
    const { start, end } = parsePeriod(period);
    const figures = `residency { population eligiblePopulation chipIdCards eidLevel1 eidLevel2 eidAccounts newRegistrations residencesEnded chipIdCardsIssued eidAccountsActivated eidLevel2Activated }
      land { parcels digitizedParcels parcelsDigitizedInPeriod }
      civilStatus { births marriages deaths records digitizedRecords recordsRegistered recordsDigitized }
      justiceRecords { requests requestsViaVneid issued requestsToDate requestsViaVneidToDate issuedToDate medianDaysToIssue }
      health { eHealthRecords integratedIntoVneid eHealthRecordsCreated integratedInPeriod }
      indicators { ${INDICATOR_CATALOG.map((d) => d.id).join(' ')} }`;
    const res = await graph.queryGateway(`query($p: String!) { nation { code stats(period: $p) { ${figures} } }
      province(code: "30", structure: THREE_TIER) { code stats(period: $p) { ${figures} } districts { code stats(period: $p) { ${figures} } communes { code stats(period: $p) { ${figures} } } } }
      today: province(code: "31") { code stats(period: $p) { ${figures} } communes { code stats(period: $p) { ${figures} } } } }`, { p: period });
    expect(res.errors).toBeUndefined();
    const old = [res.data.nation, res.data.province, ...res.data.province.districts, ...res.data.province.districts.flatMap((d: any) => d.communes)];
    const today = [res.data.today, ...res.data.today.communes];
    expect(old.length).toBeGreaterThan(200);
    const areas: [AreaName, any][] = [...old.map((a): [AreaName, any] => [a.code, a]), ...today.map((a): [AreaName, any] => [{ structure: 'TWO_TIER', code: a.code }, a])];
    for (const [area, a] of areas) {
      const s = a.stats;
      expect({ area, ...s }).toEqual({
        area,
        residency: countsOf(countResidency(fixture, area, start, end)),
        land: countsOf(countLand(fixture, area, start, end)),
        civilStatus: countsOf(countCivilStatus(fixture, area, start, end)),
        justiceRecords: countsOf(countJustice(fixture, area, start, end)),
        health: countsOf(countHealth(fixture, area, start, end)),
        indicators: expectedIndicators(fixture, area, start, end),
      });
    }
  });

  test.each([
    ['civil-status', CIVIL, { ...civilCells[0], kind: 'ADOPTION' }, 'kind', 'must be one of BIRTH, MARRIAGE, DEATH'],
    ['civil-status', CIVIL, { ...civilCells[0], kind: 'MARRIAGE', personal_ids: [...new Set(fixture.citizens.slice(0, 3).map((c) => c.personalId))].join(';') }, 'personal_ids', 'a MARRIAGE record names one or two persons'],
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
    // Read from the tables themselves and, through the gateway, past its response cache: a
    // rejected import bumps no data version, so a cached answer would be the same whatever it wrote.
    const read = async () => ({
      tables: await snapshotDatabases(graph.dbs),
      figures: (await graph.queryGateway('{ nation { stats(period: "2025") { civilStatus { records } justiceRecords { requestsToDate } health { eHealthRecords } } } }', undefined, { role: 'admin' }, NO_CACHE)).data,
    });
    const before = await read();
    let message = '';
    try {
      await importFile({ config, definition: importDefinition(domain), file });
    } catch (err) {
      message = String((err as Error).message) + JSON.stringify((err as { problems?: unknown }).problems ?? '');
    }
    expect(message).toContain('line 7');
    expect(message).toContain(column);
    expect(message).toContain(reason);
    expect(await read()).toEqual(before);
  });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
