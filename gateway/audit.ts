/**
 * Auditing person-level reads. Every operation that selects person-level data (see
 * PERSON_LEVEL_TYPES) appends a record to the audit log (services/audit/log.ts) before its
 * answer leaves the gateway: who, with which roles, which operation, which personal IDs came
 * back, from where, and whether access was refused. If the record cannot be written, the
 * answer is replaced by an error: no person-level data goes out unaudited.
 */
import crypto from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Db } from '../lib/db';
import { logger } from '../lib/logger';
import { appendAudit, type AuditOutcome } from '../services/audit/log';
import type { GatewayContext } from './server';

const PERSONAL_ID = /^\d{12}$/;

/** Every 12-digit string in an answer: personal IDs are the only such values the graph returns. */
export function personalIdsIn(data: unknown, out = new Set<string>()): Set<string> {
  if (typeof data === 'string') {
    if (PERSONAL_ID.test(data)) out.add(data);
  } else if (Array.isArray(data)) {
    for (const v of data) personalIdsIn(v, out);
  } else if (data && typeof data === 'object') {
    for (const v of Object.values(data)) personalIdsIn(v, out);
  }
  return out;
}

export function auditPlugin(db: Db): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          if (!rc.document || !rc.operation || rc.response.body.kind !== 'single') return;
          const analysis = rc.contextValue.analysis;
          if (!analysis?.personLevel) return;
          const result = rc.response.body.singleResult;
          const ids = [...personalIdsIn(result.data)];
          const refusals = (result.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN' || e.extensions?.code === 'UNAUTHENTICATED');
          const outcome: AuditOutcome = refusals.length === 0 ? 'ALLOWED' : ids.length === 0 ? 'DENIED' : 'PARTIAL';
          const identity = rc.contextValue.identity;
          try {
            await appendAudit(db, {
              at: new Date().toISOString(),
              subject: identity.sub,
              roles: identity.roles,
              operationName: rc.operationName ?? null,
              operationHash: crypto.createHash('sha256').update(rc.source ?? '').digest('hex'),
              personalIds: ids,
              clientAddress: identity.clientAddress,
              outcome,
              detail: refusals.length ? refusals.map((e) => e.message).join(' | ').slice(0, 4000) : null,
            });
          } catch (err) {
            logger.error({ err }, 'audit record could not be written: person-level answer withheld');
            rc.response.body.singleResult = {
              errors: [{ message: 'The audit log is unavailable, so person-level data cannot be returned now', extensions: { code: 'AUDIT_UNAVAILABLE' } }],
            };
            if (rc.response.http) rc.response.http.status = 503;
          }
        },
      };
    },
  };
}
