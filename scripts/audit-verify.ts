/**
 * `npm run audit:verify [-- --expect-head <hash>]`: checks the audit log's hash chain in the
 * audit database the configuration names (services/audit/verify.ts). Prints the number of
 * records and the head hash and exits 0, or lists what was deleted, altered or inserted and
 * exits 1. `--expect-head`: the head hash printed by an earlier run, kept elsewhere: the log must
 * still contain that record, unchanged.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { openDb } from '../lib/db';
import { AUDIT_TABLES } from '../services/audit/log';
import { verifyAuditChain } from '../services/audit/verify';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'expect-head': { type: 'string' } }, strict: true });
  const config = loadConfig();
  const db = await openDb(config, 'audit');
  try {
    if (!(await db.schema.hasTable(AUDIT_TABLES.head))) {
      console.error('No audit chain in this database: start the gateway once (it migrates the audit database).');
      return 1;
    }
    const report = await verifyAuditChain(db);
    const expected = values['expect-head'];
    if (expected && !(await db(AUDIT_TABLES.log).where({ hash: expected }).first())) {
      report.problems.push(`no record has the hash ${expected} given by --expect-head: that record was deleted or altered, or the log rewritten`);
    }
    if (report.problems.length) {
      console.error(`The audit log FAILED verification (${report.records} records read):`);
      for (const p of report.problems) console.error(`  ${p}`);
      return 1;
    }
    console.log(`The audit log is intact: ${report.records} records, chained; head ${report.headHash}${report.lastId !== null ? ` (record ${report.lastId})` : ''}.`);
    return 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`audit:verify failed: ${(err as Error).message}`);
    process.exit(2);
  },
);
