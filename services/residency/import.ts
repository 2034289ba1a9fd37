/** The residency import file: one row per citizen (README, "Importing data"). */
import { col, defineImport, notBefore } from '../../lib/import/columns';
import { personalIdProblem } from '../../lib/personal-id';
import { citizenFacts, residencyMigrations } from './facts';

export const residencyImport = defineImport({
  domain: 'residency',
  migrations: residencyMigrations,
  facts: citizenFacts,
  idColumn: 'personal_id',
  columns: {
    personal_id: col.personalId(),
    full_name: col.text({ maxLength: 200 }),
    birth_date: col.date(),
    sex: col.oneOf(['M', 'F']),
    commune_code: col.communeCode(),
    registered_on: col.date(),
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
  },
  toFact: (row) => ({
    personalId: row.personal_id,
    fullName: row.full_name,
    birthDate: row.birth_date,
    sex: row.sex,
    communeCode: row.commune_code,
    registeredOn: row.registered_on,
    chipCardIssuedOn: row.chip_card_issued_on,
    eidLevel1On: row.eid_level1_on,
    eidLevel2On: row.eid_level2_on,
  }),
});
