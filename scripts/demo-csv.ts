/**
 * `npm run demo:csv -- <folder> [--scale 0.5] [--seed p06]`: writes the demo world as one import
 * CSV per domain (<folder>/<domain>.csv), to try `npm run import` on realistic files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_FACTS, writeDemoCsv } from '../demo/export';

async function main(argv: string[]): Promise<number> {
  const value = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const folder = argv.find((a, i) => !a.startsWith('--') && (i === 0 || !argv[i - 1].startsWith('--')));
  const scale = Number(value('--scale', '0.5'));
  const seed = value('--seed', 'p06');
  if (!folder || !Number.isFinite(scale) || scale <= 0 || scale > 100) {
    console.error('usage: npm run demo:csv -- <folder> [--scale 0.5 (0 < scale <= 100)] [--seed p06]');
    return 2;
  }
  fs.mkdirSync(folder, { recursive: true });
  for (const domain of Object.keys(DEMO_FACTS)) {
    const file = path.join(folder, `${domain}.csv`);
    const t0 = performance.now();
    const rows = await writeDemoCsv(domain, { seed, scale }, file);
    console.log(`${file}: ${rows.toLocaleString('en-US')} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return 0;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
