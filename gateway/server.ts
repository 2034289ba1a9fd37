/**
 * The federation gateway: serves the committed supergraph (schema/supergraph.graphql) at
 * /graphql, planning each query across the subgraphs, with GraphiQL for browsers. It builds
 * and listens; `gateway/index.ts` only reads the configuration.
 *
 * It is also where trust starts (lib/auth.ts): it authenticates callers, refuses what an
 * anonymous caller may not read and what exceeds the limits, forwards a signed identity to
 * every subgraph, and audits every operation that reads person-level data before answering.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError } from 'graphql';
import { projectRoot } from '../lib/areas';
import { markPersonLevel } from '../lib/person-level';
import { createUserTokenVerifier, DEV_INTERNAL_SECRET, DEV_JWT_SECRET, signUserToken, type Identity } from '../lib/auth';
import type { Config } from '../lib/config';
import { closeRedis, connectRedis, datasetId, openDataVersions, redisReady } from '../lib/data-versions';
import { migrate, openDb, type Db } from '../lib/db';
import { shortenMessage } from '../lib/errors';
import { logger } from '../lib/logger';
import { metricsText } from '../lib/metrics';
import { listenOn, type ServiceHandle } from '../lib/subgraph';
import { serverSpan } from '../lib/tracing';
import { auditMigrations } from '../services/audit/log';
import { today } from '../lib/today';
import { auditPlugin } from './audit';
import { exportPlugin, type ExportNotes } from './export';
import { EXAMPLE_QUERIES, mountGraphiql } from './graphiql';
import { mountDashboard } from './dashboard';
import { accessPlugin, gatewayFormatError, RequestGuard, variablesDepthGuard } from './limits';
import type { OperationAnalysis } from './operation-analysis';
import { loadPersistedOperations, persistedOperationsPlugin, persistedQueryManifest, REGISTERED_AT_RUN_TIME_TTL, sha256, SharedPersistedCache } from './persisted-operations';
import { MemoryCacheStore, RedisCacheStore, ResponseCache, subgraphsOfPlan, type CacheNotes } from './response-cache';
import { RateLimiter } from './rate-limit';
import { GraphReadiness } from './readiness';
import { measureRequests, outcomePlugin } from './request-metrics';
import { PersonScope, personScopePlugin } from './person-scope';
import { SubgraphClient, subgraphErrorsPlugin } from './subgraph-client';
import { SupergraphSource } from './supergraph-watch';
import { createAnswerer } from './answer';
import { identifyCaller, rateLimit, type Identities } from './callers';

export interface GatewayOptions {
  config: Config;
  /** The supergraph SDL; defaults to the committed schema/supergraph.graphql. */
  supergraphSdl?: string;
  /** Where each subgraph listens, by name; overrides the URLs baked into the supergraph. */
  subgraphUrls: Record<string, string>;
  port: number;
  host?: string;
}

export interface GatewayContext {
  identity: Identity;
  /** The limits plugin's reading of the operation, for the plugins after it. */
  analysis?: OperationAnalysis;
  /** The subgraphs the query plan fetches from. */
  planSubgraphs?: string[];
  /** Where the response cache plugin says whether the answer may be cached. */
  cacheNotes?: CacheNotes;
  /** Present when the answer is asked for as CSV or XLSX (gateway/export). */
  export?: ExportNotes;
  /**
   * How the answer went and the operation's name, for the request metrics (set by
   * `outcomePlugin`). An object of its own: Apollo Server runs each request on a shallow copy of
   * the context.
   */
  observed?: { outcome?: string; operationName?: string };
  /** Errors of subgraph fetches that failed, whose fields are null (gateway/subgraph-client.ts). */
  subgraphErrors?: GraphQLFormattedError[];
  /** Personal IDs of the persons whose data the subgraphs returned, for the audit. */
  personsReturned?: Set<string>;
  /** Why the caller reads person-level data (the X-Purpose header), for the audit. */
  purpose?: string | null;
}

export function readSupergraph(file = 'schema/supergraph.graphql'): string {
  return fs.readFileSync(path.resolve(projectRoot(), file), 'utf8');
}

/** Marks an answer cacheable: a query without errors that selects no person-level data (those are audited one by one). */
function responseCachePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const notes = rc.contextValue.cacheNotes;
          if (!notes || rc.operation?.operation !== 'query' || rc.response.body.kind !== 'single') return;
          if (rc.response.body.singleResult.errors?.length || !rc.contextValue.analysis || rc.contextValue.analysis.personLevel) return;
          const from = rc.contextValue.planSubgraphs ?? [];
          // The audit log grows with every audited read, without a data version to follow it.
          if (from.includes('audit')) return;
          notes.cacheableFrom = from;
        },
      };
    },
  };
}

export async function startGateway(options: GatewayOptions): Promise<ServiceHandle> {
  const { config } = options;
  if (config.NODE_ENV === 'production' && (config.JWT_SECRET === DEV_JWT_SECRET || config.INTERNAL_SECRET === DEV_INTERNAL_SECRET)) {
    throw new Error('Refusing to start: NODE_ENV=production with a development secret (JWT_SECRET or INTERNAL_SECRET)');
  }
  const internalSecret = config.INTERNAL_SECRET ?? DEV_INTERNAL_SECRET;
  const verifyToken = await createUserTokenVerifier(config);
  const auditDb: Db = await openDb(config, 'audit');
  await migrate(auditDb, auditMigrations, 'audit_migrations');
  const persisted = loadPersistedOperations();
  today(); // A TODAY that is not a day stops the start here, with its name, rather than every request.

  const supergraphFile = options.supergraphSdl === undefined ? path.resolve(projectRoot(), config.SUPERGRAPH_FILE) : null;
  const supergraph = new SupergraphSource(supergraphFile, options.supergraphSdl ?? readSupergraph(config.SUPERGRAPH_FILE), config.SUPERGRAPH_POLL_MS);
  // Officers read the persons registered in their provinces, whatever the path (gateway/person-scope.ts).
  const personScope = new PersonScope(options.subgraphUrls.residency ?? '', internalSecret, config.SUBGRAPH_TIMEOUT_MS);
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph.hook(),
    buildService: ({ name, url }) =>
      new SubgraphClient({
        name,
        url: options.subgraphUrls[name] ?? url!,
        secret: internalSecret,
        timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
        breakerResetMs: config.SUBGRAPH_BREAKER_RESET_MS,
        // Residency applies the rule to the citizens it serves; every other answer naming persons is checked.
        personScope: name === 'residency' ? undefined : personScope,
      }),
    // What an answer depends on, for the response cache's invalidation.
    experimental_didResolveQueryPlan: ({ queryPlan, requestContext }) => {
      (requestContext.context as GatewayContext).planSubgraphs = [...subgraphsOfPlan(queryPlan.node)];
    },
  });
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, { failFast: true }) : undefined;
  // Connected before the first request, when Redis is there at all; if not, the gateway serves
  // without it (no cache, counts per process) and picks it up when it comes.
  if (redis && !(await redisReady(redis, 2000))) logger.warn({ redis: new URL(config.REDIS_URL!).host }, 'Redis is not reachable: serving without the shared cache and rate counts until it is');
  const dataVersions = openDataVersions(config, redis);
  // Operations sent by hash: the registered ones, and those clients register as they go, shared
  // by every gateway through Redis when there is one.
  const persistedCache = redis ? new SharedPersistedCache(persisted.cache, redis, config.REDIS_KEY_PREFIX) : persisted.cache;
  const responseCache =
    config.RESPONSE_CACHE === 'on'
      ? new ResponseCache({
          store: redis ? new RedisCacheStore(redis, `${config.REDIS_KEY_PREFIX}response:`) : new MemoryCacheStore(config.RESPONSE_CACHE_MAX_MB * 2 ** 20),
          versions: dataVersions,
          subgraphs: Object.keys(options.subgraphUrls).sort(),
          dataset: datasetId(config),
          ttlSeconds: config.RESPONSE_CACHE_TTL_SECONDS,
          persistedText: async (hash) => persistedCache.get(`apq:${hash}`),
          accepts: (text) => !config.PERSISTED_OPERATIONS_ONLY || persisted.hashes.has(sha256(text)),
          // Answers computed on one supergraph are not served on another.
          schemaId: () => supergraph.status.id,
          maxTokens: config.MAX_QUERY_TOKENS,
        })
      : undefined;
  const app = express();
  app.disable('x-powered-by');
  // The client's address is the socket's, unless a proxy the operator named forwarded it: anyone
  // else's X-Forwarded-For would let them pick the address the audit and the anonymous rate
  // limit see.
  app.set('trust proxy', config.TRUSTED_PROXIES.length ? config.TRUSTED_PROXIES : false);
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: gatewayFormatError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // Parsing stops there, long before a 100 kB body's worth of tokens (gateway/limits.ts).
    parseOptions: { maxTokens: config.MAX_QUERY_TOKENS },
    persistedQueries: { cache: persistedCache, ttl: REGISTERED_AT_RUN_TIME_TTL },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // First among the plugins that read the answer's errors: the audit, the cache, the metrics.
      subgraphErrorsPlugin(),
      persistedOperationsPlugin(persisted, config.PERSISTED_OPERATIONS_ONLY),
      accessPlugin(config),
      personScopePlugin(personScope),
      auditPlugin(auditDb, (hash) => persisted.hashes.has(hash)),
      responseCachePlugin(),
      exportPlugin(),
      outcomePlugin(),
    ],
  });
  const guard = new RequestGuard(config, { isRegistered: (hash) => persisted.hashes.has(hash), text: async (hash) => persistedCache.get(`apq:${hash}`) });
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => guard.useSchema(markPersonLevel(apiSchema, coreSupergraphSdl)));
  await apollo.start();

  const identities: Identities = new WeakMap();
  const limiter = new RateLimiter(config.RATE_LIMIT_PER_MINUTE, { redis, keyPrefix: config.REDIS_KEY_PREFIX });
  const readiness = new GraphReadiness(options.subgraphUrls);
  // Liveness: the process answers. Readiness: every subgraph is ready.
  app.get('/health', (_req, res) => res.json({ status: 'ok', service: 'gateway' }));
  app.get('/ready', readiness.handler(() => ({ supergraph: supergraph.status })));
  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await metricsText();
    res.type(contentType).send(body);
  });
  // On a development machine (development secret, not production) GraphiQL comes with an
  // analyst's token in its Headers tab, so the example queries run as they are; made afresh for
  // each page, since tokens live at most JWT_MAX_LIFETIME.
  const devHeaders = config.NODE_ENV !== 'production' && !config.JWT_SECRET && !config.JWT_PUBLIC_KEY_FILE && !config.JWT_JWKS_FILE
    ? async () => ({ Authorization: `Bearer ${await signUserToken(DEV_JWT_SECRET, { sub: 'graphiql-analyst', roles: ['analyst'] }, `${config.JWT_MAX_LIFETIME}s`)}` })
    : undefined;
  // Every registered operation is an example tab too, after the hand-written ones.
  mountGraphiql(app, '/graphql', devHeaders, [...EXAMPLE_QUERIES, ...persisted.operations.map((op) => ({ query: op.text, variables: op.exampleVariables }))]);
  // The dashboard, on the registered operations only (gateway/dashboard); the development token as GraphiQL's.
  mountDashboard(app, {
    endpoint: '/graphql',
    persisted,
    devHeaders,
    oidc: config.DASHBOARD_OIDC_ISSUER && config.DASHBOARD_OIDC_CLIENT_ID
      ? { issuer: config.DASHBOARD_OIDC_ISSUER, clientId: config.DASHBOARD_OIDC_CLIENT_ID, scope: config.DASHBOARD_OIDC_SCOPE, resource: config.DASHBOARD_OIDC_RESOURCE ?? null }
      : undefined,
  });
  const manifest = persistedQueryManifest(persisted);
  app.get('/persisted-operations.json', (_req, res) => void res.set('cache-control', `public, max-age=${config.HTTP_CACHE_MAX_AGE_SECONDS}`).json(manifest));
  const answer = createAnswerer({ apollo, guard, responseCache, config, identities });
  app.use(
    '/graphql',
    measureRequests(),
    express.json({ limit: config.MAX_BODY_BYTES }),
    serverSpan('gateway'),
    // While the graph starts: 503 STARTING, naming what is not ready yet.
    readiness.startupGate(),
    variablesDepthGuard(config),
    identifyCaller(verifyToken, identities),
    rateLimit(limiter, config.RATE_LIMIT_PER_MINUTE, identities),
    async (req, res, next) => {
      try {
        await answer(req, res);
      } catch (err) {
        next(err);
      }
    },
  );

  // Bodies that are not JSON, or too large, get a GraphQL-shaped error that says so.
  app.use((err: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!err) return next();
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    const message =
      err.type === 'entity.too.large' ? `Request body larger than ${config.MAX_BODY_BYTES} bytes (MAX_BODY_BYTES)`
      : err.type === 'entity.parse.failed' ? shortenMessage(`Request body is not valid JSON: ${err.message}`)
      : status < 500 ? err.message : 'Internal server error';
    if (status === 500) logger.error({ err }, 'gateway request failed');
    res.status(status).json({ errors: [{ message, extensions: { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listenOn(httpServer, options.port, host);
  return {
    name: 'gateway',
    url: `http://${host}:${port}/graphql`,
    port,
    stop: async () => {
      await apollo.stop();
      await auditDb.destroy();
      await dataVersions.close();
      if (redis) await closeRedis(redis);
    },
  };
}

export const operationHash = (query: string) => crypto.createHash('sha256').update(query).digest('hex');
