/**
 * The demo world as import files: one CSV per domain, in the format `npm run import` reads
 * (README, "Importing data"). For trying imports on realistic data, and for the benchmark,
 * which loads its data through the import path (bench/lib/data.ts).
 *
 * Every row says the structure of its commune code (`commune_structure`): the demo's records
 * dated before 1 July 2025 carry three-tier codes, the import's default is the structure in
 * force today (two-tier). Earlier residences are written as the citizens table stores them,
 * each with its structure. Imported with `--data-through` the demo's horizon (DEMO_HORIZON), the
 * files give the database the demo seeding gives, row for row (test/e2e/demo-csv.test.ts).
 */
import fs from 'node:fs';
import { once } from 'node:events';
import Papa from 'papaparse';
import { DOMAIN_MODULES, importDefinition } from '../services/registry';
import { cellsOf, type ColumnSet } from '../lib/import/columns';
import { safeRow } from '../lib/spreadsheet-safety';
import { demoWorld, type DemoCommune, type DemoOptions, type DemoPart } from './world';

/** What of the demo world each import domain holds (as its module's `demo` seeds it), from the registry. */
export const DEMO_FACTS: Record<string, { parts: DemoPart[]; of(commune: DemoCommune): unknown[] }> = Object.fromEntries(
  DOMAIN_MODULES.filter((m) => m.demo && m.imports).map((m) => [m.name, { parts: m.demo!.parts as DemoPart[], of: m.demo!.of }]),
);

/** Writes a domain's part of the demo world to `file` as its import CSV; answers the rows written. */
export async function writeDemoCsv(domain: string, options: DemoOptions, file: string): Promise<number> {
  const definition = importDefinition(domain);
  const source = DEMO_FACTS[domain];
  const columns = Object.keys(definition.columns as ColumnSet);
  const out = fs.createWriteStream(file, { encoding: 'utf8' });
  let rows = 0;
  try {
    out.write(`${Papa.unparse([columns])}\r\n`);
    for (const commune of demoWorld(options, source.parts)) {
      const facts = source.of(commune);
      if (facts.length === 0) continue;
      // Written as a spreadsheet would open them: no text cell may start a formula.
      const cells = facts.map((f) => safeRow(cellsOf(definition, f)));
      rows += cells.length;
      // Leading zeros kept as written: codes are quoted text to a spreadsheet, digits to us.
      if (!out.write(`${Papa.unparse(cells, { columns, header: false, newline: '\r\n' })}\r\n`)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'finish');
  }
  return rows;
}
