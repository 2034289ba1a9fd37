/**
 * `npm run codes:changed`: writes reference/admin-units/codes-changed-2025-07-01.csv, the codes
 * whose meaning changed on 1 July 2025 — every code of the two-tier structure that was also a
 * code of the three-tier one and now names a unit made of more (or other) than the old unit of
 * that code: a province that absorbed others, a commune that merged several. A deployment that
 * stored or published figures by code before the reform reads this list (README, "Upgrading").
 * `--check` fails when the committed file differs from what the official files give.
 */
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { areaByCode, areasOfLevel, linkedAreas, projectRoot } from '../lib/areas';

const FILE = 'reference/admin-units/codes-changed-2025-07-01.csv';

function rows(): string[][] {
  const out: string[][] = [['code', 'level', 'until_2025_06_30', 'since_2025_07_01', 'made_of']];
  for (const level of ['PROVINCE', 'COMMUNE'] as const) {
    for (const unit of areasOfLevel(level, 'TWO_TIER')) {
      const old = areaByCode(unit.code, 'THREE_TIER');
      if (!old || old.level !== level) continue;
      const madeOf = linkedAreas(unit, 'predecessors');
      if (madeOf.length === 1 && madeOf[0].id === old.id) continue;
      out.push([unit.code, level, old.name, unit.name, madeOf.map((a) => `${a.code} ${a.name}`).join('; ')]);
    }
  }
  return out;
}

const text = `${Papa.unparse(rows(), { newline: '\n' })}\n`;
const target = path.join(projectRoot(), FILE);
if (process.argv.includes('--check')) {
  if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) {
    console.error(`${FILE} is stale: run npm run codes:changed`);
    process.exit(1);
  }
  console.log(`${FILE} is up to date.`);
} else {
  fs.writeFileSync(target, text);
  console.log(`Wrote ${rows().length - 1} codes to ${FILE}`);
}
