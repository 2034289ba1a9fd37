/**
 * `npm run import -- <domain> <file> [--dry-run] [--structure S] [--data-through D] [--delete]`:
 * loads a CSV or XLSX file into a domain's database, all or nothing (lib/import/engine.ts); with
 * --dry-run, checks it and tells what the import would do, writing nothing. Uses the services' configuration (DB_CLIENT, DATA_DIR,
 * MYSQL_URL...), so it can run while they serve: they show the new figures when it finishes.
 *
 * npm runs it with `--max-semi-space-size=128` (package.json): a batch of facts, their rows and
 * deltas lives across several young-generation collections at V8's default size, and copying it
 * each time was a fifth of a million-citizen import's CPU (scavenges 10.1 s at 32 MB, 1.2 s at
 * 128; CPU 61 -> 35 s under the same load, peak RSS 860 -> 1,010 MiB; 256 gained nothing more).
 *
 * Exit status: 0 imported (or, dry run, would be), 1 refused or failed (nothing written), 2 bad
 * command line or configuration.
 */
import { loadConfig } from '../lib/config';
import { importFile } from '../lib/import/engine';
import { IMPORT_DOMAINS, importDefinition } from '../services/registry';
import { ImportError, ImportRejected } from '../lib/import/problems';
import { terminalProgress } from '../lib/import/progress';

const USAGE = `usage: npm run import -- <domain> <file.csv|file.xlsx> [--dry-run] [--structure THREE_TIER|TWO_TIER] [--data-through YYYY-MM-DD] [--delete]
  --dry-run        check the file and count what it would insert, update and leave unchanged; write nothing
  --structure      the structure of the file's commune codes where a row has no commune_structure
                   (default: the one in force today, TWO_TIER)
  --data-through   the day the file's data is current through (default: today); no date may be later
  --delete         the file lists records to delete (one column: the domain's id column)
domains: ${Object.keys(IMPORT_DOMAINS).join(', ')}
columns, formats and rules: README.md, "Importing data"`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const flags = new Set(['--dry-run', '--delete']);
  const valued = new Map<string, string>();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--structure' || argv[i] === '--data-through') {
      if (argv[i + 1] === undefined) {
        console.error(`${argv[i]} needs a value\n${USAGE}`);
        return 2;
      }
      valued.set(argv[i], argv[++i]);
    } else if (!flags.has(argv[i])) args.push(argv[i]);
  }
  const dryRun = argv.includes('--dry-run');
  const unknown = args.find((a) => a.startsWith('--'));
  if (unknown || args.length !== 2) {
    console.error(unknown ? `unknown option ${unknown}\n${USAGE}` : USAGE);
    return 2;
  }
  const structure = valued.get('--structure')?.toUpperCase();
  if (structure !== undefined && structure !== 'THREE_TIER' && structure !== 'TWO_TIER') {
    console.error(`--structure must be THREE_TIER or TWO_TIER, not "${valued.get('--structure')}"\n${USAGE}`);
    return 2;
  }
  const [domain, file] = args;
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const progress = terminalProgress();
  try {
    const s = await importFile({
      config, definition: importDefinition(domain), file, onProgress: progress.onProgress, dryRun, structure, dataThrough: valued.get('--data-through'), delete: argv.includes('--delete'), today: config.TODAY,
    });
    progress.stop();
    const n = (x: number) => x.toLocaleString('en-US');
    const counts = s.deleted ? `${n(s.deleted)} deleted` : `${n(s.inserted)} inserted, ${n(s.updated)} updated, ${n(s.unchanged)} unchanged`;
    console.log(
      `${s.domain}: ${n(s.rows)} row${s.rows === 1 ? '' : 's'} read from ${s.file}: ${s.dryRun ? `dry run, nothing written: would be ${counts}` : counts}; ` +
        `${s.seconds.toFixed(1)} s (rows read, checked and written in ${s.readSeconds.toFixed(1)} s, then indexes ${s.indexSeconds.toFixed(1)} s, summaries ${s.summarySeconds.toFixed(1)} s and ${s.dryRun ? 'rollback' : 'commit'} ${s.commitSeconds.toFixed(1)} s), ${n(Math.round(s.rowsPerSecond))} rows/s`,
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
