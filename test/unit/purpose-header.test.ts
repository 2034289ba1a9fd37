/**
 * The X-Purpose header in any language: percent-encoded UTF-8 (what a browser must send) and raw
 * UTF-8 bytes (what curl sends, which Node reads as Latin-1) both come back as the text typed;
 * what cannot be a purpose is refused saying why.
 */
import { headerText, readPurpose } from '../../gateway/limits';

const VIETNAMESE = 'Hồ sơ 2025/HD-117: cấp lại CCCD';

test('percent-encoded and raw UTF-8 header values read as the text typed; plain ASCII as written', () => {
  expect(headerText(encodeURIComponent(VIETNAMESE))).toBe(VIETNAMESE);
  expect(headerText(Buffer.from(VIETNAMESE, 'utf8').toString('latin1'))).toBe(VIETNAMESE);
  expect(headerText('case 17, 50% done')).toBe('case 17, 50% done');
  expect(readPurpose(encodeURIComponent(`  ${VIETNAMESE} `))).toBe(VIETNAMESE);
});

test('an empty, overlong or control-laden purpose is refused saying why; none at all is null', () => {
  expect(readPurpose(undefined)).toBeNull();
  expect(readPurpose('   ')).toEqual({ status: 400, code: 'BAD_REQUEST', message: 'X-Purpose header is empty: say why you read this data (a case number, the legal basis)' });
  expect(readPurpose('x'.repeat(301))).toMatchObject({ message: 'X-Purpose header is longer than 300 characters (301)' });
  expect(readPurpose(encodeURIComponent('case\u0007 17'))).toMatchObject({ message: 'X-Purpose header contains control characters' });
});
