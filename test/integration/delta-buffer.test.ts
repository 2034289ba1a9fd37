/**
 * The summary buffer of bulk loads (DeltaBuffer) against brute force, on real databases: with a
 * buffer so small that it writes itself out every few hundred rows, inserts and then updates
 * through upsertFacts still leave every figure equal to a count over the stored facts.
 */
import seedrandom from 'seedrandom';
import { dropAllTables, migrate, openDb, type Db } from '../../lib/db';
import { upsertFacts } from '../../lib/fact-store';
import { parsePeriod } from '../../lib/periods';
import { DeltaBuffer, readFigures } from '../../lib/summaries';
import { areaByCode } from '../../lib/areas';
import { citizenFacts, residencyMigrations, residencySummary, type Citizen } from '../../services/residency/facts';
import { countResidency, fixtureCommunes, makeFixture, type Fixture } from '../helpers/fixture';
import type { AreaRef } from '../helpers/reference';
import { residencyReading as expectedShape } from '../helpers/readings';
import { testDatabases } from '../helpers/graph';

describe.each(testDatabases())('the summary buffer on $label', (database) => {
  let db: Db;
  const rng = seedrandom.alea('delta-buffer');
  const citizens = makeFixture('delta-buffer', 8).citizens;

  beforeAll(async () => {
    db = await openDb(database.config('buffer'), 'residency');
    await dropAllTables(db);
    await migrate(db, residencyMigrations, 'residency_migrations');
  });
  afterAll(() => db?.destroy());

  /** Writes facts in batches of 100 through one buffer of the smallest size, as an import does. */
  async function load(facts: Citizen[], allNew: boolean) {
    let flushes = 0;
    await db.transaction(async (trx) => {
      // Into empty summaries the first flush inserts (as an import's does); every later one must add.
      const buffer = new DeltaBuffer(trx, residencySummary, { maxBytes: 1, summariesEmpty: allNew });
      const flush = buffer.flush.bind(buffer);
      buffer.flush = async () => {
        flushes++;
        await flush();
      };
      for (let i = 0; i < facts.length; i += 100) await upsertFacts(trx, citizenFacts, facts.slice(i, i + 100), { allNew, summaries: buffer });
      await buffer.finish({ deliveredThrough: '2026-11-29' });
    });
    return flushes;
  }

  async function expectMatchesBruteForce() {
    const stored = (await db('citizens')).map(citizenFacts.fromRow);
    const fixture = { citizens: stored, parcels: [] } as unknown as Fixture;
    const areas: AreaRef[] = [...['VN', '30', '01', '288', '290', '001', ...fixtureCommunes().slice(0, 10)].map((code) => ({ structure: 'THREE_TIER' as const, code })),
      ...['31', '01', '10525', '10532', '10507'].map((code) => ({ structure: 'TWO_TIER' as const, code }))];
    const periods = ['2023', '2024-Q1', '2024-02', '2024-02-29', '2025-06-30', '2019', '2025', '2026-10'];
    const keys = areas.flatMap((area) => periods.map((p) => ({ area, areaKey: areaByCode(area.code, area.structure)!.key, period: parsePeriod(p) })));
    const readings = await readFigures(db, residencySummary, keys);
    const got = keys.map((k, i) => ({ key: `${k.area.structure}:${k.area.code} ${k.period.label}`, ...expectedShape(readings[i]) }));
    const expected = keys.map((k) => ({ key: `${k.area.structure}:${k.area.code} ${k.period.label}`, ...countResidency(fixture, k.area, k.period.start, k.period.end) }));
    expect(got).toEqual(expected.map(({ delivered: _d, ...e }) => e));
  }

  test('a load that fills the buffer many times gives the figures the facts imply', async () => {
    expect(await load(citizens, true)).toBeGreaterThan(10);
    await expectMatchesBruteForce();
  });

  test('updates through the buffer (dates moved, cleared and set; citizens moved) move the figures exactly', async () => {
    const communes = fixtureCommunes();
    const day = () => `202${Math.floor(rng() * 5)}-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 9)}`;
    const changed = citizens.map((c) => {
      const r = rng();
      if (r < 0.2) return { ...c, communeCode: communes[Math.floor(rng() * communes.length)], communeStructure: 'THREE_TIER' as const, registeredOn: c.registeredOn < '2025-07-01' ? c.registeredOn : '2025-06-30' };
      if (r < 0.4) return { ...c, chipCardIssuedOn: rng() < 0.3 ? null : day() };
      if (r < 0.5) return { ...c, eidLevel1On: null, eidLevel2On: c.eidLevel2On ?? day() };
      return c;
    });
    await load(changed, false);
    await expectMatchesBruteForce();
  });
});
