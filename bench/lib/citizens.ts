/**
 * Valid citizens for `npm run bench:import`, from a fixed seed, generated one at a time (a
 * million rows never sit in memory), each with the structure of its commune code. The random
 * sequence is the one the import benchmark used before the reform (test/helpers/import-files.ts),
 * so that a three-tier file holds the same citizens as the files behind the README's figures.
 */
import seedrandom from 'seedrandom';
import { provinceOf, REFORM_DATE, type Area, type AreaStructure } from '../../lib/areas';
import { centuryDigit, type Sex } from '../../lib/personal-id';
import type { Citizen } from '../../services/residency/facts';

/** The columns of the file: the residency import's, without the optional residence history. */
export const CITIZEN_COLUMNS = ['personal_id', 'full_name', 'birth_date', 'sex', 'commune_code', 'commune_structure', 'registered_on', 'chip_card_issued_on', 'eid_level1_on', 'eid_level2_on'] as const;

const DAY = 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;
const isoOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Ngọc', 'Hữu', 'Thu', 'Quang'];
const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Hà', 'Hùng', 'Lan', 'Linh', 'Nam', 'Phương', 'Quân', 'Thảo', 'Trang', 'Tuấn'];

/**
 * Citizens spread over `communes` (all of one structure), with unique IDs consistent with their
 * birth date, sex and province. Residences are registered up to 30 June 2025, so that a
 * three-tier commune may locate every one of them (that structure ended the next day).
 */
export function* generateCitizens(seed: string, count: number, communes: readonly Area[]): Generator<Citizen> {
  const structure = communes[0]?.structure as AreaStructure;
  if (communes.some((c) => c.level !== 'COMMUNE' || c.structure !== structure)) throw new Error('generateCitizens: communes of one structure');
  const rng = seedrandom.alea(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)];
  const between = (from: number, to: number) => from + Math.floor(rng() * (to - from + 1));
  const serials = new Map<string, number>();
  const provinces = new Map(communes.map((c) => [c.code, provinceOf(c)!.code]));
  const codes = communes.map((c) => c.code);
  const [d1940, d1990, d2015, d2021, d2022h2, d2025h1, d2025q3, d2025] = ['1940-01-01', '1990-01-01', '2015-12-31', '2021-01-01', '2022-07-01', '2025-06-30', '2025-09-30', '2025-12-31'].map(dayOf);
  if (isoOf(d2025h1) >= REFORM_DATE) throw new Error('residences must be registered before the reform');
  for (let i = 0; i < count; i++) {
    const communeCode = pick(codes);
    const sex: Sex = rng() < 0.5 ? 'M' : 'F';
    const birth = between(d1940, d2015);
    const birthDate = isoOf(birth);
    const prefix = `0${provinces.get(communeCode)}${centuryDigit(Number(birthDate.slice(0, 4)), sex)}${birthDate.slice(2, 4)}`;
    const serial = serials.get(prefix) ?? 0;
    serials.set(prefix, serial + 1);
    const adult = birth + 14 * 365;
    const chip = rng() < 0.8 && Math.max(adult, d2021) <= d2025q3 ? between(Math.max(adult, d2021), d2025q3) : null;
    const eid1 = rng() < 0.6 ? between(Math.max(birth, d2022h2), d2025h1) : null;
    const eid2 = rng() < 0.5 ? (eid1 !== null && rng() < 0.2 ? eid1 : between(Math.max(eid1 ?? d2022h2, birth), d2025)) : null;
    yield {
      personalId: prefix + String(serial).padStart(6, '0'),
      fullName: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
      birthDate,
      sex,
      communeCode,
      communeStructure: structure,
      registeredOn: isoOf(between(Math.max(birth, d1990), d2025h1)),
      previousResidences: [],
      residenceEndedOn: null,
      residenceEndReason: null,
      chipCardIssuedOn: chip === null ? null : isoOf(chip),
      eidLevel1On: eid1 === null ? null : isoOf(eid1),
      eidLevel2On: eid2 === null ? null : isoOf(eid2),
    };
  }
}
