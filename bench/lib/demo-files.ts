/**
 * The demo world as the import files the benchmark loads: demo/export.ts's CSVs, each row as a
 * delivery would carry it. A record dated on or after the reform (1 July 2025) names a commune of
 * the two-tier structure: the import refuses a three-tier commune for it. Until the demo world
 * writes such records with new codes itself (issue 11, item 6), a row that still carries a
 * three-tier code is written with the two-tier commune its fact is placed in
 * (`placementOf(fact).newUnit`), and `commune_structure` says so; rows the world already writes in
 * either structure pass unchanged.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import Papa from 'papaparse';
import { REFORM_DATE } from '../../lib/areas';
import { cellsOf, type AnyImportDefinition, type ColumnSet } from '../../lib/import/columns';
import { importDefinition } from '../../lib/import/domains';
import { DEMO_FACTS } from '../../demo/export';
import { demoWorld, type DemoOptions } from '../../demo/world';

type Cells = Record<string, string | number | null>;

/** A fact's row, with a post-reform record's three-tier commune given as its two-tier one. */
function deliveredCells(definition: AnyImportDefinition, fact: unknown): Cells {
  const cells = cellsOf(definition, fact);
  const day = definition.locatedOn ? cells[definition.locatedOn] : null;
  if (cells.commune_structure !== 'THREE_TIER' || typeof day !== 'string' || day < REFORM_DATE) return cells;
  return { ...cells, commune_code: definition.facts.placementOf(fact).newUnit.code, commune_structure: 'TWO_TIER' };
}

/** Writes a domain's part of the demo world to `file` as its import CSV; answers the rows written and how many were relabelled. */
export async function writeBenchCsv(domain: string, options: DemoOptions, file: string): Promise<{ rows: number; relabelled: number }> {
  const definition = importDefinition(domain);
  const source = DEMO_FACTS[domain];
  const columns = Object.keys(definition.columns as ColumnSet);
  if (!columns.includes('commune_structure')) throw new Error(`The ${domain} import has no commune_structure column: bench/lib/demo-files.ts needs updating`);
  const out = fs.createWriteStream(file, { encoding: 'utf8' });
  let rows = 0;
  let relabelled = 0;
  try {
    out.write(`${Papa.unparse([columns])}\r\n`);
    for (const commune of demoWorld(options, source.parts)) {
      const facts = source.of(commune);
      if (facts.length === 0) continue;
      const cells = facts.map((f) => {
        const c = deliveredCells(definition, f);
        if (c.commune_structure !== (f as { communeStructure?: string }).communeStructure) relabelled++;
        return c;
      });
      rows += cells.length;
      if (!out.write(`${Papa.unparse(cells, { columns, header: false, newline: '\r\n' })}\r\n`)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'finish');
  }
  return { rows, relabelled };
}
