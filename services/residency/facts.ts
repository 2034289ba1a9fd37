/**
 * Residency facts (one row per citizen, with the history of their permanent residence) and the
 * figures they move. The figures are kept in per-unit summaries (lib/summaries), never counted
 * from this table at query time.
 *
 * A citizen counts where they live: in each residence from the day it was registered until the
 * day the next one was (a move) or until it ended (a death, emigration or deregistration), so a
 * commune's population rises and falls. Every stock the citizen holds (a chip ID card, an eID
 * account) moves with them; the flows are events counted where the citizen lived that day.
 */
import { placeOf, type AreaStructure, type Placement } from '../../lib/areas';
import { defineFacts, field, type FactOf } from '../../lib/fact-kit';
import { keysAsUniqueIndexes, ruleDelta } from '../../lib/fact-store';
import { locationProblem, notBefore } from '../../lib/import/columns';
import { personalIdProblem } from '../../lib/personal-id';
import { twoStructuresMigration } from '../../lib/reform-migration';
import { createSummaryTables, monthTotalsMigration, type FigureDelta } from '../../lib/summaries';
import { previousResidencesField, type Residence, type ResidenceCell } from './residences';

export const RESIDENCE_END_REASONS = ['DIED', 'EMIGRATED', 'DEREGISTERED'] as const;
export type ResidenceEndReason = (typeof RESIDENCE_END_REASONS)[number];

/**
 * A citizen, declared once (lib/fact-kit.ts): from these fields follow the type, the citizens
 * table's row and the import file's columns (`personal_id, full_name, birth_date, sex,
 * commune_code, commune_structure, registered_on, previous_residences, residence_ended_on,
 * residence_end_reason, chip_card_issued_on, eid_level1_on, eid_level2_on`). The
 * commune is that of the latest residence.
 */
const fields = {
  personalId: field.personalId(),
  fullName: field.text(200),
  birthDate: field.date(),
  sex: field.oneOf(['M', 'F'] as const),
  /** The day the latest residence was registered. */
  registeredOn: field.date(),
  /** Earlier residences, oldest first: each ended the day the next was registered. */
  previousResidences: previousResidencesField(),
  /** The day the latest residence ended without another (death, emigration, deregistration); null while it lasts. */
  residenceEndedOn: field.absentOk(field.date()),
  residenceEndReason: field.absentOk(field.oneOf(RESIDENCE_END_REASONS)),
  chipCardIssuedOn: field.optional(field.date()),
  eidLevel1On: field.optional(field.date()),
  eidLevel2On: field.optional(field.date()),
};

export type Citizen = FactOf<typeof fields>;

/** Stocks (as of a day) first, then events (counted on the day they happen). */
export const RESIDENCY_METRICS = [
  'population', 'chip_id_cards', 'eid_level1', 'eid_level2', 'eid_accounts', 'eligible_population',
  'registrations', 'departures', 'chip_cards_issued', 'eid_accounts_activated', 'eid_level2_activated',
] as const;
export type ResidencyMetric = (typeof RESIDENCY_METRICS)[number];
/** The figures the reform's migration added (events, now that citizens move and die). */
const EVENT_METRICS: readonly ResidencyMetric[] = ['registrations', 'departures', 'chip_cards_issued', 'eid_accounts_activated', 'eid_level2_activated'];

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

/** Where a citizen's residence counts: by people where the crosswalk splits a commune (hashed on the personal ID). */
const residencePlacement = (r: Residence, personalId: string): Placement => placeOf(r.communeCode, r.communeStructure, personalId, 'people');
/** Where a citizen lives (or last lived). */
export const citizenPlacement = (c: Citizen): Placement => placeOf(c.communeCode, c.communeStructure, c.personalId, 'people');

/** ISO dates compare as text; null is "never". */
const earliest = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a < b ? a : b);

/**
 * A citizen's contribution to the figures. Each stock holds over [start, end) where it overlaps a
 * residence: +1 in that residence's cell where the overlap begins, -1 where it ends. Each event
 * counts in the residence that held on its day (the first one for an event before any
 * registration, the last one for an event after the last ended).
 */
export function citizenDeltas(c: Citizen): FigureDelta<ResidencyMetric>[] {
  // Built without closures over arrays or sorts: an import calls this for every citizen.
  const out: FigureDelta<ResidencyMetric>[] = [];
  const residences = c.previousResidences.length ? [...c.previousResidences, c] : [c];
  const eligibleFrom = birthday(c.birthDate, ELIGIBLE_AGE);
  const account = earliest(c.eidLevel1On, c.eidLevel2On);
  for (let i = 0; i < residences.length; i++) {
    const r = residences[i];
    const placement = residencePlacement(r, c.personalId);
    const place = placement.cell;
    const from = r.registeredOn;
    const to = i + 1 < residences.length ? residences[i + 1].registeredOn : c.residenceEndedOn;
    if (to !== null && to <= from) continue;
    span(out, place, 'population', from, from, to, null);
    span(out, place, 'eligible_population', from, eligibleFrom, to, null);
    span(out, place, 'chip_id_cards', from, c.chipCardIssuedOn, to, null);
    span(out, place, 'eid_accounts', from, account, to, null);
    span(out, place, 'eid_level2', from, c.eidLevel2On, to, null);
    span(out, place, 'eid_level1', from, c.eidLevel1On, to, c.eidLevel2On);
    out.push({ place, date: from, metric: 'registrations', delta: 1 });
    if (to !== null) out.push({ place, date: to, metric: 'departures', delta: 1 });
    const first = i === 0;
    const last = i === residences.length - 1;
    event(out, place, 'chip_cards_issued', c.chipCardIssuedOn, from, to, first, last);
    event(out, place, 'eid_accounts_activated', account, from, to, first, last);
    event(out, place, 'eid_level2_activated', c.eidLevel2On, from, to, first, last);
    ruleDelta(out, placement, from);
  }
  return out;
}

/** A stock held from `start` until `end` (null: never ends), within the residence [from, to). */
function span(out: FigureDelta<ResidencyMetric>[], place: number, metric: ResidencyMetric, from: string, start: string | null, to: string | null, end: string | null): void {
  if (start === null) return;
  const s = start > from ? start : from;
  const e = to === null ? end : end === null ? to : end < to ? end : to;
  if (e !== null && e <= s) return;
  out.push({ place, date: s, metric, delta: 1 });
  if (e !== null) out.push({ place, date: e, metric, delta: -1 });
}

/** An event on `day`, counted in this residence when it held that day (or it is the first or last). */
function event(out: FigureDelta<ResidencyMetric>[], place: number, metric: ResidencyMetric, day: string | null, from: string, to: string | null, first: boolean, last: boolean): void {
  if (day === null) return;
  if ((day >= from || first) && (to === null || day < to || last)) out.push({ place, date: day, metric, delta: 1 });
}

/** A file's row, as the import checks it across columns (the cells are valid one by one). */
function checkCitizenRow(row: Record<string, any>, fail: (column: string, reason: string) => void): void {
  const idProblem = personalIdProblem(row.personal_id, row.birth_date, row.sex);
  if (idProblem) fail('personal_id', `${idProblem} (birth_date ${row.birth_date}, sex ${row.sex})`);
  for (const c of ['registered_on', 'chip_card_issued_on', 'eid_level1_on', 'eid_level2_on'] as const) notBefore(row, fail, c, 'birth_date');
  // Level 2 is reached through level 1 or directly; both the same day when issued together.
  notBefore(row, fail, 'eid_level2_on', 'eid_level1_on');
  // The residence ends after it began, and says why.
  if (row.residence_ended_on !== null && row.residence_ended_on <= row.registered_on) fail('residence_ended_on', `must be after registered_on ${row.registered_on}`);
  if ((row.residence_ended_on === null) !== (row.residence_end_reason === null)) {
    fail('residence_end_reason', row.residence_ended_on === null ? 'given without residence_ended_on' : 'required when residence_ended_on is given (DIED, EMIGRATED or DEREGISTERED)');
  }
  // Earlier residences: in order, after birth, before the current one, each a commune of its structure then.
  let previous = row.birth_date;
  for (const r of (row.previous_residences ?? []) as ResidenceCell[]) {
    r.communeStructure ??= row.commune_structure as AreaStructure;
    const problem = locationProblem(r.communeCode, r.communeStructure, r.registeredOn);
    if (problem) fail('previous_residences', `"${r.communeCode} ${r.registeredOn}": ${problem}`);
    else if (r.registeredOn < previous) fail('previous_residences', `"${r.communeCode} ${r.registeredOn}": residences must be oldest first, after birth_date`);
    else if (r.registeredOn >= row.registered_on) fail('previous_residences', `"${r.communeCode} ${r.registeredOn}": an earlier residence must begin before registered_on ${row.registered_on}`);
    previous = r.registeredOn;
  }
}

const residency = defineFacts({
  domain: 'residency',
  table: 'citizens',
  fields,
  // The file's layout from before the kit: the commune after the sex.
  communeColumnsAfter: 'sex',
  id: 'personalId',
  locatedOn: 'registeredOn',
  metrics: RESIDENCY_METRICS,
  // Every count of people is protected; eid_accounts is published as the sum of the two levels' protected counts.
  protectedMetrics: RESIDENCY_METRICS.filter((m) => m !== 'eid_accounts'),
  // A citizen goes where the crosswalk's rule sends people, hashed on the personal ID.
  placedBy: 'people',
  placementKey: 'personalId',
  // A citizen moves figures in each residence they had (citizenDeltas).
  deltasOf: (c) => citizenDeltas(c),
  checkRow: checkCitizenRow,
  history: ({ spec, summary }) => ({
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
        await createSummaryTables(db, { name: summary.name, metrics: ['population', 'chip_id_cards', 'eid_level1', 'eid_level2', 'eid_accounts'] });
      },
      async down(db) {
        await db.schema.dropTable('citizens');
        await db.schema.dropTable('residency_summary_delta');
        await db.schema.dropTable('residency_summary_year');
      },
    },
    // Its backfill of the new figure is done by 004, which recomputes every summary from the facts.
    '002_eligible_population': {
      async up(db) {
        for (const table of ['residency_summary_delta', 'residency_summary_year']) {
          await db.schema.alterTable(table, (t) => t.bigInteger('eligible_population').notNullable().defaultTo(0));
        }
      },
      async down(db) {
        for (const table of ['residency_summary_delta', 'residency_summary_year']) {
          await db.schema.alterTable(table, (t) => t.dropColumn('eligible_population'));
        }
      },
    },
    // SQLite: the key becomes a unique index an import into an empty table can drop (lib/fact-store.ts).
    '003_key_as_unique_index': keysAsUniqueIndexes('citizens'),
    '004_two_structures_and_residence_history': twoStructuresMigration(spec, {
      newMetrics: EVENT_METRICS,
      async alterFacts(db) {
        await db.schema.alterTable('citizens', (t) => {
          t.text('previous_residences').nullable();
          t.string('residence_ended_on', 10).nullable();
          t.string('residence_end_reason', 12).nullable();
        });
      },
    }),
    // Month-end running totals replace the year-end ones (lib/summaries/month-totals.ts).
    '005_month_totals': monthTotalsMigration(summary),
  }),
});

export const citizenFacts = residency.spec;
export const residencySummary = residency.summary;
export const residencyMigrations = residency.migrations;
export const residencyImport = residency.imports;
