/**
 * Import files written to exhaust memory: a CSV with one field of 100 MB, and an XLSX of a few
 * megabytes whose shared strings unpack to a gigabyte. Both are written as streams: the test
 * that uses them never holds them in memory itself.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import archiver from 'archiver';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { RESIDENCY_COLUMNS } from './import-files';

/** A residency CSV whose second row's full_name holds `bytes` bytes (quoted, with a line break every 1,000 bytes when `lineBreaks`). */
export async function writeHugeFieldCsv(file: string, bytes: number, options: { lineBreaks?: boolean } = {}): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${RESIDENCY_COLUMNS.join(',')}\n001090000001,Nguyễn Văn An,1990-01-01,M,00004,THREE_TIER,2020-01-01,,,\n001090000002,"`);
  const chunk = options.lineBreaks ? `${'a'.repeat(999)}\n`.repeat(1000) : 'a'.repeat(1_000_000);
  for (let written = 0; written < bytes; written += chunk.length) await write(chunk);
  await write('",1990-01-01,M,00004,THREE_TIER,2020-01-01,,,\n');
  out.end();
  await once(out, 'finish');
}

/**
 * A residency XLSX whose sharedStrings.xml declares and holds `count` strings of `length`
 * characters (20,000 × 50,000: a gigabyte unpacked, about a megabyte packed), the second row
 * using one of them as its full_name. Resolves with the bytes sharedStrings.xml holds unpacked.
 */
export async function writeSharedStringsBomb(file: string, count = 20_000, length = 50_000): Promise<number> {
  // A real workbook to start from: header and one row, text in shared strings.
  const template = new ExcelJS.Workbook();
  const sheet = template.addWorksheet('citizens');
  sheet.addRow([...RESIDENCY_COLUMNS]);
  sheet.addRow(['001090000001', 'PLACEHOLDER', '1990-01-01', 'M', '00004', 'THREE_TIER', '2020-01-01', null, null, null]);
  const zip = await JSZip.loadAsync(await template.xlsx.writeBuffer({ useSharedStrings: true } as never));
  const original = await zip.file('xl/sharedStrings.xml')!.async('string');
  const strings = [...original.matchAll(/<si><t[^>]*>([^<]*)<\/t><\/si>/g)].map((m) => m[1]);
  const placeholder = strings.indexOf('PLACEHOLDER');
  const big = 'a'.repeat(length);
  // The placeholder's index now names the first big string; the rest follow it.
  const total = strings.length - 1 + count;
  let unpacked = 0;
  const counted = (text: string) => ((unpacked += Buffer.byteLength(text)), text);
  function* sharedStrings() {
    yield counted(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${total}" uniqueCount="${total}">`);
    for (let i = 0; i < strings.length; i++) {
      if (i !== placeholder) yield counted(`<si><t>${strings[i]}</t></si>`);
      else for (let j = 0; j < count; j++) yield counted(`<si><t>${big}</t></si>`);
    }
    yield counted('</sst>');
  }
  const archive = archiver('zip', { zlib: { level: 9 } });
  const out = fs.createWriteStream(file);
  archive.pipe(out);
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir || name === 'xl/sharedStrings.xml') continue;
    archive.append(await entry.async('nodebuffer'), { name });
  }
  archive.append(Readable.from(sharedStrings()), { name: 'xl/sharedStrings.xml' });
  await archive.finalize();
  await once(out, 'close');
  return unpacked;
}

/**
 * Rewrites the unpacked size the zip's central directory declares for one entry (what a reader
 * checks before unpacking), leaving the data as it is: a workbook that lies about its size.
 */
export function understateUnpackedSize(file: string, entry: string, bytes: number): void {
  const zip = fs.readFileSync(file);
  const name = Buffer.from(entry);
  for (let at = zip.indexOf(CENTRAL_HEADER); at !== -1; at = zip.indexOf(CENTRAL_HEADER, at + 4)) {
    const nameLength = zip.readUInt16LE(at + 28);
    if (nameLength === name.length && zip.subarray(at + 46, at + 46 + nameLength).equals(name)) {
      zip.writeUInt32LE(bytes, at + 24);
      fs.writeFileSync(file, zip);
      return;
    }
  }
  throw new Error(`${entry} is not in ${file}'s central directory`);
}
const CENTRAL_HEADER = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
