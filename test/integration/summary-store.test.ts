/**
 * The summaries against brute force, on real databases: after random inserts and updates,
 * every (area, period) figure read from the summaries equals a count over the stored facts.
 */
import seedrandom from 'seedrandom';
import { dropAllTables, migrate, openDb, type Db } from '../../lib/db';
import { upsertFacts } from '../../lib/fact-store';
import { parsePeriod } from '../../lib/periods';
import { readFigures, rebuildMonthTotals } from '../../lib/summaries';
import { areaByCode } from '../../lib/areas';
import { residencyReading } from '../helpers/readings';
import { citizenFacts, residencyMigrations, residencySummary, type Citizen } from '../../services/residency/facts';
import { countResidency, fixtureCommunes, makeFixture } from '../helpers/fixture';
import { testDatabases } from '../helpers/graph';

describe.each(testDatabases())('summary store on $label', (database) => {
  let db: Db;
  let citizens: Citizen[];
  const rng = seedrandom.alea('summary-store');

  beforeAll(async () => {
    db = await openDb(database.config('summary'), 'residency');
    await dropAllTables(db);
    await migrate(db, residencyMigrations, 'residency_migrations');
    citizens = makeFixture('summary', 6).citizens;
    await db.transaction((trx) => upsertFacts(trx, citizenFacts, citizens));
  });
  afterAll(() => db?.destroy());

  const randomDate = () => new Date(Date.UTC(2019 + Math.floor(rng() * 7), Math.floor(rng() * 12), 1 + Math.floor(rng() * 28))).toISOString().slice(0, 10);
  const randomPeriod = () => {
    const d = randomDate();
    return [d.slice(0, 4), `${d.slice(0, 4)}-Q${1 + Math.floor(rng() * 4)}`, d.slice(0, 7), d][Math.floor(rng() * 4)];
  };

  async function expectMatchesBruteForce() {
    const stored = (await db('citizens')).map(citizenFacts.fromRow);
    const areas = [...['VN', '30', '01', '288', '290', '001', ...fixtureCommunes().slice(0, 12)].map((code) => ({ structure: 'THREE_TIER' as const, code })),
      ...['31', '01', '10525', '10532', '10537', '10507', '00004'].map((code) => ({ structure: 'TWO_TIER' as const, code }))];
    const keys = Array.from({ length: 200 }, () => {
      const area = areas[Math.floor(rng() * areas.length)];
      return { area, areaKey: areaByCode(area.code, area.structure)!.key, period: parsePeriod(randomPeriod()) };
    });
    const readings = await readFigures(db, residencySummary, keys);
    keys.forEach((k, i) => {
      const { delivered: _d, ...expected } = countResidency({ citizens: stored, parcels: [], civilRecords: [], requests: [], healthRecords: [] }, k.area, k.period.start, k.period.end);
      const key = `${k.area.structure}:${k.area.code} ${k.period.label}`;
      expect({ key, ...residencyReading(readings[i]) }).toEqual({ key, ...expected });
    });
  }

  test('figures equal counts over the facts after the initial load', async () => {
    await expectMatchesBruteForce();
  });

  test('figures follow updates: dates moved, cleared and set, citizens moved between communes', async () => {
    const communes = fixtureCommunes();
    // Dates of 2019-2025: a three-tier commune may locate a residence until the reform.
    const before = (d: string) => (d < '2025-07-01' ? d : '2025-06-30');
    const changed = citizens.filter(() => rng() < 0.3).map((c) => {
      const moved = rng() < 0.3;
      const registeredOn = rng() < 0.5 ? before(randomDate()) : c.registeredOn;
      return {
        ...c,
        ...(moved ? { communeCode: communes[Math.floor(rng() * communes.length)], communeStructure: 'THREE_TIER' as const, registeredOn: before(registeredOn), previousResidences: [] } : { registeredOn: c.previousResidences.length ? c.registeredOn : registeredOn }),
        chipCardIssuedOn: rng() < 0.3 ? null : randomDate(),
      };
    });
    await db.transaction((trx) => upsertFacts(trx, citizenFacts, changed));
    await expectMatchesBruteForce();
    // The same write again changes nothing.
    const again = await db.transaction((trx) => upsertFacts(trx, citizenFacts, changed));
    expect(again).toEqual({ inserted: 0, updated: 0, unchanged: changed.length });
  });

  test('a full rebuild of the month totals gives the same answers as the incremental ones', async () => {
    await db.transaction((trx) => rebuildMonthTotals(trx, residencySummary));
    await expectMatchesBruteForce();
  });

  test('reading 2,000 keys is one SQL statement', async () => {
    let statements = 0;
    const count = () => statements++;
    db.on('query', count);
    const keys = Array.from({ length: 2000 }, (_, i) => ({ areaKey: fixtureCommunes()[i % 20], period: parsePeriod(randomPeriod()) }));
    const readings = await readFigures(db, residencySummary, keys);
    db.off('query', count);
    expect(readings).toHaveLength(2000);
    expect(statements).toBe(1);
  });
});
