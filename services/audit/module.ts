/** The audit domain: the log of person-level reads, readable by admins. */
import { databaseSubgraph, type DomainModule } from '../../lib/domain';
import { forbidden, isAdmin, requireAnyRole, type Identity } from '../../lib/auth';
import { badInput } from '../../lib/errors';
import { isIsoDate } from '../../lib/periods';
import { assertPersonalId } from '../../lib/personal-id';
import type { Db } from '../../lib/db';
import { auditMigrations, readAudit } from './log';

/** A date `YYYY-MM-DD` (the whole day) or an ISO timestamp, as an ISO timestamp. */
function instant(text: string, argumentName: string, endOfDay: boolean): string {
  if (isIsoDate(text)) {
    const d = new Date(`${text}T00:00:00.000Z`);
    if (endOfDay) d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString();
  }
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw badInput(`Invalid ${argumentName} "${text}": expected YYYY-MM-DD or an ISO timestamp in UTC such as 2024-11-13T08:00:00Z`, { argumentName, value: text });
  return new Date(ms).toISOString();
}

/** Bounds of a search without `from` or `to`: every record. */
const EARLIEST = '0000-01-01T00:00:00.000Z';
const LATEST = '9999-12-31T23:59:59.999Z';

export const auditModule: DomainModule = {
  name: 'audit',
  port: 4008,
  migrations: auditMigrations,
  createSubgraph: ({ db }) =>
    databaseSubgraph('audit', db!, {
      Query: {
        auditLog: (_: unknown, args: { from?: string | null; to?: string | null; subject?: string | null; personalId?: string | null }, ctx: { identity: Identity; db: Db }) => {
          requireAnyRole(ctx.identity, 'the audit log');
          if (!isAdmin(ctx.identity)) throw forbidden('Only admins may read the audit log');
          if (args.personalId != null) assertPersonalId(args.personalId, 'personalId');
          return readAudit(ctx.db, {
            from: args.from == null ? EARLIEST : instant(args.from, 'from', false),
            to: args.to == null ? LATEST : instant(args.to, 'to', true),
            subject: args.subject,
            personalId: args.personalId,
          });
        },
      },
    }, (identity) => ({ identity, db: db! })),
};
