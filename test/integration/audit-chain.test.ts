/**
 * The audit chain on a database that already held records: the migration chains them in id
 * order and indexes their persons, new records go on from the last one, and the verification
 * finds the whole log intact (then not, once a legacy record is changed). Records written
 * together (the gateway's group commit) make the same chain as records written one by one.
 */
import { dropAllTables, migrate, openDb } from '../../lib/db';
import { appendAudit, AuditWriter, auditMigrations, GENESIS_HASH, readAudit, type AuditRecord } from '../../services/audit/log';
import { verifyAuditChain } from '../../services/audit/verify';
import { testDatabases } from '../helpers/graph';

const EVERYTHING = { from: '0000-01-01T00:00:00.000Z', to: '9999-12-31T00:00:00.000Z' };

describe.each(testDatabases())('the audit chain on $label', (database) => {
  test('records from before the chain are chained by the migration, and the log goes on from them', async () => {
    const db = await openDb(database.config('auditchain'), 'audit');
    try {
      await dropAllTables(db);
      await migrate(db, { '001_audit_log': auditMigrations['001_audit_log'] }, 'audit_migrations');
      const legacy = [
        { at: '2025-01-02T03:04:05.000Z', subject: 'officer-1', roles: 'officer', operation_name: 'Citizen', operation_hash: 'a'.repeat(64), personal_ids: '001090000001', client_address: '10.0.0.1', outcome: 'ALLOWED', detail: null },
        { at: '2025-01-02T03:04:06.000Z', subject: 'analyst-1', roles: 'analyst', operation_name: null, operation_hash: 'b'.repeat(64), personal_ids: '', client_address: '10.0.0.2', outcome: 'DENIED', detail: 'Not allowed' },
        { at: '2025-01-02T03:04:07.000Z', subject: 'admin-1', roles: 'admin', operation_name: null, operation_hash: 'c'.repeat(64), personal_ids: '001090000001;030190000002', client_address: null, outcome: 'ALLOWED', detail: null },
      ];
      for (const row of legacy) await db('audit_log').insert(row);
      await migrate(db, auditMigrations, 'audit_migrations');

      const before = await verifyAuditChain(db);
      expect(before).toMatchObject({ records: 3, problems: [] });
      const stored = await readAudit(db, EVERYTHING);
      expect(stored.map((r) => [r.id, r.previousHash === (stored[r.id - 2]?.hash ?? GENESIS_HASH), r.returnedPersonalIds])).toEqual([
        [1, true, ['001090000001']],
        [2, true, []],
        [3, true, ['001090000001', '030190000002']],
      ]);
      expect((await readAudit(db, { ...EVERYTHING, personalId: '001090000001' })).map((r) => r.id)).toEqual([1, 3]);

      const next = await appendAudit(db, {
        at: '2025-02-01T00:00:00.000Z', subject: 'officer-2', roles: ['officer'], operationName: null, operationHash: 'd'.repeat(64), operationText: '{ citizen(id: "030190000002") { fullName } }',
        variables: null, purpose: 'case 7', personalIds: ['030190000002'], requestedPersonalIds: ['030190000002'], returnedPersonalIds: ['030190000002'], clientAddress: '10.0.0.3', outcome: 'ALLOWED', detail: null,
      });
      expect({ id: next.id, previousHash: next.previousHash }).toEqual({ id: 4, previousHash: stored[2].hash });
      expect(await verifyAuditChain(db)).toMatchObject({ records: 4, problems: [], headHash: next.hash });

      await db.raw('DROP TRIGGER audit_log_no_update');
      await db('audit_log').where({ id: 1 }).update({ subject: 'someone-else' });
      expect((await verifyAuditChain(db)).problems).toEqual(['record 1: its content does not match its hash: the record was altered']);
    } finally {
      await db.destroy();
    }
  });
  test('records handed in at once are written together, each chained to the one before, and each caller learns its own id', async () => {
    const db = await openDb(database.config('auditgroup'), 'audit');
    try {
      await dropAllTables(db);
      await migrate(db, auditMigrations, 'audit_migrations');
      const record = (i: number): AuditRecord => ({
        at: `2025-03-01T00:00:${String(i).padStart(2, '0')}.000Z`, subject: `officer-${i}`, roles: ['officer'], operationName: null, operationHash: 'e'.repeat(64),
        operationText: null, variables: null, purpose: null, personalIds: [`0010900000${String(i).padStart(2, '0')}`], requestedPersonalIds: [], returnedPersonalIds: [`0010900000${String(i).padStart(2, '0')}`], clientAddress: null, outcome: 'ALLOWED', detail: null,
      });
      let statements = 0;
      const count = () => void statements++;
      db.on('query', count);
      const writer = new AuditWriter(db);
      // Twelve at once: the first goes alone, the eleven that wait for it go in one transaction.
      const stored = await Promise.all(Array.from({ length: 12 }, (_, i) => writer.append(record(i + 1))));
      db.off('query', count);
      expect(stored.map((r) => [r.id, r.subject])).toEqual(Array.from({ length: 12 }, (_, i) => [i + 1, `officer-${i + 1}`]));
      expect(stored.every((r, i) => r.previousHash === (i === 0 ? GENESIS_HASH : stored[i - 1].hash))).toBe(true);
      // A transaction is BEGIN, head update and read, two inserts, head update, COMMIT: two of
      // them (the first record, then the other eleven) where one by one would take twelve.
      expect(statements).toBe(2 * 7);
      expect(await verifyAuditChain(db)).toMatchObject({ records: 12, problems: [], headHash: stored[11].hash });
      expect((await readAudit(db, { ...EVERYTHING, personalId: '001090000007' })).map((r) => r.id)).toEqual([7]);
    } finally {
      await db.destroy();
    }
  });
});
