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
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import { projectRoot } from '../lib/admin-units';
import { ANONYMOUS, bodyHashOf, createUserTokenVerifier, DEV_INTERNAL_SECRET, DEV_JWT_SECRET, IDENTITY_HEADER, signInternalIdentity, signUserToken, type Identity } from '../lib/auth';
import { PERSONS_RETURNED_EXTENSION } from '../lib/person-level';
import type { Config } from '../lib/config';
import { closeRedis, connectRedis, datasetId, openDataVersions, redisReady } from '../lib/data-versions';
import { migrate, openDb, type Db } from '../lib/db';
import { shortenMessage } from '../lib/errors';
import { logger } from '../lib/logger';
import { listenOn, type ServiceHandle } from '../lib/subgraph';
import { auditMigrations } from '../services/audit/log';
import { auditPlugin } from './audit';
import { mountGraphiql } from './graphiql';
import { accessPlugin, gatewayFormatError, PURPOSE_HEADER, readPurpose, RequestGuard, variablesDepthGuard, type Refusal } from './limits';
import type { OperationAnalysis } from './operation-analysis';
import { loadPersistedOperations, persistedOperationsPlugin, REGISTERED_AT_RUN_TIME_TTL, sha256, SharedPersistedCache } from './persisted-operations';
import { MemoryCacheStore, RedisCacheStore, ResponseCache, subgraphsOfPlan, type CacheNotes, type GraphQLParams } from './response-cache';
import { RateLimiter } from './rate-limit';

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
  /** Present when the response cache may store the answer: where to say that it can. */
  cacheNotes?: CacheNotes;
  /** Personal IDs of the persons whose data the subgraphs returned, for the audit. */
  personsReturned?: Set<string>;
  /** Why the caller reads person-level data (the X-Purpose header), for the audit. */
  purpose?: string | null;
}

export function readSupergraph(file = 'schema/supergraph.graphql'): string {
  return fs.readFileSync(path.resolve(projectRoot(), file), 'utf8');
}

/** A subgraph's answer, kept as text so that every request sharing it parses its own copy. */
interface SharedFetch {
  status: number;
  statusText: string;
  headers: [string, string][];
  text: string;
}

type ReceivedResponse = Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0];

/** The header that carries the caller's identity from `willSendRequest` to the fetcher, where it is signed; never sent. */
const PENDING_IDENTITY = 'x-p06-pending-identity';

/**
 * Sends each subgraph request with the caller's identity, signed for that request's body, that
 * subgraph and that one use (lib/auth.ts `signInternalIdentity`), and a timeout. The signature is
 * made in the fetcher, over the exact body bytes sent: one per HTTP request, never reused (a
 * reused one would be refused as a replay).
 *
 * Identical subgraph requests in flight at once (same subgraph, same body, same caller identity:
 * a dashboard's panels refreshing together) are sent once and their answer shared, as Hive
 * Gateway does by default.
 *
 * A subgraph's answer says whose person-level data it holds (`personsReturned`, lib/subgraph.ts):
 * that is noted for the audit and taken out of the answer.
 */
class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly inFlight = new Map<string, Promise<SharedFetch>>();

  constructor(private readonly subgraph: string, url: string, private readonly secret: string, timeoutMs: number) {
    super({
      url,
      fetcher: (async (input: string, init: RequestInit & { headers: Record<string, string>; body: string }) => {
        const identityJson = init.headers[PENDING_IDENTITY];
        delete init.headers[PENDING_IDENTITY];
        const key = `${identityJson}\u0000${init.body}`;
        let shared = this.inFlight.get(key);
        if (!shared) {
          shared = signInternalIdentity(this.secret, JSON.parse(identityJson) as Identity, bodyHashOf(init.body), this.subgraph).then((signature) =>
            // A subgraph that does not answer in time fails its part of the query, not the gateway.
            fetch(input, { ...init, headers: { ...init.headers, [IDENTITY_HEADER]: signature }, signal: AbortSignal.timeout(timeoutMs) }).then(async (res) => ({
              status: res.status,
              statusText: res.statusText,
              headers: [...res.headers],
              text: await res.text(),
            })),
          );
          this.inFlight.set(key, shared);
          const forget = () => this.inFlight.delete(key);
          shared.then(forget, forget);
        }
        const answer = await shared;
        return new Response(answer.text, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
      }) as never,
    });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const identity = (context as Partial<GatewayContext>).identity ?? ANONYMOUS;
    request.http?.headers.set(PENDING_IDENTITY, JSON.stringify({ sub: identity.sub, roles: identity.roles, provinces: identity.provinces, clientAddress: identity.clientAddress }));
  }

  override async didReceiveResponse({ response, context }: ReceivedResponse): Promise<ReceivedResponse['response']> {
    const persons = response.extensions?.[PERSONS_RETURNED_EXTENSION];
    if (Array.isArray(persons)) {
      const noted = ((context as Partial<GatewayContext>).personsReturned ??= new Set());
      for (const id of persons) if (typeof id === 'string') noted.add(id);
      delete response.extensions![PERSONS_RETURNED_EXTENSION];
    }
    return response;
  }
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

  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readSupergraph(config.SUPERGRAPH_FILE),
    buildService: ({ name, url }) => new SignedDataSource(name, options.subgraphUrls[name] ?? url!, internalSecret, config.SUBGRAPH_TIMEOUT_MS),
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
      persistedOperationsPlugin(persisted, config.PERSISTED_OPERATIONS_ONLY),
      accessPlugin(config),
      auditPlugin(auditDb, (hash) => persisted.hashes.has(hash)),
      responseCachePlugin(),
    ],
  });
  const guard = new RequestGuard(config, { isRegistered: (hash) => persisted.hashes.has(hash), text: async (hash) => persistedCache.get(`apq:${hash}`) });
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => guard.useSchema(apiSchema));
  await apollo.start();

  const identities = new WeakMap<express.Request, Identity>();
  const limiter = new RateLimiter(config.RATE_LIMIT_PER_MINUTE, { redis, keyPrefix: config.REDIS_KEY_PREFIX });
  app.get('/health', (_req, res) => res.json({ status: 'ok', service: 'gateway' }));
  // On a development machine (development secret, not production) GraphiQL comes with an
  // analyst's token in its Headers tab, so the example queries run as they are; made afresh for
  // each page, since tokens live at most JWT_MAX_LIFETIME.
  const devHeaders = config.NODE_ENV !== 'production' && !config.JWT_SECRET && !config.JWT_PUBLIC_KEY_FILE && !config.JWT_JWKS_FILE
    ? async () => ({ Authorization: `Bearer ${await signUserToken(DEV_JWT_SECRET, { sub: 'graphiql-analyst', roles: ['analyst'] }, `${config.JWT_MAX_LIFETIME}s`)}` })
    : undefined;
  mountGraphiql(app, '/graphql', devHeaders);
  app.use(
    '/graphql',
    express.json({ limit: config.MAX_BODY_BYTES }),
    variablesDepthGuard(config),
    // Who is asking: a valid bearer token, or nobody; a token that does not verify is refused.
    async (req, res, next) => {
      const header = req.get('authorization');
      const clientAddress = req.ip ?? null;
      if (!header) {
        identities.set(req, { ...ANONYMOUS, clientAddress });
        return next();
      }
      const match = /^Bearer (\S+)$/i.exec(header);
      try {
        if (!match) throw new GraphQLError('Authorization header must be "Bearer <token>"');
        identities.set(req, await verifyToken(match[1], clientAddress));
        next();
      } catch (err) {
        res.status(401).json({ errors: [{ message: (err as Error).message, extensions: { code: 'UNAUTHENTICATED' } }] });
      }
    },
    async (req, res, next) => {
      const identity = identities.get(req)!;
      const retryAfter = await limiter.take(identity.sub ?? `address:${identity.clientAddress}`);
      if (retryAfter === 0) return next();
      res.setHeader('Retry-After', String(retryAfter));
      res.status(429).json({ errors: [{ message: `Rate limit of ${config.RATE_LIMIT_PER_MINUTE} requests per minute exceeded (RATE_LIMIT_PER_MINUTE); retry in ${retryAfter} s`, extensions: { code: 'RATE_LIMITED' } }] });
    },
    async (req, res, next) => {
      try {
        await answer(req, res);
      } catch (err) {
        next(err);
      }
    },
  );

  /** Runs one request through Apollo Server (as @as-integrations/express5 does, keeping hold of the context). */
  const execute = (req: express.Request, context: GatewayContext): Promise<HTTPGraphQLResponse> => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    return apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search, body: req.body }, context: async () => context });
  };

  const send = async (res: express.Response, response: HTTPGraphQLResponse, cacheStatus?: string, bytes?: Buffer) => {
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (cacheStatus) res.setHeader('x-cache', cacheStatus);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(bytes ?? response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const refuse = (res: express.Response, r: Refusal) =>
    res.status(r.status).json({ errors: [{ message: r.message, extensions: { code: r.code, ...(r.limit ? { limit: r.limit } : {}) } }] });

  /** Answers one request: refused by the guard, from the response cache when it holds a valid answer, else through Apollo Server. */
  const answer = async (req: express.Request, res: express.Response) => {
    const identity = identities.get(req) ?? ANONYMOUS;
    const body = req.body as GraphQLParams | undefined;
    const params = req.method === 'GET' ? getParams(req) : body && typeof body === 'object' && !Array.isArray(body) ? body : undefined;
    const purpose = readPurpose(req.get(PURPOSE_HEADER));
    if (typeof purpose === 'object' && purpose !== null) return refuse(res, purpose);
    const guarded = params ? await guard.check(params, identity) : {};
    if (guarded.refusal) return refuse(res, guarded.refusal);
    const analysis = guarded.analysis;
    const key = responseCache && req.method === 'POST' && params ? await responseCache.keyOf(params, identity) : null;
    if (!responseCache || !key) return send(res, await execute(req, { identity, analysis, purpose }));
    // `Cache-Control: no-cache` asks for a fresh answer (which then replaces the stored one).
    const cached = /no-cache/i.test(req.get('cache-control') ?? '') ? undefined : await responseCache.get(key);
    if (cached !== undefined) {
      const type = req.accepts(['application/json', 'application/graphql-response+json']) === 'application/graphql-response+json' ? 'application/graphql-response+json' : 'application/json';
      res.setHeader('content-type', `${type}; charset=utf-8`);
      res.setHeader('x-cache', 'HIT');
      res.status(200).end(cached);
      return;
    }
    let response: HTTPGraphQLResponse | undefined;
    const result = await responseCache.compute(key, async (cacheNotes) => {
      response = await execute(req, { identity, analysis, purpose, cacheNotes });
      // A streamed answer (incremental delivery) is not cached.
      return response.body.kind === 'complete' ? { status: response.status ?? 200, body: Buffer.from(response.body.string) } : { status: -1, body: Buffer.alloc(0) };
    });
    if (!response) {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('x-cache', 'HIT');
      res.status(result.answer.status).end(result.answer.body);
      return;
    }
    await send(res, response, result.stored ? 'MISS' : 'BYPASS', result.answer.body);
  };
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

/** A GET request's GraphQL parameters (`variables` and `extensions` are JSON in the query string). */
function getParams(req: express.Request): GraphQLParams {
  const json = (v: unknown) => {
    try {
      return typeof v === 'string' ? JSON.parse(v) : undefined;
    } catch {
      return undefined; // Apollo Server answers the malformed JSON.
    }
  };
  return { query: req.query.query, operationName: req.query.operationName, variables: json(req.query.variables), extensions: json(req.query.extensions) };
}

export const operationHash = (query: string) => crypto.createHash('sha256').update(query).digest('hex');
