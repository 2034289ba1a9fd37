/**
 * What an import file may hold, so that memory stays bounded whatever it holds: a parser keeps a
 * whole cell (Papa Parse, exceljs's sax parser) and exceljs keeps every shared string of a
 * workbook. Measured before these limits: one CSV field of 100 MB took the import to 2.1 GB and
 * four minutes; an XLSX of 1.2 MB whose shared strings unpack to 1 GB, to 1.2 GB; an XLSX of
 * 100 kB holding one 100 MB cell, to 640 MB. Each is now refused early, naming its limit.
 *
 * - CSV: a record (a line, or several when a quoted value holds line breaks) longer than
 *   IMPORT_MAX_LINE_CHARS stops the read there (`RecordLengthGuard`, before Papa Parse).
 * - XLSX, before exceljs reads anything (`inspectXlsx`): every part's unpacked size as the zip
 *   declares it (IMPORT_MAX_XLSX_ENTRY_MB; the shared strings IMPORT_MAX_SHARED_STRINGS_MB) and
 *   the shared strings' declared count (IMPORT_MAX_SHARED_STRINGS); then every XML part is
 *   unpacked once (a zip may lie about sizes) and checked for the same sizes and count, and for a
 *   stretch of text or a tag longer than any cell may be (16 to 32 × IMPORT_MAX_CELL_CHARS bytes:
 *   a cell's characters may take 3 bytes each, or 6 as XML entities). Unpacking a 100,000-row
 *   workbook's 36 MB of XML costs about 70 ms of CPU, 1-2 % of its import.
 * - Every cell longer than IMPORT_MAX_CELL_CHARS is a problem of its row (lib/import/table.ts).
 */
import fs from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import unzipper from 'unzipper';
import type { Config } from '../config';
import { ImportRejected, ProblemLog } from './problems';

export interface ImportLimits {
  maxCellChars: number;
  maxLineChars: number;
  maxXlsxEntryBytes: number;
  maxSharedStringsBytes: number;
  maxSharedStrings: number;
}

const MB = 2 ** 20;

export function importLimits(config: Pick<Config, 'IMPORT_MAX_CELL_CHARS' | 'IMPORT_MAX_LINE_CHARS' | 'IMPORT_MAX_XLSX_ENTRY_MB' | 'IMPORT_MAX_SHARED_STRINGS_MB' | 'IMPORT_MAX_SHARED_STRINGS'>): ImportLimits {
  return {
    maxCellChars: config.IMPORT_MAX_CELL_CHARS,
    maxLineChars: config.IMPORT_MAX_LINE_CHARS,
    maxXlsxEntryBytes: config.IMPORT_MAX_XLSX_ENTRY_MB * MB,
    maxSharedStringsBytes: config.IMPORT_MAX_SHARED_STRINGS_MB * MB,
    maxSharedStrings: config.IMPORT_MAX_SHARED_STRINGS,
  };
}

const n = (x: number) => x.toLocaleString('en-US');

/** The whole file refused for one reason, at `line` (1 when it is the file itself). */
export function refuseFile(file: string, line: number, reason: string): ImportRejected {
  const log = new ProblemLog();
  log.add({ line, reason });
  return new ImportRejected(file, log, { what: 'it exceeds an import limit, so it was not read further' });
}

/** A CSV record over IMPORT_MAX_LINE_CHARS: `line` as a spreadsheet numbers it. */
export class RecordTooLong extends Error {
  constructor(readonly line: number, readonly limit: number) {
    super(`longer than ${n(limit)} characters (IMPORT_MAX_LINE_CHARS), counting a quoted value across line breaks (an unclosed quote?)`);
  }
}

/**
 * Passes CSV text through, erroring with RecordTooLong as soon as one record exceeds `limit`
 * characters. Records end at line breaks outside quotes, as Papa Parse reads them; the text is
 * searched with indexOf for quotes and line breaks only, so this costs a few milliseconds per
 * million rows.
 */
export class RecordLengthGuard extends Transform {
  private inQuotes = false;
  private length = 0;
  private line = 1;

  constructor(private readonly limit: number) {
    super({ decodeStrings: false, encoding: 'utf8' });
  }

  override _transform(chunk: string, _encoding: BufferEncoding, done: TransformCallback): void {
    // The next quote and line break, searched again only once passed: a chunk without quotes
    // is searched for one once, not once per line.
    let quote = -2;
    let lineBreak = -2;
    for (let i = 0; i < chunk.length; ) {
      if (quote !== -1 && quote < i) quote = chunk.indexOf('"', i);
      if (lineBreak !== -1 && lineBreak < i) lineBreak = chunk.indexOf('\n', i);
      const newline = this.inQuotes ? -1 : lineBreak;
      const next = quote === -1 ? newline : newline === -1 ? quote : Math.min(quote, newline);
      const end = next === -1 ? chunk.length : next;
      this.length += end - i;
      if (this.length > this.limit) return done(new RecordTooLong(this.line, this.limit));
      if (next === -1) break;
      if (next === quote) {
        this.inQuotes = !this.inQuotes;
        this.length++;
      } else {
        this.length = 0;
        this.line++;
      }
      i = next + 1;
    }
    done(null, chunk);
  }
}

const SHARED_STRINGS = 'xl/sharedStrings.xml';
const LOCAL_HEADER = 0x04034b50;
const PIECE = 256 * 1024;

/**
 * An entry's bytes, unpacked: read from its local header to the end of the deflate stream, not
 * to the end the central directory states (a zip may lie about that too), with native zlib in
 * large pieces (unzipper's own entry stream took 2.5 times the CPU).
 */
async function* unpacked(file: string, entry: unzipper.File): AsyncGenerator<Buffer> {
  const handle = await fs.promises.open(file);
  try {
    const header = Buffer.alloc(30);
    await handle.read(header, 0, 30, entry.offsetToLocalFileHeader);
    if (header.readUInt32LE(0) !== LOCAL_HEADER) return; // Not where it says: exceljs refuses the file.
    const start = entry.offsetToLocalFileHeader + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const stored = entry.compressionMethod === 0;
    if (!stored && entry.compressionMethod !== 8) return; // Neither stored nor deflated: exceljs refuses it.
    const raw = fs.createReadStream('', { fd: handle, start, end: stored ? start + entry.compressedSize - 1 : undefined, autoClose: false, highWaterMark: PIECE });
    const source = stored ? raw : raw.pipe(zlib.createInflateRaw({ chunkSize: PIECE }));
    try {
      for await (const piece of source) yield piece as Buffer;
    } finally {
      raw.destroy();
    }
  } finally {
    await handle.close();
  }
}
const LT = 0x3c;

/**
 * Checks an XLSX file's declared and actual sizes before exceljs reads it; throws ImportRejected
 * naming the limit exceeded.
 */
export async function inspectXlsx(file: string, limits: ImportLimits): Promise<void> {
  let directory: unzipper.CentralDirectory;
  try {
    directory = await unzipper.Open.file(file);
  } catch {
    return; // Not a zip: exceljs says the file is not a workbook.
  }
  const entryLimit = (path: string) => (path === SHARED_STRINGS ? ['IMPORT_MAX_SHARED_STRINGS_MB', limits.maxSharedStringsBytes] : ['IMPORT_MAX_XLSX_ENTRY_MB', limits.maxXlsxEntryBytes]) as [string, number];
  for (const entry of directory.files) {
    const [name, max] = entryLimit(entry.path);
    if (entry.uncompressedSize > max) {
      throw refuseFile(file, 1, `the workbook's part ${entry.path} declares ${n(entry.uncompressedSize)} bytes unpacked, more than ${n(max / MB)} MB (${name})`);
    }
  }
  // A stretch longer than this without a "<" is a text or a tag no cell needs. Found by looking
  // ahead from points half of it apart (any longer stretch holds one of them, and the next "<"
  // lies more than half of it ahead), so a part is searched in a few steps per 64 kB, not per tag.
  const longest = 32 * limits.maxCellChars;
  const tooLong = (path: string) =>
    refuseFile(file, 1, `the workbook's part ${path} holds a text or tag of more than ${n(longest / 2)} bytes: longer than any cell may be (IMPORT_MAX_CELL_CHARS is ${n(limits.maxCellChars)} characters)`);
  for (const entry of directory.files) {
    if (!/\.(xml|rels)$/.test(entry.path)) continue;
    const [name, max] = entryLimit(entry.path);
    const sharedStrings = entry.path === SHARED_STRINGS;
    let bytes = 0;
    let strings = 0;
    let sinceTag = 0;
    let tail = '';
    for await (const chunk of unpacked(file, entry)) {
      if (sharedStrings && bytes === 0) {
        const declared = /uniqueCount="(\d+)"/.exec(chunk.subarray(0, 1024).toString('latin1'))?.[1];
        if (declared && Number(declared) > limits.maxSharedStrings) {
          throw refuseFile(file, 1, `the workbook declares ${n(Number(declared))} shared strings, more than ${n(limits.maxSharedStrings)} (IMPORT_MAX_SHARED_STRINGS)`);
        }
      }
      bytes += chunk.length;
      if (bytes > max) throw refuseFile(file, 1, `the workbook's part ${entry.path} unpacks to more than ${n(max / MB)} MB (${name}), whatever its zip header says`);
      const first = chunk.indexOf(LT);
      if (first === -1) {
        sinceTag += chunk.length;
        if (sinceTag > longest / 2) throw tooLong(entry.path);
        continue;
      }
      if (sinceTag + first > longest / 2) throw tooLong(entry.path);
      const last = chunk.lastIndexOf(LT);
      for (let at = first; at < last; at += longest / 2) if (chunk.indexOf(LT, at) - at > longest / 2) throw tooLong(entry.path);
      sinceTag = chunk.length - 1 - last;
      if (sharedStrings) {
        // "<si" split between two pieces is found in the last bytes of one and the first of the next.
        const across = (tail + chunk.subarray(0, 2).toString('latin1')).indexOf('<si');
        if (across !== -1 && across < tail.length) strings++;
        for (let at = 0; (at = chunk.indexOf('<si', at)) !== -1; at += 3) strings++;
        tail = chunk.subarray(chunk.length - 2).toString('latin1');
        if (strings > limits.maxSharedStrings) throw refuseFile(file, 1, `the workbook holds more than ${n(limits.maxSharedStrings)} shared strings (IMPORT_MAX_SHARED_STRINGS)`);
      }
    }
  }
}
