/** The audit domain: the log of person-level reads, readable by admins. */
import { databaseSubgraph, type DomainModule } from '../../lib/domain';
import { forbidden, isAdmin, requireAnyRole, type Identity } from '../../lib/auth';
import { badInput } from '../../lib/errors';
import { isIsoDate } from '../../lib/periods';
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

export const auditModule: DomainModule = {
  name: 'audit',
  migrations: auditMigrations,
  createSubgraph: ({ db }) =>
    databaseSubgraph('audit', db!, {
      Query: {
        auditLog: (_: unknown, args: { from: string; to: string; subject?: string | null }, ctx: { identity: Identity; db: Db }) => {
          requireAnyRole(ctx.identity, 'the audit log');
          if (!isAdmin(ctx.identity)) throw forbidden('Only admins may read the audit log');
          return readAudit(ctx.db, instant(args.from, 'from', false), instant(args.to, 'to', true), args.subject);
        },
      },
    }, (identity) => ({ identity, db: db! })),
};
