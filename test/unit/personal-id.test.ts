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

describe('personal ID numbers at their edges', () => {
  test('the century digit covers 1900-2199 only', () => {
    expect([centuryDigit(1900, 'M'), centuryDigit(1999, 'F'), centuryDigit(2000, 'M'), centuryDigit(2199, 'M')]).toEqual([0, 1, 2, 4]);
    expect(() => centuryDigit(1899, 'M')).toThrow('birth year 1899 is outside 1900-2199');
    expect(() => centuryDigit(2200, 'F')).toThrow('birth year 2200 is outside 1900-2199');
  });

  test.each([
    ['030585001234', undefined, undefined, null],
    ['030485001234', '2185-01-01', 'M', null],
    ['030185001234', '1985-01-01', 'F', null],
    ['030285001234', '2085-01-01', 'M', null],
    ['0300850012345', undefined, undefined, 'must be exactly 12 digits'],
    ['a030085001234', undefined, undefined, 'must be exactly 12 digits'],
    ['003085001234', undefined, undefined, 'digits 1-3 "003" are not a province code'],
    ['099085001234', undefined, undefined, 'digits 1-3 "099" are not a province code'],
    ['030685001234', undefined, undefined, 'digit 4 "6" is not a century/sex digit (0-5)'],
    ['030985001234', undefined, undefined, 'digit 4 "9" is not a century/sex digit (0-5)'],
    ['030085001234', '1986-06-01', undefined, 'digits 5-6 "85" do not match birth year 1986'],
    ['030085001234', '2085-06-01', undefined, 'digit 4 "0" does not match birth century of 2085'],
    ['030385001234', '2185-06-01', undefined, 'digit 4 "3" does not match birth century of 2185'],
    ['030085001234', undefined, 'F', 'digit 4 "0" does not match sex F'],
    ['030185001234', undefined, 'M', 'digit 4 "1" does not match sex M'],
  ])('%s (born %s, sex %s): %s', (id, birth, sex, problem) => {
    expect(personalIdProblem(id, birth, sex as any)).toBe(problem);
  });

  test('assertPersonalId gives the ID back, or an error naming the argument', () => {
    expect(assertPersonalId('030085001234')).toBe('030085001234');
    const refusal = (argumentName?: string) => {
      try {
        assertPersonalId('030685001234', argumentName);
      } catch (err: any) {
        return [err.message, err.extensions.code, err.extensions.argumentName, err.extensions.value];
      }
    };
    expect(refusal()).toEqual(['Invalid personal ID "030685001234": digit 4 "6" is not a century/sex digit (0-5)', 'BAD_USER_INPUT', 'id', '030685001234']);
    expect(refusal('ownerPersonalId')?.[2]).toBe('ownerPersonalId');
  });
});
