/**
 * The audit log of person-level reads: an append-only table in the audit domain's own
 * database. The gateway appends one record per operation that reads person-level data, before
 * it returns any (lib: gateway/audit.ts); this subgraph lets admins read the log back.
 */
import type { Knex } from 'knex';
import { isMysql, type Db } from '../../lib/db';

export type AuditOutcome = 'ALLOWED' | 'DENIED' | 'PARTIAL';

export interface AuditRecord {
  /** ISO timestamp (UTC, milliseconds). */
  at: string;
  subject: string | null;
  roles: string[];
  operationName: string | null;
  /** SHA-256 of the operation's text. */
  operationHash: string;
  /** The personal IDs the answer contained. */
  personalIds: string[];
  clientAddress: string | null;
  outcome: AuditOutcome;
  /** The errors that denied access, if any. */
  detail: string | null;
}

export const auditMigrations: Record<string, Knex.Migration> = {
  '001_audit_log': {
    async up(db) {
      await db.schema.createTable('audit_log', (t) => {
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
      // Append-only in the database itself, whoever connects.
      if (isMysql(db as Db)) {
        for (const op of ['UPDATE', 'DELETE']) {
          await db.raw(`CREATE TRIGGER audit_log_no_${op.toLowerCase()} BEFORE ${op} ON audit_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only'`);
        }
      } else {
        for (const op of ['UPDATE', 'DELETE']) {
          await db.raw(`CREATE TRIGGER audit_log_no_${op.toLowerCase()} BEFORE ${op} ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`);
        }
      }
    },
    async down(db) {
      await db.schema.dropTable('audit_log');
    },
  },
};

export async function appendAudit(db: Db, record: AuditRecord): Promise<void> {
  await db('audit_log').insert({
    at: record.at,
    subject: record.subject,
    roles: record.roles.join(','),
    operation_name: record.operationName,
    operation_hash: record.operationHash,
    personal_ids: record.personalIds.join(';'),
    client_address: record.clientAddress,
    outcome: record.outcome,
    detail: record.detail,
  });
}

export const AUDIT_PAGE_LIMIT = 1000;

/** Records from `from` to `to` (ISO timestamps, `to` exclusive), optionally of one subject, oldest first. */
export async function readAudit(db: Db, from: string, to: string, subject?: string | null): Promise<(AuditRecord & { id: number })[]> {
  const q = db('audit_log').where('at', '>=', from).andWhere('at', '<', to).orderBy('id').limit(AUDIT_PAGE_LIMIT);
  if (subject) q.andWhere('subject', subject);
  const rows = await q;
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    subject: r.subject ?? null,
    roles: String(r.roles).split(',').filter(Boolean),
    operationName: r.operation_name ?? null,
    operationHash: r.operation_hash,
    personalIds: String(r.personal_ids).split(';').filter(Boolean),
    clientAddress: r.client_address ?? null,
    outcome: r.outcome,
    detail: r.detail ?? null,
  }));
}
