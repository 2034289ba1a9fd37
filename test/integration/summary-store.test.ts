/**
 * The summaries against brute force, on real databases: after random inserts and updates,
 * every (area, period) figure read from the summaries equals a count over the stored facts.
 */
import seedrandom from 'seedrandom';
import { dropAllTables, migrate, openDb, type Db } from '../../lib/db';
import { upsertFacts } from '../../lib/fact-store';
import { parsePeriod } from '../../lib/periods';
import { bulkUpsert } from '../../lib/bulk';
import { columnsOf, dayBasis, deltaTable, FIRST_DAY_BUCKET, PLACED_BY_RULE, readFigures, rebuildMonthTotals } from '../../lib/summaries';
import { OWN_DAYS_FROM } from '../../lib/summaries/day-basis';
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

  /** Each key's reading and its count over the stored facts, side by side. */
  async function readingsAndCounts() {
    const stored = (await db('citizens')).map(citizenFacts.fromRow);
    const areas = [...['VN', '30', '01', '288', '290', '001', ...fixtureCommunes().slice(0, 12)].map((code) => ({ structure: 'THREE_TIER' as const, code })),
      ...['31', '01', '10525', '10532', '10537', '10507', '00004'].map((code) => ({ structure: 'TWO_TIER' as const, code }))];
    const keys = Array.from({ length: 200 }, () => {
      const area = areas[Math.floor(rng() * areas.length)];
      return { area, areaKey: areaByCode(area.code, area.structure)!.key, period: parsePeriod(randomPeriod()) };
    });
    const readings = await readFigures(db, residencySummary, keys);
    return keys.map((k, i) => {
      const { delivered: _d, ...expected } = countResidency({ citizens: stored, parcels: [], civilRecords: [], requests: [], healthRecords: [] }, k.area, k.period.start, k.period.end);
      const key = `${k.area.structure}:${k.area.code} ${k.period.label}`;
      return { read: { key, ...residencyReading(readings[i]) }, counted: { key, ...expected } };
    });
  }

  async function expectMatchesBruteForce() {
    for (const { read, counted } of await readingsAndCounts()) expect(read).toEqual(counted);
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

  test('districts and new communes of whole old communes read their days before the reform from those communes, and a database written before that is migrated in place', async () => {
    const { basisKeysOf } = dayBasis();
    // The brute-force keys include such units: Thành phố Hải Dương (288), Phường Hải Dương (n10525).
    expect(basisKeysOf.get(areaByCode('288', 'THREE_TIER')!.key)).toHaveLength(24);
    expect(basisKeysOf.get(areaByCode('10525', 'TWO_TIER')!.key)).toEqual(['10513', '10514', '10516', '10525']);
    // Their own day rows before the reform hold placed_by_rule alone; from the reform on, every figure.
    const derived = [...basisKeysOf.keys()];
    const table = deltaTable(residencySummary);
    const daysBefore = () => db(table).whereIn('area_code', derived).where('bucket', '>=', FIRST_DAY_BUCKET).where('bucket', '<', OWN_DAYS_FROM);
    const ownDays = await daysBefore();
    expect(ownDays.length).toBeGreaterThan(0);
    for (const row of ownDays) for (const c of columnsOf(residencySummary)) if (c !== PLACED_BY_RULE) expect({ area: row.area_code, [c]: Number(row[c]) }).toEqual({ area: row.area_code, [c]: 0 });
    expect(Number((await db(table).whereIn('area_code', derived).where('bucket', '>=', OWN_DAYS_FROM).sum({ n: 'registrations' }))[0].n)).toBeGreaterThan(0);
    // What the code before wrote: every figure of the basis units' days in the unit's own day rows too
    // (from the reform on, as it still does).
    const columns = columnsOf(residencySummary).filter((c) => c !== PLACED_BY_RULE);
    const oldStyle: Record<string, string | number>[] = [];
    for (const [unit, basis] of basisKeysOf) {
      const days = new Map<number, Record<string, string | number>>();
      for (const row of await db(table).whereIn('area_code', basis).where('bucket', '>=', FIRST_DAY_BUCKET).where('bucket', '<', OWN_DAYS_FROM)) {
        const sum: Record<string, string | number> = days.get(row.bucket) ?? { area_code: unit, bucket: row.bucket, ...Object.fromEntries(columns.map((c) => [c, 0])), [PLACED_BY_RULE]: 0 };
        for (const c of columns) sum[c] = Number(sum[c]) + Number(row[c]);
        days.set(row.bucket, sum);
      }
      oldStyle.push(...days.values());
    }
    expect(oldStyle.length).toBeGreaterThan(100);
    await db.transaction((trx) => bulkUpsert(trx, { table, key: ['area_code', 'bucket'], columns: ['area_code', 'bucket', ...columns, PLACED_BY_RULE], onConflict: 'add' }, oldStyle));
    await db('residency_migrations').where('name', '900_days_from_basis_units').delete();
    // Read as they are, those rows count the basis units' days twice ...
    expect((await readingsAndCounts()).filter(({ read, counted }) => JSON.stringify(read) !== JSON.stringify(counted)).length).toBeGreaterThan(0);
    // ... and the migration the services run when they start puts them right.
    await migrate(db, residencyMigrations, 'residency_migrations');
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
