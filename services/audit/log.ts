/**
 * The audit log of person-level reads: an append-only table in the audit domain's own
 * database. The gateway appends one record per operation that reads person-level data, before
 * it returns any (gateway/audit.ts); this subgraph lets admins read the log back, by time,
 * subject or person.
 *
 * Records are chained: each stores the hash of the one before it, and a one-row head table holds
 * the last record's id and hash, updated in the same transaction. Appending starts by updating
 * the head, which takes its lock (the row's in MySQL, the database's in SQLite), so gateways
 * writing at once append one after the other. A record altered, deleted or inserted afterwards
 * breaks the chain, and `npm run audit:verify` (./verify.ts) says where.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../../lib/db';
import { refusingTriggerSql } from '../../lib/dialect';

export type AuditOutcome = 'ALLOWED' | 'DENIED' | 'PARTIAL';

export interface AuditRecord {
  /** ISO timestamp (UTC, milliseconds). */
  at: string;
  subject: string | null;
  roles: string[];
  operationName: string | null;
  /** SHA-256 of the operation's text. */
  operationHash: string;
  /** The operation's text; null for a registered operation (operations/), which its hash names. */
  operationText: string | null;
  /** The variables, as JSON with sorted keys; null when there were none. */
  variables: string | null;
  /** The purpose the caller stated (X-Purpose). */
  purpose: string | null;
  /** Every person the read concerned: asked for or returned. */
  personalIds: string[];
  /** Personal IDs among the operation's arguments and variables. */
  requestedPersonalIds: string[];
  /** Persons whose data the answer held, whether or not it showed their ID. */
  returnedPersonalIds: string[];
  clientAddress: string | null;
  outcome: AuditOutcome;
  /** The errors that denied access, if any. */
  detail: string | null;
}

export interface StoredAuditRecord extends AuditRecord {
  id: number;
  /** The hash of the record before this one (64 zeros for the first). */
  previousHash: string;
  /** SHA-256 of the previous hash and this record's content. */
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
const TABLE = 'audit_log';
const PERSONS = 'audit_log_persons';
const HEAD = 'audit_chain_head';

/** Limits of the columns: longer values are cut before hashing, so the row stored is the row hashed. */
const COLUMN_CHARS = { subject: 200, operation_name: 200, client_address: 64, purpose: 500 } as const;

/** A record as its table row (without id and hashes): the form that is hashed and stored. */
function toRow(r: AuditRecord) {
  const cut = (v: string | null, n: number) => (v === null ? null : v.slice(0, n));
  return {
    at: r.at,
    subject: cut(r.subject, COLUMN_CHARS.subject),
    roles: r.roles.join(','),
    operation_name: cut(r.operationName, COLUMN_CHARS.operation_name),
    operation_hash: r.operationHash,
    operation_text: r.operationText,
    variables: r.variables,
    purpose: cut(r.purpose, COLUMN_CHARS.purpose),
    personal_ids: r.personalIds.join(';'),
    requested_ids: r.requestedPersonalIds.join(';'),
    returned_ids: r.returnedPersonalIds.join(';'),
    client_address: cut(r.clientAddress, COLUMN_CHARS.client_address),
    outcome: r.outcome,
    detail: r.detail,
  };
}
type AuditRow = ReturnType<typeof toRow>;

/** The hash that chains a row (as stored, id included) to the one before it. */
export function chainHash(previousHash: string, id: number, row: AuditRow): string {
  const content = JSON.stringify([
    id,
    row.at,
    row.subject ?? null,
    row.roles,
    row.operation_name ?? null,
    row.operation_hash,
    row.operation_text ?? null,
    row.variables ?? null,
    row.purpose ?? null,
    row.personal_ids,
    row.requested_ids ?? '',
    row.returned_ids ?? '',
    row.client_address ?? null,
    row.outcome,
    row.detail ?? null,
  ]);
  return crypto.createHash('sha256').update(previousHash).update('\n').update(content).digest('hex');
}

/** UPDATE and DELETE refused by the database itself, whoever connects (`ops`: which). */
async function appendOnly(db: Knex, table: string, ops: ('UPDATE' | 'DELETE')[]): Promise<void> {
  for (const op of ops) {
    const name = `${table}_no_${op.toLowerCase()}`;
    await db.raw(refusingTriggerSql(db, name, op, table, `${table} is append-only`));
  }
}

export const auditMigrations: Record<string, Knex.Migration> = {
  '001_audit_log': {
    async up(db) {
      await db.schema.createTable(TABLE, (t) => {
        t.bigIncrements('id').primary();
        t.string('at', 24).notNullable().index();
        t.string('subject', 200).nullable().index();
        t.string('roles', 100).notNullable();
        t.string('operation_name', 200).nullable();
        t.string('operation_hash', 64).notNullable();
        t.text('personal_ids').notNullable();
        t.string('client_address', 64).nullable();
        t.string('outcome', 10).notNullable();
        t.text('detail').nullable();
      });
      await appendOnly(db, TABLE, ['UPDATE', 'DELETE']);
    },
    async down(db) {
      await db.schema.dropTable(TABLE);
    },
  },
  '002_who_read_whom_chained': {
    async up(db) {
      await db.schema.alterTable(TABLE, (t) => {
        t.text('operation_text', 'mediumtext').nullable();
        t.text('variables', 'mediumtext').nullable();
        t.string('purpose', COLUMN_CHARS.purpose).nullable();
        t.text('requested_ids').nullable();
        t.text('returned_ids').nullable();
        t.string('prev_hash', 64).nullable();
        t.string('hash', 64).nullable();
      });
      // Every read of one person, by the index of the persons each record names.
      await db.schema.createTable(PERSONS, (t) => {
        t.string('personal_id', 12).notNullable();
        t.bigInteger('audit_id').notNullable();
        t.primary(['personal_id', 'audit_id']);
      });
      await db.schema.createTable(HEAD, (t) => {
        t.integer('id').primary();
        t.bigInteger('last_id').notNullable();
        t.string('hash', 64).notNullable();
      });
      // Records written before the chain existed are chained now, in id order (the triggers
      // make way for it, then come back).
      for (const op of ['update', 'delete']) await db.raw(`DROP TRIGGER IF EXISTS ${TABLE}_no_${op}`);
      let previous = GENESIS_HASH;
      let lastId = 0;
      for (let after = 0; ; ) {
        const rows = await db(TABLE).where('id', '>', after).orderBy('id').limit(1000);
        if (rows.length === 0) break;
        for (const row of rows) {
          const id = Number(row.id);
          const hash = chainHash(previous, id, { ...row, requested_ids: '', returned_ids: String(row.personal_ids) });
          await db(TABLE).where({ id }).update({ requested_ids: '', returned_ids: row.personal_ids, prev_hash: previous, hash });
          const persons = String(row.personal_ids).split(';').filter(Boolean);
          if (persons.length) await db(PERSONS).insert(persons.map((p) => ({ personal_id: p, audit_id: id })));
          previous = hash;
          lastId = id;
        }
        after = lastId;
      }
      await db(HEAD).insert({ id: 1, last_id: lastId, hash: previous });
      await appendOnly(db, TABLE, ['UPDATE', 'DELETE']);
      await appendOnly(db, PERSONS, ['UPDATE', 'DELETE']);
      await appendOnly(db, HEAD, ['DELETE']);
    },
    async down(db) {
      await db.schema.dropTable(HEAD);
      await db.schema.dropTable(PERSONS);
    },
  },
};

/** Appends a record at the end of the chain; answers it as stored. */
export async function appendAudit(db: Db, record: AuditRecord): Promise<StoredAuditRecord> {
  return (await appendAudits(db, [record]))[0];
}

/**
 * Appends records at the end of the chain in the order given, in one transaction: the head is
 * moved once, every record chained to the one before it, and all rows inserted by one statement
 * per table. Answers them as stored.
 */
export async function appendAudits(db: Db, records: AuditRecord[]): Promise<StoredAuditRecord[]> {
  if (records.length === 0) return [];
  const rows = records.map(toRow);
  return db.transaction(async (trx) => {
    // A write first: it takes the head's lock before anything is read, so that two gateways
    // never chain two records to the same predecessor.
    await trx(HEAD).where({ id: 1 }).increment('last_id', rows.length);
    const head = await trx(HEAD).where({ id: 1 }).first();
    const firstId = Number(head.last_id) - rows.length + 1;
    let previousHash = String(head.hash);
    const stored: StoredAuditRecord[] = [];
    const tableRows: Record<string, unknown>[] = [];
    const personRows: { personal_id: string; audit_id: number }[] = [];
    rows.forEach((row, i) => {
      const id = firstId + i;
      const hash = chainHash(previousHash, id, row);
      tableRows.push({ id, ...row, prev_hash: previousHash, hash });
      for (const p of records[i].personalIds) personRows.push({ personal_id: p, audit_id: id });
      stored.push({ ...records[i], id, previousHash, hash });
      previousHash = hash;
    });
    await trx(TABLE).insert(tableRows);
    if (personRows.length) await trx(PERSONS).insert(personRows);
    await trx(HEAD).where({ id: 1 }).update({ hash: previousHash });
    return stored;
  });
}

/**
 * Group commit: records handed in while a write is running are written together by the next
 * one (`appendAudits`), so that concurrent audited reads share one transaction instead of
 * queueing for the head's lock one by one. Each caller's promise settles when its own record
 * is committed, or fails: the caller withholds its answer, as before. A batch that fails is
 * retried record by record, so that one record the database refuses never costs the others.
 */
export class AuditWriter {
  private queue: { record: AuditRecord; resolve: (r: StoredAuditRecord) => void; reject: (e: unknown) => void }[] = [];
  private writing = false;

  constructor(private readonly db: Db, private readonly maxBatch = 200) {}

  append(record: AuditRecord): Promise<StoredAuditRecord> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const stored = await appendAudits(this.db, batch.map((b) => b.record));
          batch.forEach((b, i) => b.resolve(stored[i]));
        } catch (err) {
          if (batch.length === 1) batch[0].reject(err);
          else for (const b of batch) await appendAudit(this.db, b.record).then(b.resolve, b.reject);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

export const AUDIT_PAGE_LIMIT = 1000;

const ids = (v: unknown) => String(v ?? '').split(';').filter(Boolean);

/** A stored row as a record. */
export function fromRow(r: Record<string, any>): StoredAuditRecord {
  return {
    id: Number(r.id),
    at: r.at,
    subject: r.subject ?? null,
    roles: String(r.roles).split(',').filter(Boolean),
    operationName: r.operation_name ?? null,
    operationHash: r.operation_hash,
    operationText: r.operation_text ?? null,
    variables: r.variables ?? null,
    purpose: r.purpose ?? null,
    personalIds: ids(r.personal_ids),
    requestedPersonalIds: ids(r.requested_ids),
    returnedPersonalIds: ids(r.returned_ids),
    clientAddress: r.client_address ?? null,
    outcome: r.outcome,
    detail: r.detail ?? null,
    previousHash: r.prev_hash ?? GENESIS_HASH,
    hash: r.hash ?? '',
  };
}

export interface AuditFilter {
  /** ISO timestamps, `to` exclusive. */
  from: string;
  to: string;
  subject?: string | null;
  /** Records that asked for or returned this person. */
  personalId?: string | null;
}

/** Records matching the filter, oldest first, at most AUDIT_PAGE_LIMIT. */
export async function readAudit(db: Db, filter: AuditFilter): Promise<StoredAuditRecord[]> {
  const q = db(`${TABLE} as a`).select('a.*').where('a.at', '>=', filter.from).andWhere('a.at', '<', filter.to).orderBy('a.id').limit(AUDIT_PAGE_LIMIT);
  if (filter.subject) q.andWhere('a.subject', filter.subject);
  if (filter.personalId) q.join(`${PERSONS} as p`, 'p.audit_id', 'a.id').andWhere('p.personal_id', filter.personalId);
  return (await q).map(fromRow);
}

export const AUDIT_TABLES = { log: TABLE, persons: PERSONS, head: HEAD } as const;
