/**
 * The CSV record guard against an independent count: records end at line breaks outside
 * quotes; a record's length counts across the line breaks of a quoted value; the text passes
 * through unchanged, however it is cut into pieces.
 */
import { RecordLengthGuard, RecordTooLong } from '../../lib/import/limits';

async function guard(text: string, limit: number, pieces: number): Promise<string> {
  const g = new RecordLengthGuard(limit);
  let out = '';
  g.on('data', (d: string) => (out += d));
  const result = new Promise<string>((resolve) => {
    g.on('error', (e) => resolve(e instanceof RecordTooLong ? `line ${e.line}` : String(e)));
    g.on('end', () => resolve(out === text ? 'passed unchanged' : 'changed'));
  });
  const size = Math.ceil(text.length / pieces);
  for (let i = 0; i < text.length; i += size) g.write(text.slice(i, i + size));
  g.end();
  return result;
}

test.each([1, 3, 7, 50])('cut into %i pieces', async (pieces) => {
  expect(await guard(`a,b\n"x\ny",z\n${'q'.repeat(50)}\nok\n`, 40, pieces)).toBe('line 3');
  // A quoted value of 30 line breaks is one record of 66 characters, from line 2.
  expect(await guard(`a,b\n"x\n${'y\n'.repeat(30)}",z\nok\n`, 40, pieces)).toBe('line 2');
  expect(await guard(`a,b\n"x""y",z\n${'r,s\n'.repeat(1000)}`, 40, pieces)).toBe('passed unchanged');
  expect(await guard(`a,b\r\n${'1234567,"a\r\nb"\r\n'.repeat(100)}`, 20, pieces)).toBe('passed unchanged');
});
