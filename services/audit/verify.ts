/**
 * Checks the audit log's hash chain (./log.ts), page by page in id order: each record's hash
 * against its content, each record's link to the one before it, the head against the last
 * record, and the index of persons against the records. Run by `npm run audit:verify`.
 *
 * What it detects: a record altered (its hash no longer matches), deleted (the next record's
 * link breaks; the last one: the head no longer matches), inserted (its link or hash), or left
 * out of the persons' index (an admin listing the reads of that person would miss it). What it
 * cannot: someone able to rewrite the whole table and the head consistently; keep the head hash
 * it prints somewhere else and pass it as `--expect-head` to rule that out.
 */
import type { Db } from '../../lib/db';
import { AUDIT_TABLES, chainHash, GENESIS_HASH } from './log';

export interface ChainReport {
  records: number;
  /** The last record's id and hash, as recomputed. */
  lastId: number | null;
  headHash: string;
  problems: string[];
}

const PAGE = 1000;
/** Past this many problems the rest are counted, not listed. */
const SHOWN = 100;

export async function verifyAuditChain(db: Db): Promise<ChainReport> {
  const problems: string[] = [];
  let more = 0;
  const problem = (text: string) => (problems.length < SHOWN ? problems.push(text) : more++);
  let previous = GENESIS_HASH;
  let previousId: number | null = null;
  let records = 0;
  for (let after = -1; ; ) {
    const rows = await db(AUDIT_TABLES.log).where('id', '>', after).orderBy('id').limit(PAGE);
    if (rows.length === 0) break;
    const last = Number(rows[rows.length - 1].id);
    const indexed = new Map<number, Set<string>>();
    for (const p of await db(AUDIT_TABLES.persons).whereBetween('audit_id', [after + 1, last])) {
      const id = Number(p.audit_id);
      if (!indexed.has(id)) indexed.set(id, new Set());
      indexed.get(id)!.add(String(p.personal_id));
    }
    for (const row of rows) {
      const id = Number(row.id);
      records++;
      if (row.prev_hash !== previous) {
        problem(previousId === null
          ? `record ${id}: the chain does not start here (its previous hash is not the genesis hash): records before it were deleted`
          : `record ${id}: its previous hash is not record ${previousId}'s hash: records between ${previousId} and ${id} were deleted, or one of them was altered or inserted`);
      }
      const expected = chainHash(String(row.prev_hash), id, row);
      if (row.hash !== expected) problem(`record ${id}: its content does not match its hash: the record was altered`);
      // Going on from the stored hash: one altered record is reported once, not with every record after it.
      previous = String(row.hash);
      previousId = id;
      const named = new Set(String(row.personal_ids).split(';').filter(Boolean));
      const index = indexed.get(id) ?? new Set<string>();
      for (const p of named) if (!index.has(p)) problem(`record ${id}: person ${p} is missing from the persons' index (the reads of ${p} would not list this record)`);
      for (const p of index) if (!named.has(p)) problem(`record ${id}: the persons' index names ${p}, whom the record does not name`);
      indexed.delete(id);
    }
    for (const id of indexed.keys()) problem(`the persons' index names record ${id}, which is not in the log (deleted)`);
    after = last;
  }
  const head = await db(AUDIT_TABLES.head).where({ id: 1 }).first();
  if (!head) problem('the chain head is missing');
  else {
    if (Number(head.last_id) !== (previousId ?? 0)) {
      problem(previousId === null || Number(head.last_id) > previousId
        ? `the head says the last record is ${head.last_id}, the log ends at ${previousId ?? 'nothing'}: the last records were deleted`
        : `the log goes on past record ${head.last_id}, where the head says it ends: records were added outside the chain`);
    } else if (head.hash !== previous) problem(`the head's hash is not record ${previousId}'s hash: the last record was altered or replaced`);
  }
  if (more) problems.push(`... and ${more} more problems`);
  return { records, lastId: previousId, headHash: previous, problems };
}
