/**
 * Auditing person-level reads and every change. Every operation that selects person-level data
 * (marked `@personLevel` in the SDL, lib/person-level.ts), and every mutation (admins' changes to the indicator catalogue), appends a record to the audit log (services/audit/log.ts) before its
 * answer leaves the gateway: who, with which roles and stated purpose, which operation (its text,
 * or its hash when registered) with which variables, whom it asked for, whose data came back
 * (as the subgraphs report it, whether or not an ID was selected), from where, and whether
 * access was refused. If the record cannot be written, the answer is replaced by an error: no
 * person-level data goes out unaudited.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Db } from '../lib/db';
import { logger } from '../lib/logger';
import { metrics } from '../lib/metrics';
import { personalIdsIn } from '../lib/person-level';
import { AuditWriter, type AuditOutcome } from '../services/audit/log';
import { sha256 } from './persisted-operations';
import { stableJson } from './response-cache';
import type { GatewayContext } from './server';

/** Errors that mean access was refused (not a bad query). */
const REFUSALS = new Set(['FORBIDDEN', 'UNAUTHENTICATED', 'PURPOSE_REQUIRED', 'REPLAY_GUARD_UNAVAILABLE']);

export function auditPlugin(db: Db, isRegistered: (hash: string) => boolean): ApolloServerPlugin<GatewayContext> {
  // Concurrent audited reads share a transaction (group commit); each answer still waits for its own record.
  const writer = new AuditWriter(db);
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const analysis = rc.contextValue.analysis;
          // Changes are audited too (an admin's saved indicator): who changed the graph, and when.
          const isChange = rc.operation?.operation === 'mutation';
          if (!(analysis?.personLevel || isChange) || rc.response.body.kind !== 'single') return;
          const result = rc.response.body.singleResult;
          const variables = (rc.request.variables ?? {}) as Record<string, unknown>;
          const requested = personalIdsIn(variables, new Set(analysis?.requestedPersonalIds ?? []));
          // Whose data came back: as the subgraphs say, and any ID the answer shows.
          const returned = personalIdsIn(result.data, new Set(rc.contextValue.personsReturned ?? []));
          const refusals = (result.errors ?? []).filter((e) => REFUSALS.has(String(e.extensions?.code)));
          const outcome: AuditOutcome = refusals.length === 0 ? 'ALLOWED' : returned.size === 0 ? 'DENIED' : 'PARTIAL';
          const identity = rc.contextValue.identity;
          const text = rc.source ?? '';
          const hash = sha256(text);
          try {
            await writer.append({
              at: new Date().toISOString(),
              subject: identity.sub,
              roles: identity.roles,
              operationName: rc.operationName ?? null,
              operationHash: hash,
              operationText: isRegistered(hash) ? null : text,
              variables: Object.keys(variables).length ? stableJson(variables) : null,
              purpose: rc.contextValue.purpose ?? null,
              personalIds: [...new Set([...requested, ...returned])].sort(),
              requestedPersonalIds: [...requested].sort(),
              returnedPersonalIds: [...returned].sort(),
              clientAddress: identity.clientAddress,
              outcome,
              detail: refusals.length ? refusals.map((e) => e.message).join(' | ').slice(0, 4000) : null,
            });
            metrics.auditWrites.inc({ outcome: 'written' });
          } catch (err) {
            metrics.auditWrites.inc({ outcome: 'failed' });
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
