/**
 * The 12-digit personal ID number (số định danh cá nhân): digits 1-3 the province of birth
 * registration ("0" + the 2-digit province code), digit 4 century and sex, digits 5-6 the last
 * two digits of the birth year, digits 7-12 random. See DOMAIN.md.
 */
import { badInput } from './errors';
import { provinceCodes } from './areas';

export type Sex = 'M' | 'F';

/** Century digit: even for men, odd for women; 0/1 the 1900s, 2/3 the 2000s, 4/5 the 2100s. */
export function centuryDigit(birthYear: number, sex: Sex): number {
  const century = Math.floor(birthYear / 100) - 19;
  if (century < 0 || century > 2) throw new RangeError(`birth year ${birthYear} is outside 1900-2199`);
  return century * 2 + (sex === 'F' ? 1 : 0);
}

/** Why `id` is not a valid personal ID (optionally: of this birth date and sex), or null if it is. */
export function personalIdProblem(id: string, birthDate?: string, sex?: Sex): string | null {
  if (!/^\d{12}$/.test(id)) return 'must be exactly 12 digits';
  const province = id.slice(0, 3);
  if (province[0] !== '0' || !provinceCodes().has(province.slice(1))) {
    return `digits 1-3 "${province}" are not a province code`;
  }
  const digit = Number(id[3]);
  if (digit > 5) return `digit 4 "${id[3]}" is not a century/sex digit (0-5)`;
  if (birthDate !== undefined) {
    const year = Number(birthDate.slice(0, 4));
    if (id.slice(4, 6) !== birthDate.slice(2, 4)) {
      return `digits 5-6 "${id.slice(4, 6)}" do not match birth year ${year}`;
    }
    if (Math.floor(digit / 2) !== Math.floor(year / 100) - 19) {
      return `digit 4 "${id[3]}" does not match birth century of ${year}`;
    }
  }
  if (sex !== undefined && (digit % 2 === 1 ? 'F' : 'M') !== sex) {
    return `digit 4 "${id[3]}" does not match sex ${sex}`;
  }
  return null;
}

/** Throws BAD_USER_INPUT naming the value when `id` is not a valid personal ID. */
export function assertPersonalId(id: string, argumentName = 'id'): string {
  const problem = personalIdProblem(id);
  if (problem) throw badInput(`Invalid personal ID "${id}": ${problem}`, { argumentName, value: id });
  return id;
}
