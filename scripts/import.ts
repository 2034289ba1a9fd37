/**
 * `npm run import -- <domain> <file>`: loads a CSV or XLSX file into a domain's database, all or
 * nothing (lib/import/engine.ts). Uses the services' configuration (DB_CLIENT, DATA_DIR,
 * MYSQL_URL...), so it can run while they serve: they show the new figures when it finishes.
 *
 * Exit status: 0 imported, 1 refused or failed (nothing written), 2 bad command line or
 * configuration.
 */
import { loadConfig } from '../lib/config';
import { importFile } from '../lib/import/engine';
import { IMPORT_DOMAINS } from '../lib/import/domains';
import { ImportError, ImportRejected } from '../lib/import/problems';
import { terminalProgress } from '../lib/import/progress';

const USAGE = `usage: npm run import -- <domain> <file.csv|file.xlsx>
domains: ${Object.keys(IMPORT_DOMAINS).join(', ')}
columns, formats and rules: README.md, "Importing data"`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (argv.length !== 2) {
    console.error(USAGE);
    return 2;
  }
  const [domain, file] = argv;
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const progress = terminalProgress();
  try {
    const s = await importFile({ config, domain, file, onProgress: progress.onProgress });
    progress.stop();
    const n = (x: number) => x.toLocaleString('en-US');
    console.log(
      `${s.domain}: ${n(s.rows)} row${s.rows === 1 ? '' : 's'} read from ${s.file}: ${n(s.inserted)} inserted, ${n(s.updated)} updated, ${n(s.unchanged)} unchanged; ` +
        `${s.seconds.toFixed(1)} s (rows read, checked and written in ${s.readSeconds.toFixed(1)} s, then summaries and commit in ${s.finishSeconds.toFixed(1)} s), ${n(Math.round(s.rowsPerSecond))} rows/s`,
    );
    return 0;
  } catch (err) {
    progress.stop();
    if (err instanceof ImportRejected || err instanceof ImportError) {
      console.error(err.message);
      return 1;
    }
    // A database that is down or refuses: its own words, without a stack trace (DEBUG=1 shows it).
    console.error(`Import failed, nothing was written: ${process.env.DEBUG ? ((err as Error).stack ?? err) : ((err as Error).message ?? err)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
