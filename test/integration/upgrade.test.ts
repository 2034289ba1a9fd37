/**
 * Upgrading a running deployment: databases made before the reform (its facts all with
 * three-tier codes, its summaries of one structure) are migrated in place, without a re-import,
 * and then answer in both structures exactly what their facts imply.
 */
import type { Knex } from 'knex';
import { areaByCode } from '../../lib/areas';
import { dropAllTables, migrate, openDb, type Db } from '../../lib/db';
import { deliveryDates, readFigures } from '../../lib/summaries';
import { parsePeriod } from '../../lib/periods';
import { residencyMigrations, residencySummary } from '../../services/residency/facts';
import { landMigrations, landSummary } from '../../services/land/facts';
import { healthMigrations, healthSummary } from '../../services/health/facts';
import { countHealth, countLand, countResidency, makeFixture, type AreaName } from '../helpers/fixture';
import { testDatabases } from '../helpers/graph';
import { residencyReading } from '../helpers/readings';

const fixture = makeFixture('upgrade', 6);
// What a pre-reform deployment held: three-tier codes, one residence per citizen.
const citizens = fixture.citizens.filter((c) => c.communeStructure === 'THREE_TIER' && c.previousResidences.length === 0 && !c.residenceEndedOn && c.registeredOn < '2025-07-01');
const parcels = fixture.parcels.filter((p) => p.communeStructure === 'THREE_TIER');
const books = fixture.healthRecords.filter((r) => r.communeStructure === 'THREE_TIER');
const facts = { citizens, parcels, civilRecords: [], requests: [], healthRecords: books };

/** The migrations a database had before the reform's (its name sorts after them all). */
const before = (migrations: Record<string, Knex.Migration>, reform: string) => Object.fromEntries(Object.entries(migrations).filter(([name]) => name < reform));

const AREAS: AreaName[] = ['VN', '30', '288', '10528', { structure: 'TWO_TIER', code: '31' }, { structure: 'TWO_TIER', code: '10532' }, { structure: 'TWO_TIER', code: '10537' }, { structure: 'TWO_TIER', code: '10507' }];
const keyOf = (a: AreaName) => (typeof a === 'string' ? areaByCode(a, 'THREE_TIER')! : areaByCode(a.code, a.structure)!).key;

describe.each(testDatabases())('an existing database upgraded in place on $label', (database) => {
  const config = database.config('upgrade');
  const dbs: Record<string, Db> = {};

  beforeAll(async () => {
    for (const [domain, migrations, reform, table] of [
      ['residency', residencyMigrations, '004', 'residency_migrations'],
      ['land', landMigrations, '003', 'land_migrations'],
      ['health', healthMigrations, '003', 'health_migrations'],
    ] as const) {
      const db = (dbs[domain] = await openDb(config, domain));
      await dropAllTables(db);
      await migrate(db, before(migrations, reform), table);
    }
    // Rows as those schemas had them.
    await dbs.residency.batchInsert('citizens', citizens.map((c) => ({
      personal_id: c.personalId, full_name: c.fullName, birth_date: c.birthDate, sex: c.sex, commune_code: c.communeCode, registered_on: c.registeredOn,
      chip_card_issued_on: c.chipCardIssuedOn, eid_level1_on: c.eidLevel1On, eid_level2_on: c.eidLevel2On,
    })), 100);
    await dbs.land.batchInsert('parcels', parcels.map((p) => ({ parcel_id: p.parcelId, commune_code: p.communeCode, area_m2: p.areaM2, land_use: p.landUse, owner_personal_id: p.ownerPersonalId, digitized_on: p.digitizedOn })), 100);
    await dbs.health.batchInsert('e_health_records', books.map((r) => ({ record_id: r.recordId, personal_id: r.personalId, commune_code: r.communeCode, created_on: r.createdOn, integrated_on: r.integratedOn })), 100);
    // The upgrade: the same migrations the services run when they start.
    await migrate(dbs.residency, residencyMigrations, 'residency_migrations');
    await migrate(dbs.land, landMigrations, 'land_migrations');
    await migrate(dbs.health, healthMigrations, 'health_migrations');
  });
  afterAll(async () => {
    for (const db of Object.values(dbs)) await db.destroy();
  });

  test.each(['2024-06', '2025-Q2', '2026-10'])('figures of both structures equal the counts over the facts in %s', async (label) => {
    const period = parsePeriod(label);
    const keys = AREAS.map((a) => ({ areaKey: keyOf(a), period }));
    const residency = await readFigures(dbs.residency, residencySummary, keys);
    const land = await readFigures(dbs.land, landSummary, keys);
    const health = await readFigures(dbs.health, healthSummary, keys);
    AREAS.forEach((area, i) => {
      const { delivered: _r, ...r } = countResidency(facts as never, area, period.start, period.end);
      expect({ area, ...residencyReading(residency[i]) }).toEqual({ area, ...r });
      const l = countLand(facts as never, area, period.start, period.end);
      expect({ area, parcels: land[i].stock.parcels, digitized: land[i].stock.digitized_parcels, estimated: (land[i].stock as Record<string, number>).placed_by_rule > 0 }).toEqual({ area, parcels: l.parcels, digitized: l.digitizedParcels, estimated: l.estimated });
      const h = countHealth(facts as never, area, period.start, period.end);
      expect({ area, books: health[i].stock.e_health_records, integrated: health[i].stock.integrated }).toEqual({ area, books: h.eHealthRecords, integrated: h.integratedIntoVneid });
    });
  });

  test('existing facts are recorded as three-tier, and their units as delivered through the latest date they mention', async () => {
    expect(await dbs.land('parcels').distinct('commune_structure')).toEqual([{ commune_structure: 'THREE_TIER' }]);
    const latest = [...citizens.flatMap((c) => [c.registeredOn, c.chipCardIssuedOn, c.eidLevel1On, c.eidLevel2On])].filter((d): d is string => d !== null).sort().at(-1);
    const dates = await deliveryDates(dbs.residency, residencySummary);
    expect(dates.get('VN')).toBe(latest);
    expect(dates.get('n31')).toBe(latest);
  });
});
