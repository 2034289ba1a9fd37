/**
 * Imports across the 2025 reform: files in either structure (declared by option or per row,
 * the two-tier one by default), residences that move and end, records deleted, and data
 * delivered up to a day; each checked through the gateway against counts over the rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../lib/config';
import { importFile } from '../../lib/import/engine';
import { ImportRejected } from '../../lib/import/problems';
import type { Citizen } from '../../services/residency/facts';
import { countResidency, countsOf, type Fixture } from '../helpers/fixture';
import { parsePeriod } from '../../lib/periods';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';
import { citizenCells, generateCitizens, RESIDENCY_COLUMNS, RESIDENCY_HISTORY_COLUMNS, writeCsv } from '../helpers/import-files';
import { oldCommunesOf, successorsOf } from '../helpers/reference';
import { importDefinition } from '../../services/registry';

const OLD = oldCommunesOf('288');
const COLUMNS = [...RESIDENCY_COLUMNS, ...RESIDENCY_HISTORY_COLUMNS];
const asFixture = (citizens: Citizen[]) => ({ citizens, parcels: [], civilRecords: [], requests: [], healthRecords: [] }) as unknown as Fixture;

describe.each(testDatabases())('imports across the reform on $label', (database) => {
  let graph: RunningGraph;
  let config: Config;
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  const population = async (id: string, period: string) => {
    const res = await graph.queryGateway(`{ areaById(id: "${id}") { stats(period: "${period}") { residency { population newRegistrations residencesEnded complete deliveredThrough } } } }`);
    expect(res.errors).toBeUndefined();
    return res.data.areaById.stats.residency;
  };
  const citizenRows = async () => Number((await graph.dbs.residency('citizens').count({ n: '*' }))[0].n);

  // Citizens registered before the reform (three-tier codes), then their post-reform life in two-tier codes.
  const before = [...generateCitizens('reform-import', 200, OLD)];
  const born = before.slice(0, 10).map((c, i): Citizen => ({
    ...c,
    personalId: `${c.personalId.slice(0, 3)}${c.sex === 'M' ? 2 : 3}25${String(900000 + i).padStart(6, '0')}`,
    birthDate: '2025-09-15',
    registeredOn: '2025-09-20',
    communeCode: successorsOf(c.communeCode)[0],
    communeStructure: 'TWO_TIER',
    chipCardIssuedOn: null,
    eidLevel1On: null,
    eidLevel2On: null,
  }));

  beforeAll(async () => {
    config = database.config('import-reform');
    graph = await startGraph(config);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-import-reform-'));
  });
  afterAll(async () => {
    await graph?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a file's structure: three-tier codes declared by option, two-tier ones by default; a code of the wrong structure is refused and nothing changes", async () => {
    // Without the structure column: the option says which structure the codes are in.
    const oldHeader = RESIDENCY_COLUMNS.filter((c) => c !== 'commune_structure');
    writeCsv(file('before.csv'), oldHeader, before.map(citizenCells));
    const wrong = await importFile({ config, definition: importDefinition('residency'), file: file('before.csv') }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(ImportRejected);
    expect((wrong as ImportRejected).problems[0]).toMatchObject({ line: 2, column: 'commune_code', value: before[0].communeCode, reason: expect.stringContaining('no commune has this code in the two-tier structure') });
    expect(await citizenRows()).toBe(0);
    expect(await importFile({ config, definition: importDefinition('residency'), file: file('before.csv'), structure: 'THREE_TIER' })).toMatchObject({ inserted: 200 });
    // Babies born after the reform, in a file of today's codes (no option, no column).
    writeCsv(file('born.csv'), oldHeader, born.map(citizenCells));
    expect(await importFile({ config, definition: importDefinition('residency'), file: file('born.csv') })).toMatchObject({ inserted: 10 });
    const all = asFixture([...before, ...born]);
    for (const [id, area] of [['THREE_TIER:288', '288'], ['TWO_TIER:31', { structure: 'TWO_TIER' as const, code: '31' }], [`TWO_TIER:${born[0].communeCode}`, { structure: 'TWO_TIER' as const, code: born[0].communeCode }]] as const) {
      for (const period of ['2025-06', '2025-09', '2026-10']) {
        const { start, end } = parsePeriod(period);
        const expected = countsOf(countResidency(all, area, start, end));
        expect({ id, period, ...(await population(id, period)) }).toMatchObject({ id, period, population: expected.population, newRegistrations: expected.newRegistrations, residencesEnded: expected.residencesEnded });
      }
    }
  });

  test('a move and a death: the population moves on the day and falls when a residence ends', async () => {
    const [mover, dead] = [before[20], before[21]];
    const destination = successorsOf(OLD.find((c) => c !== mover.communeCode && successorsOf(c)[0] !== successorsOf(mover.communeCode)[0])!)[0];
    const moved: Citizen = { ...mover, previousResidences: [{ communeCode: mover.communeCode, communeStructure: 'THREE_TIER', registeredOn: mover.registeredOn }], communeCode: destination, communeStructure: 'TWO_TIER', registeredOn: '2026-03-10' };
    const died: Citizen = { ...dead, residenceEndedOn: '2026-04-02', residenceEndReason: 'DIED' };
    const from = `TWO_TIER:${successorsOf(mover.communeCode)[0]}`;
    const ofDead = `THREE_TIER:${dead.communeCode}`;
    const read = async () => ({ from: await population(from, '2026-04'), to: await population(`TWO_TIER:${destination}`, '2026-04'), dead: await population(ofDead, '2026-04') });
    const was = await read();
    writeCsv(file('changes.csv'), COLUMNS, [moved, died].map(citizenCells));
    expect(await importFile({ config, definition: importDefinition('residency'), file: file('changes.csv') })).toMatchObject({ updated: 2 });
    const now = await read();
    expect(now.from.population).toBe(was.from.population - 1);
    expect(now.to.population).toBe(was.to.population + 1);
    expect(now.dead.population).toBe(was.dead.population - 1);
    expect(now.dead.residencesEnded).toBe(was.dead.residencesEnded + 1);
    // In March the mover was already gone from the first commune, registered in the second on the 10th.
    const march = await population(`TWO_TIER:${destination}`, '2026-03');
    const all = asFixture([...before.map((c) => (c.personalId === mover.personalId ? moved : c.personalId === dead.personalId ? died : c)), ...born]);
    expect(march).toMatchObject({ population: countResidency(all, { structure: 'TWO_TIER', code: destination }, '2026-03-01', '2026-03-31').population, newRegistrations: countResidency(all, { structure: 'TWO_TIER', code: destination }, '2026-03-01', '2026-03-31').newRegistrations });
  });

  test('a deletion file takes records entered by mistake away, and refuses an id that is not there, deleting nothing', async () => {
    const rows = await citizenRows();
    const commune = `THREE_TIER:${before[30].communeCode}`;
    const was = await population(commune, '2026-10');
    writeCsv(file('delete-bad.csv'), ['personal_id'], [{ personal_id: before[30].personalId }, { personal_id: '001099999999' }]);
    const refused = await importFile({ config, definition: importDefinition('residency'), file: file('delete-bad.csv'), delete: true }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImportRejected);
    expect((refused as ImportRejected).problems).toEqual([expect.objectContaining({ line: 3, column: 'personal_id', value: '001099999999', reason: 'no such record to delete in residency' })]);
    expect(await citizenRows()).toBe(rows);
    writeCsv(file('delete.csv'), ['personal_id'], [{ personal_id: before[30].personalId }]);
    expect(await importFile({ config, definition: importDefinition('residency'), file: file('delete.csv'), delete: true })).toMatchObject({ deleted: 1 });
    expect(await citizenRows()).toBe(rows - 1);
    expect((await population(commune, '2026-10')).population).toBe(was.population - 1);
  });

  test('data current through a day: no date after it, and later periods say they are not known yet', async () => {
    const late = { ...before[40], chipCardIssuedOn: '2026-08-01' };
    writeCsv(file('late.csv'), COLUMNS, [late].map(citizenCells));
    const refused = await importFile({ config, definition: importDefinition('residency'), file: file('late.csv'), dataThrough: '2026-07-31' }).catch((e: unknown) => e);
    expect((refused as ImportRejected).problems[0]).toMatchObject({ column: 'chip_card_issued_on', reason: expect.stringContaining('after 2026-07-31') });
    await expect(importFile({ config, definition: importDefinition('residency'), file: file('late.csv'), dataThrough: '2027-01-01' })).rejects.toThrow(/not after today \(2026-11-29\)/);
    // A province's file current through June 2026, in a fresh database of its own.
    const own = database.config('import-through');
    const other = await startGraph(own);
    try {
      writeCsv(file('through.csv'), COLUMNS, before.slice(50, 80).map(citizenCells));
      await importFile({ config: own, definition: importDefinition('residency'), file: file('through.csv'), dataThrough: '2026-06-30' });
      const res = await other.queryGateway(`{ province(code: "31") { june: stats(period: "2026-06") { residency { population complete deliveredThrough } }
        july: stats(period: "2026-07") { residency { population complete deliveredThrough } } } }`);
      expect(res.data.province.june.residency).toMatchObject({ complete: true, deliveredThrough: '2026-06-30' });
      expect(res.data.province.june.residency.population).toBeGreaterThan(0);
      expect(res.data.province.july.residency).toEqual({ population: null, complete: false, deliveredThrough: '2026-06-30' });
    } finally {
      await other.stop();
    }
  });
});
