/**
 * What every subgraph service shares: its SDL read from `services/<name>/schema.graphql`, an Apollo
 * Server on Express with `/graphql`, `/health` (liveness), `/ready` (readiness) and `/metrics`,
 * errors that never leak internals, and a `listen` that returns the URL and a `stop`.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type GraphQLFormattedError } from 'graphql';
import { projectRoot } from './areas';
import { logger } from './logger';
import { shortenMessage, shortenValue } from './errors';
import { ANONYMOUS, bodyHashOf, DEV_INTERNAL_SECRET, IDENTITY_HEADER, verifyInternalIdentity, type Identity, type InternalIdentity } from './auth';
import { instrumentPersonLevel, PERSONS_RETURNED_EXTENSION, personLevelState, withPersonLevelState } from './person-level';
import { MemoryReplayGuard, ReplayGuardUnavailable, type ReplayGuard } from './replay-guard';
import { metrics, metricsText, operationLabel, outcomeOf } from './metrics';
import { Readiness, startingError } from './readiness';
import { serverSpan } from './tracing';

/** A subgraph's SDL file: `services/<name>/schema.graphql`, in its domain's folder, or else `schema/<name>.graphql`. */
export function schemaFile(name: string, root = projectRoot()): string {
  const inFolder = path.join(root, 'services', name, 'schema.graphql');
  return fs.existsSync(inFolder) ? inFolder : path.join(root, 'schema', `${name}.graphql`);
}

export function readSchema(name: string): string {
  return fs.readFileSync(schemaFile(name), 'utf8');
}

/**
 * The largest request body a subgraph parses. The gateway's own limits bound what it sends
 * (MAX_AREA_PERIODS units, each with the figures an `@requires` selects): a ranking of all
 * 3,321 communes sends every registered domain's figures of each, about 1 KiB a unit per domain
 * with data, and grows with each domain added (5 MiB was exceeded at seven domains). Subgraph
 * ports are internal; only the gateway's signed requests are answered.
 */
export const SUBGRAPH_BODY_LIMIT = '64mb';

/** A running HTTP service. */
export interface ServiceHandle {
  name: string;
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A subgraph as a pure module: what it serves, built from its dependencies, never listening. */
export interface SubgraphDefinition<C extends BaseContext = BaseContext> {
  name: string;
  typeDefs: string;
  /** Resolvers by type name; each domain types its own, so they are checked there, not here. */
  resolvers: Record<string, unknown>;
  /** A fresh context per request, for the identity the gateway forwarded: per-request DataLoaders live here. */
  context: (identity: Identity) => C;
  /** Throws when the service cannot answer (its database is down). */
  health?: () => Promise<void>;
  /** Called when the service stops (close the database). */
  close?: () => Promise<void>;
}

/** Error codes of a database that cannot be reached (mysql2, knex's pool, SQLite's locks). */
const DATABASE_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'PROTOCOL_CONNECTION_LOST', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR', 'SQLITE_BUSY', 'SQLITE_CANTOPEN']);

/** The database failure behind a resolver's error, if that is what it is. */
function databaseFailure(error: unknown): string | undefined {
  for (let e = error as { code?: string; name?: string; message?: string; originalError?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if ((e.code && DATABASE_DOWN.has(e.code)) || e.name === 'KnexTimeoutError' || /connection is in closed state|Connection lost/i.test(e.message ?? '')) {
      // knex puts the statement before the driver's message ("<sql> - Connection lost: ..."): the cause alone, not the SQL.
      const cause = (e.message ?? '').split(' - ').pop()!.slice(0, 200);
      return e.code ? `${e.code}: ${cause}` : cause;
    }
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return undefined;
}

/**
 * Keeps user errors (BAD_USER_INPUT and other coded errors), long values they quote cut short
 * (graphql-js quotes the variables it cannot coerce); says so when the
 * service's database cannot be reached (`DATABASE_UNAVAILABLE`, naming the service: an operator
 * can act on it), and replaces anything else unexpected by a generic message, logged with its
 * stack on the server.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, service?: string): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
    // At the gateway: a subgraph's own unexpected error, which it logged; name the subgraph.
    const downstream = formatted.extensions?.serviceName;
    if (typeof downstream === 'string') {
      return { message: `The ${downstream} subgraph failed unexpectedly (its log has the details); its fields are null in this answer`, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: downstream } };
    }
    const down = databaseFailure(error);
    if (down && service) {
      logger.warn({ err: error }, 'database unavailable');
      return { message: `The ${service} database is unavailable (${down}); its fields are null in this answer`, path: formatted.path, extensions: { code: 'DATABASE_UNAVAILABLE', serviceName: service } };
    }
    logger.error({ err: error }, 'unexpected error in resolver');
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR', ...(service ? { serviceName: service } : {}) } };
  }
  const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
  if ('value' in extensions) extensions.value = shortenValue(extensions.value);
  return { ...formatted, message: shortenMessage(formatted.message), extensions };
}

/** Listens on host:port (0 for any free port) and resolves with the port taken. */
export async function listenOn(httpServer: http.Server, port: number, host: string): Promise<number> {
  // Keep connections from the gateway open longer than its agent does, so reuse never races a close.
  httpServer.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  return (httpServer.address() as AddressInfo).port;
}

export interface SubgraphOptions<C extends BaseContext> {
  port: number;
  host?: string;
  plugins?: ApolloServerPlugin<C>[];
  /** Verifies the gateway's signature; the development secret by default. */
  internalSecret?: string;
  /** Remembers the forwarded identities already used; this process's memory by default (one replica). */
  replayGuard?: ReplayGuard;
}

/** Adds to a subgraph's answer the persons whose data it holds, for the gateway's audit. */
function personsReturnedPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const persons = personLevelState(contextValue)?.persons;
          if (!persons?.size || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, [PERSONS_RETURNED_EXTENSION]: [...persons].sort() };
        },
      };
    },
  };
}

let replayGuardWarnedAt = 0;
/** One line a minute while the replay guard's store is down (every request meets it). */
function warnReplayGuardDown(service: string, err: unknown): void {
  if (Date.now() - replayGuardWarnedAt < 60_000) return;
  replayGuardWarnedAt = Date.now();
  logger.warn({ service, err }, 'replay guard unavailable: person-level data refused until it is back (repeats within a minute are not logged)');
}

/**
 * A subgraph service that listens before it can answer queries: `/health`, `/ready` and
 * `/metrics` answer at once, `/graphql` answers 503 `STARTING` (with the phase and progress of
 * `readiness`) until `mount` gives it the prepared subgraph. A service that starts seeding a
 * large demo world is thus visible, and says how far it is, instead of refusing connections.
 */
export interface SubgraphShell<C extends BaseContext> {
  readiness: Readiness;
  handle: ServiceHandle;
  /** Builds the GraphQL server of the prepared subgraph and starts answering queries. */
  mount(def: SubgraphDefinition<C>): Promise<void>;
}

export async function openSubgraphShell<C extends BaseContext>(name: string, options: SubgraphOptions<C>): Promise<SubgraphShell<C>> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const readiness = new Readiness(name);
  let def: SubgraphDefinition<C> | undefined;
  let apollo: ApolloServer<C> | undefined;
  // Liveness: the process serves HTTP. Readiness: prepared, and its database answers.
  app.get('/health', (_req, res) => void res.json({ status: 'ok', service: name }));
  app.get('/ready', async (_req, res) => {
    if (!readiness.ready) return void res.status(503).json(readiness.report());
    try {
      await def?.health?.();
      metrics.ready.set({ service: name }, 1);
      res.json(readiness.report());
    } catch (err) {
      metrics.ready.set({ service: name }, 0);
      res.status(503).json({ ...readiness.report(), status: 'unavailable', reason: `database unreachable: ${(err as Error).message ?? err}` });
    }
  });
  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await metricsText();
    res.type(contentType).send(body);
  });
  let graphql: express.RequestHandler = (_req, res) => void res.status(503).setHeader('Retry-After', '2').json(startingError(readiness));
  app.use('/graphql', (req, res, next) => graphql(req, res, next));
  const host = options.host ?? '127.0.0.1';
  const port = await listenOn(httpServer, options.port, host);
  metrics.ready.set({ service: name }, 0);
  const handle: ServiceHandle = {
    name,
    url: `http://${host}:${port}/graphql`,
    port,
    stop: async () => {
      if (apollo) await apollo.stop();
      else await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await def?.close?.();
    },
  };
  const mount = async (prepared: SubgraphDefinition<C>) => {
    readiness.phase('starting the GraphQL server');
    def = prepared;
    const schema = buildSubgraphSchema({ typeDefs: parse(prepared.typeDefs), resolvers: prepared.resolvers as GraphQLResolverMap<unknown> });
    instrumentPersonLevel(schema);
    apollo = new ApolloServer<C>({
      schema,
      formatError: (formatted, error) => formatError(formatted, error, name),
      includeStacktraceInErrorResponses: false,
      plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled(),
        // Traces are for Apollo's hosted studio, which this deployment does not report to.
        ApolloServerPluginInlineTraceDisabled(),
        // Cache hints per field are not used (the gateway caches whole answers, invalidated by
        // data versions), and the plugin ran a hook for every field of every entity.
        ApolloServerPluginCacheControlDisabled(),
        requestMetricsPlugin(name),
        personsReturnedPlugin<C>(),
        ...(options.plugins ?? [])],
    });
    await apollo.start();
    const secret = options.internalSecret ?? DEV_INTERNAL_SECRET;
    const replayGuard = options.replayGuard ?? new MemoryReplayGuard();
    const identities = new WeakMap<express.Request, { identity: Identity; replayUnchecked: boolean }>();
    const bodyHashes = new WeakMap<express.Request, string>();
    const refuse = (res: express.Response, reason: string) => res.status(401).json({ errors: [{ message: `Unauthorized: ${reason}`, extensions: { code: 'UNAUTHENTICATED' } }] });
    // Only the gateway may call a subgraph: a request without a valid signature, made for this
    // very body and this subgraph, and never used before, is refused before GraphQL sees it.
    const requireGateway: express.RequestHandler = async (req, res, next) => {
      let verified: InternalIdentity;
      try {
        verified = await verifyInternalIdentity(secret, req.get(IDENTITY_HEADER), bodyHashes.get(req) ?? bodyHashOf(''), name);
      } catch (err) {
        return void refuse(res, (err as Error).message);
      }
      let replayUnchecked = false;
      try {
        if (!(await replayGuard.firstUse(`${name}:${verified.jti}`, verified.expiresAt))) return void refuse(res, 'this identity was used before: a request is answered once');
      } catch (err) {
        if (!(err instanceof ReplayGuardUnavailable)) throw err;
        // Fail closed for people, open for figures: the request goes on, refused person-level data.
        replayUnchecked = true;
        warnReplayGuardDown(name, err);
      }
      identities.set(req, { identity: verified.identity, replayUnchecked });
      next();
    };
    const router = express.Router();
    router.use(
      // The body's hash is taken from the bytes received, before parsing.
      express.json({ limit: SUBGRAPH_BODY_LIMIT, verify: (req, _res, bytes) => void bodyHashes.set(req as express.Request, bodyHashOf(bytes)) }),
      serverSpan(name),
      requireGateway,
      expressMiddleware(apollo, {
        context: async ({ req }) => {
          const known = identities.get(req);
          return withPersonLevelState(prepared.context(known?.identity ?? ANONYMOUS), known?.replayUnchecked ?? false);
        },
      }),
    );
    graphql = router;
    readiness.markReady();
    metrics.ready.set({ service: name }, 1);
  };
  return { readiness, handle, mount };
}

/** Starts a subgraph already prepared (its database migrated and filled): ready as soon as it listens. */
export async function startSubgraph<C extends BaseContext>(def: SubgraphDefinition<C>, options: SubgraphOptions<C>): Promise<ServiceHandle> {
  const shell = await openSubgraphShell(def.name, options);
  await shell.mount(def);
  return shell.handle;
}

/** Counts and times the GraphQL requests a subgraph answers. */
function requestMetricsPlugin<C extends BaseContext>(service: string): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const stop = metrics.requestSeconds.startTimer();
      return {
        async willSendResponse(rc) {
          const operation = operationLabel(rc.operationName);
          stop({ service, operation });
          const body = rc.response.body.kind === 'single' ? rc.response.body.singleResult : undefined;
          metrics.requests.inc({ service, operation, outcome: outcomeOf(rc.response.http.status ?? 200, !!body?.data, !!body?.errors?.length) });
        },
      };
    },
  };
}
