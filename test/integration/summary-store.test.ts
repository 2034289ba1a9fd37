/**
 * The summaries against brute force, on real databases: after random inserts and updates,
 * every (area, period) figure read from the summaries equals a count over the stored facts.
 */
import seedrandom from 'seedrandom';
import { dropAllTables, migrate, openDb, type Db } from '../../lib/db';
import { upsertFacts } from '../../lib/fact-store';
import { parsePeriod } from '../../lib/periods';
import { readFigures, rebuildYearTotals } from '../../lib/summaries';
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
    const areas = ['VN', '30', '01', '288', '290', '001', ...fixtureCommunes().slice(0, 12)];
    const keys = Array.from({ length: 150 }, () => ({ areaCode: areas[Math.floor(rng() * areas.length)], period: parsePeriod(randomPeriod()) }));
    const readings = await readFigures(db, residencySummary, keys);
    keys.forEach((k, i) => {
      const expected = countResidency({ citizens: stored, parcels: [], civilRecords: [], requests: [], healthRecords: [] }, k.areaCode, k.period.start, k.period.end);
      const got = readings[i];
      expect({ key: `${k.areaCode} ${k.period.label}`, population: got.stock.population, chip: got.stock.chip_id_cards, eid1: got.stock.eid_level1, eid2: got.stock.eid_level2, issued: got.flow.chip_id_cards, activated: got.flow.eid_accounts }).toEqual({
        key: `${k.areaCode} ${k.period.label}`,
        population: expected.population,
        chip: expected.chipIdCards,
        eid1: expected.eidLevel1,
        eid2: expected.eidLevel2,
        issued: expected.chipIdCardsIssued,
        activated: expected.eidAccountsActivated,
      });
    });
  }

  test('figures equal counts over the facts after the initial load', async () => {
    await expectMatchesBruteForce();
  });

  test('figures follow updates: dates moved, cleared and set, citizens moved between communes', async () => {
    const communes = fixtureCommunes();
    const changed = citizens.filter(() => rng() < 0.3).map((c) => ({
      ...c,
      communeCode: rng() < 0.3 ? communes[Math.floor(rng() * communes.length)] : c.communeCode,
      chipCardIssuedOn: rng() < 0.3 ? null : randomDate(),
      registeredOn: rng() < 0.5 ? randomDate() : c.registeredOn,
    }));
    await db.transaction((trx) => upsertFacts(trx, citizenFacts, changed));
    await expectMatchesBruteForce();
    // The same write again changes nothing.
    const again = await db.transaction((trx) => upsertFacts(trx, citizenFacts, changed));
    expect(again).toEqual({ inserted: 0, updated: 0, unchanged: changed.length });
  });

  test('a full rebuild of the year totals gives the same answers as the incremental ones', async () => {
    await db.transaction((trx) => rebuildYearTotals(trx, residencySummary));
    await expectMatchesBruteForce();
  });

  test('reading 2,000 keys is one SQL statement', async () => {
    let statements = 0;
    const count = () => statements++;
    db.on('query', count);
    const keys = Array.from({ length: 2000 }, (_, i) => ({ areaCode: fixtureCommunes()[i % 20], period: parsePeriod(randomPeriod()) }));
    const readings = await readFigures(db, residencySummary, keys);
    db.off('query', count);
    expect(readings).toHaveLength(2000);
    expect(statements).toBe(1);
  });
});
