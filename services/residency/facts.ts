/**
 * Residency facts (one row per citizen) and the figures they move. The figures are kept in
 * per-area summaries (lib/summary-store.ts), never counted from this table at query time.
 */
import type { Knex } from 'knex';
import { applyDeltas, createSummaryTables, rebuildYearTotals, type FigureDelta } from '../../lib/summary-store';
import { keysAsUniqueIndexes, type FactSpec } from '../../lib/fact-store';
import type { Sex } from '../../lib/personal-id';

export interface Citizen {
  personalId: string;
  fullName: string;
  birthDate: string;
  sex: Sex;
  communeCode: string;
  registeredOn: string;
  chipCardIssuedOn: string | null;
  eidLevel1On: string | null;
  eidLevel2On: string | null;
}

export const RESIDENCY_METRICS = ['population', 'chip_id_cards', 'eid_level1', 'eid_level2', 'eid_accounts', 'eligible_population'] as const;
export type ResidencyMetric = (typeof RESIDENCY_METRICS)[number];

export const residencySummary = { name: 'residency_summary', metrics: RESIDENCY_METRICS };

/** The day a person born on `birthDate` turns `years` (29 February births turn on 1 March). */
export function birthday(birthDate: string, years: number): string {
  // On the text, without a Date: an import computes this for every citizen (a million Dates
  // cost over a second). Someone born on 29 February has the birthday on 1 March in other years.
  const year = Number(birthDate.slice(0, 4)) + years;
  const monthDay = birthDate.slice(4);
  if (monthDay === '-02-29' && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return `${year}-03-01`;
  return `${year}${monthDay}`;
}

/** Chip ID cards and eID level 2 are for citizens aged 14 or more. */
export const ELIGIBLE_AGE = 14;

/** A citizen's contribution to the figures: each stock rises on the day it starts. */
export function citizenDeltas(c: Citizen): FigureDelta<ResidencyMetric>[] {
  // Built without intermediate arrays or sorts: an import calls this for every citizen.
  const out: FigureDelta<ResidencyMetric>[] = [];
  const commune = c.communeCode;
  add(out, commune, 'population', c.registeredOn, 1);
  // Counted from the later of registration and the 14th birthday (which may lie ahead).
  add(out, commune, 'eligible_population', later(c.registeredOn, birthday(c.birthDate, ELIGIBLE_AGE)), 1);
  add(out, commune, 'chip_id_cards', c.chipCardIssuedOn, 1);
  add(out, commune, 'eid_accounts', c.eidLevel1On && c.eidLevel2On ? earlier(c.eidLevel1On, c.eidLevel2On) : (c.eidLevel1On ?? c.eidLevel2On), 1);
  add(out, commune, 'eid_level2', c.eidLevel2On, 1);
  // Level 1 counts accounts at level 1 and not yet at level 2: it ends when level 2 starts.
  add(out, commune, 'eid_level1', c.eidLevel1On, 1);
  if (c.eidLevel1On) add(out, commune, 'eid_level1', c.eidLevel2On, -1);
  return out;
}

function add(out: FigureDelta<ResidencyMetric>[], communeCode: string, metric: ResidencyMetric, date: string | null, delta: number): void {
  if (date) out.push({ communeCode, date, metric, delta });
}
/** ISO dates compare as text. */
const later = (a: string, b: string) => (a > b ? a : b);
const earlier = (a: string, b: string) => (a < b ? a : b);

export const citizenFacts: FactSpec<Citizen, ResidencyMetric> = {
  table: 'citizens',
  key: 'personal_id',
  summary: residencySummary,
  idOf: (c) => c.personalId,
  toRow: (c) => ({
    personal_id: c.personalId,
    full_name: c.fullName,
    birth_date: c.birthDate,
    sex: c.sex,
    commune_code: c.communeCode,
    registered_on: c.registeredOn,
    chip_card_issued_on: c.chipCardIssuedOn,
    eid_level1_on: c.eidLevel1On,
    eid_level2_on: c.eidLevel2On,
  }),
  fromRow: (r) => ({
    personalId: String(r.personal_id),
    fullName: String(r.full_name),
    birthDate: String(r.birth_date),
    sex: r.sex as Sex,
    communeCode: String(r.commune_code),
    registeredOn: String(r.registered_on),
    chipCardIssuedOn: (r.chip_card_issued_on as string | null) ?? null,
    eidLevel1On: (r.eid_level1_on as string | null) ?? null,
    eidLevel2On: (r.eid_level2_on as string | null) ?? null,
  }),
  deltasOf: citizenDeltas,
};

export const residencyMigrations: Record<string, Knex.Migration> = {
  '001_citizens_and_summaries': {
    async up(db) {
      await db.schema.createTable('citizens', (t) => {
        t.string('personal_id', 12).primary();
        t.string('full_name', 200).notNullable();
        // Dates are ISO strings: identical on SQLite and MySQL, and free of time zones.
        t.string('birth_date', 10).notNullable();
        t.string('sex', 1).notNullable();
        t.string('commune_code', 5).notNullable();
        t.string('registered_on', 10).notNullable();
        t.string('chip_card_issued_on', 10).nullable();
        t.string('eid_level1_on', 10).nullable();
        t.string('eid_level2_on', 10).nullable();
        t.index(['commune_code', 'personal_id']);
      });
      // The figures as they were at this migration; later ones add theirs.
      await createSummaryTables(db, { name: residencySummary.name, metrics: ['population', 'chip_id_cards', 'eid_level1', 'eid_level2', 'eid_accounts'] });
    },
    async down(db) {
      await db.schema.dropTable('citizens');
      await db.schema.dropTable('residency_summary_delta');
      await db.schema.dropTable('residency_summary_year');
    },
  },
  '002_eligible_population': {
    async up(db) {
      for (const table of ['residency_summary_delta', 'residency_summary_year']) {
        await db.schema.alterTable(table, (t) => t.bigInteger('eligible_population').notNullable().defaultTo(0));
      }
      // Backfill the new figure from the citizens already stored, a batch at a time.
      let after = '';
      for (;;) {
        const rows = await db('citizens').where('personal_id', '>', after).orderBy('personal_id').limit(20_000);
        if (rows.length === 0) break;
        const deltas = rows.map(citizenFacts.fromRow).flatMap(citizenDeltas).filter((d) => d.metric === 'eligible_population');
        await applyDeltas(db as Knex.Transaction, residencySummary, deltas, { deferYearTotals: true });
        after = rows[rows.length - 1].personal_id;
      }
      await rebuildYearTotals(db, residencySummary);
    },
    async down(db) {
      for (const table of ['residency_summary_delta', 'residency_summary_year']) {
        await db.schema.alterTable(table, (t) => t.dropColumn('eligible_population'));
      }
    },
  },
  // SQLite: the key becomes a unique index an import into an empty table can drop (lib/fact-store.ts).
  '003_key_as_unique_index': keysAsUniqueIndexes('citizens'),
};
