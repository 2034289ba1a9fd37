/** The residency import file: one row per citizen, with their residence history (README, "Importing data"). */
import type { AreaStructure } from '../../lib/areas';
import { col, defineImport, Invalid, locationProblem, notBefore, type Column } from '../../lib/import/columns';
import { personalIdProblem } from '../../lib/personal-id';
import { citizenFacts, RESIDENCE_END_REASONS, residencyMigrations, type Residence } from './facts';

type ResidenceCell = Omit<Residence, 'communeStructure'> & { communeStructure: AreaStructure | null };

const STRUCTURE_NAMES = new Set(['THREE_TIER', 'TWO_TIER']);
const MAX_RESIDENCES = 50;

/**
 * Earlier residences, oldest first, separated by `;`, each `commune_code registered_on` and
 * optionally the code's structure (`10525 2012-03-01 THREE_TIER`); without one, the row's.
 * The same text as the citizens table stores, so that an exported file imports unchanged.
 */
function residences(): Column<ResidenceCell[]> & { required: false; mayBeAbsent: true } {
  const date = col.date();
  return {
    required: false,
    mayBeAbsent: true,
    parse: (text, ctx) => {
      const entries = text.split(';').map((e) => e.trim()).filter(Boolean);
      if (entries.length > MAX_RESIDENCES) return new Invalid(`more than ${MAX_RESIDENCES} earlier residences`);
      const out: ResidenceCell[] = [];
      for (const entry of entries) {
        const [code, day, structure, extra] = entry.split(/\s+/);
        const shape = `write each as "commune_code registered_on [THREE_TIER|TWO_TIER]", separated by ;`;
        if (extra !== undefined || day === undefined || !/^\d{5}$/.test(code)) return new Invalid(`"${entry}": ${shape}`);
        if (structure !== undefined && !STRUCTURE_NAMES.has(structure.toUpperCase())) return new Invalid(`"${entry}": the structure must be THREE_TIER or TWO_TIER`);
        const registeredOn = date.parse(day, ctx);
        if (registeredOn instanceof Invalid) return new Invalid(`"${entry}": registered_on ${registeredOn.reason}`);
        out.push({ communeCode: code, registeredOn, communeStructure: structure ? (structure.toUpperCase() as AreaStructure) : null });
      }
      return out;
    },
  };
}

export const residencyImport = defineImport({
  domain: 'residency',
  migrations: residencyMigrations,
  facts: citizenFacts,
  idColumn: 'personal_id',
  locatedOn: 'registered_on',
  columns: {
    personal_id: col.personalId(),
    full_name: col.text({ maxLength: 200 }),
    birth_date: col.date(),
    sex: col.oneOf(['M', 'F']),
    commune_code: col.communeCode(),
    commune_structure: col.structure(),
    registered_on: col.date(),
    previous_residences: residences(),
    residence_ended_on: col.absentOk(col.date()),
    residence_end_reason: col.absentOk(col.oneOf(RESIDENCE_END_REASONS)),
    chip_card_issued_on: col.optional(col.date()),
    eid_level1_on: col.optional(col.date()),
    eid_level2_on: col.optional(col.date()),
  },
  checkRow(row, fail) {
    const idProblem = personalIdProblem(row.personal_id, row.birth_date, row.sex);
    if (idProblem) fail('personal_id', `${idProblem} (birth_date ${row.birth_date}, sex ${row.sex})`);
    for (const c of ['registered_on', 'chip_card_issued_on', 'eid_level1_on', 'eid_level2_on'] as const) notBefore(row, fail, c, 'birth_date');
    // Level 2 is reached through level 1 or directly; both the same day when issued together.
    notBefore(row, fail, 'eid_level2_on', 'eid_level1_on');
    // The residence ends after it began, and says why.
    if (row.residence_ended_on !== null && row.residence_ended_on <= row.registered_on) fail('residence_ended_on', `must be after registered_on ${row.registered_on}`);
    if ((row.residence_ended_on === null) !== (row.residence_end_reason === null)) {
      fail(row.residence_ended_on === null ? 'residence_end_reason' : 'residence_end_reason', row.residence_ended_on === null ? 'given without residence_ended_on' : 'required when residence_ended_on is given (DIED, EMIGRATED or DEREGISTERED)');
    }
    // Earlier residences: in order, after birth, before the current one, each a commune of its structure then.
    let previous = row.birth_date;
    for (const r of row.previous_residences ?? []) {
      r.communeStructure ??= row.commune_structure!;
      const problem = locationProblem(r.communeCode, r.communeStructure, r.registeredOn);
      if (problem) fail('previous_residences', `"${r.communeCode} ${r.registeredOn}": ${problem}`);
      else if (r.registeredOn < previous) fail('previous_residences', `"${r.communeCode} ${r.registeredOn}": residences must be oldest first, after birth_date`);
      else if (r.registeredOn >= row.registered_on) fail('previous_residences', `"${r.communeCode} ${r.registeredOn}": an earlier residence must begin before registered_on ${row.registered_on}`);
      previous = r.registeredOn;
    }
  },
  toFact: (row) => ({
    personalId: row.personal_id,
    fullName: row.full_name,
    birthDate: row.birth_date,
    sex: row.sex,
    communeCode: row.commune_code,
    // Set by the import from the row or the file (lib/import/rows.ts).
    communeStructure: row.commune_structure!,
    registeredOn: row.registered_on,
    previousResidences: (row.previous_residences ?? []) as Residence[],
    residenceEndedOn: row.residence_ended_on,
    residenceEndReason: row.residence_end_reason,
    chipCardIssuedOn: row.chip_card_issued_on,
    eidLevel1On: row.eid_level1_on,
    eidLevel2On: row.eid_level2_on,
  }),
});
