import { personalIdProblem, centuryDigit, assertPersonalId } from '../../lib/personal-id';

describe('personal ID numbers', () => {
  test('century and sex digit', () => {
    expect([centuryDigit(1985, 'M'), centuryDigit(1985, 'F'), centuryDigit(2003, 'M'), centuryDigit(2003, 'F'), centuryDigit(2100, 'F')]).toEqual([0, 1, 2, 3, 5]);
  });

  test.each([
    ['030085001234', undefined, undefined],
    ['030085001234', '1985-06-01', 'M'],
    ['001303001234', '2003-01-31', 'F'],
    ['079199999999', '1999-12-31', 'F'],
  ])('%s is valid (born %s, sex %s)', (id, birth, sex) => {
    expect(personalIdProblem(id, birth, sex as any)).toBeNull();
  });

  test.each([
    ['03008500123', undefined, undefined, 'exactly 12 digits'],
    ['03008500123a', undefined, undefined, 'exactly 12 digits'],
    ['003085001234', undefined, undefined, 'not a province code'],
    ['130085001234', undefined, undefined, 'not a province code'],
    ['030685001234', undefined, undefined, 'not a century/sex digit'],
    ['030085001234', '1986-06-01', 'M', 'do not match birth year'],
    ['030085001234', '2085-06-01', 'M', 'birth century'],
    ['030085001234', '1985-06-01', 'F', 'does not match sex F'],
  ])('%s is refused (born %s, sex %s): %s', (id, birth, sex, why) => {
    expect(personalIdProblem(id, birth, sex as any)).toContain(why);
  });

  test('assertPersonalId throws BAD_USER_INPUT naming the value', () => {
    expect(() => assertPersonalId('12')).toThrow('Invalid personal ID "12"');
  });
});
