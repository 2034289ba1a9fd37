/**
 * The gateway's request metrics (lib/metrics.ts): every request to /graphql counted by operation
 * name and outcome and timed, including those answered from the response cache and those refused
 * before GraphQL runs (401, 429, 503 STARTING, a body too large).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import { metrics, operationLabel, outcomeOf } from '../lib/metrics';
import type { GatewayContext } from './server';

/** `query Name` at the start of an operation's text: the name of a request answered without parsing it (from the cache). */
const LEADING_NAME = /^\s*(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)/;

function operationNameOf(req: express.Request, res: express.Response): string | undefined {
  if (typeof res.locals.operation === 'string') return res.locals.operation;
  const body = req.body as { operationName?: unknown; query?: unknown } | undefined;
  if (typeof body?.operationName === 'string') return body.operationName;
  return typeof body?.query === 'string' ? LEADING_NAME.exec(body.query)?.[1] : undefined;
}

/** Express middleware, first on /graphql: times the request and counts it when its answer has gone. */
export function measureRequests(): express.RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const operation = operationLabel(operationNameOf(req, res));
      const outcome = (res.locals.outcome as string | undefined) ?? outcomeOf(res.statusCode, res.statusCode < 400, res.statusCode >= 400);
      metrics.requests.inc({ service: 'gateway', operation, outcome });
      metrics.requestSeconds.observe({ service: 'gateway', operation }, (performance.now() - started) / 1000);
    });
    next();
  };
}

/** Notes how a GraphQL answer went (ok, partial, error, refused), for `measureRequests`. */
export function outcomePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const body = rc.response.body.kind === 'single' ? rc.response.body.singleResult : undefined;
          const hasData = !!body?.data && Object.values(body.data).some((v) => v !== null);
          const observed = rc.contextValue.observed;
          if (!observed) return;
          observed.outcome = outcomeOf(rc.response.http.status ?? 200, hasData, !!body?.errors?.length);
          observed.operationName = rc.operationName ?? undefined;
        },
      };
    },
  };
}
