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
import { ApolloServer, type ApolloServerPlugin, type GraphQLRequestContext } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import { projectRoot } from '../lib/admin-units';
import { ANONYMOUS, bodyHashOf, createUserTokenVerifier, DEV_INTERNAL_SECRET, DEV_JWT_SECRET, IDENTITY_HEADER, signInternalIdentity, signUserToken, type Identity } from '../lib/auth';
import type { Config } from '../lib/config';
import { migrate, openDb, type Db } from '../lib/db';
import { logger } from '../lib/logger';
import { formatError, listenOn, type ServiceHandle } from '../lib/subgraph';
import { auditMigrations } from '../services/audit/log';
import { auditPlugin } from './audit';
import { mountGraphiql } from './graphiql';
import { analyzeOperation } from './operation-analysis';
import { loadPersistedOperations, persistedOperationsPlugin } from './persisted-operations';
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
}

export function readSupergraph(file = 'schema/supergraph.graphql'): string {
  return fs.readFileSync(path.resolve(projectRoot(), file), 'utf8');
}

/** Sends each subgraph request with the caller's identity, signed for that request, and a timeout. */
class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, private readonly secret: string, timeoutMs: number) {
    // A subgraph that does not answer in time fails its part of the query, not the gateway.
    super({ url, fetcher: ((input: string, init?: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as never });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const identity = (context as Partial<GatewayContext>).identity ?? ANONYMOUS;
    request.http?.headers.set(IDENTITY_HEADER, await signInternalIdentity(this.secret, identity, bodyHashOf(request.query, request.variables)));
  }
}

function limitError(message: string, limit: string): GraphQLError {
  // A refused query is the client's error: 400, not the 500 a throwing plugin gets by default.
  return new GraphQLError(message, { extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit, http: { status: 400 } } });
}

/** Refuses operations over the limits, anonymous reads of anything but names and the catalogue, and (in production) anonymous introspection. */
function limitsPlugin(config: Config): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc: GraphQLRequestContext<GatewayContext>) {
          // graphql-js 16 does not reject an operation type the schema lacks; the planner would fail with a 500.
          if (rc.operation!.operation !== 'query') {
            throw new GraphQLError(`This graph is read-only: it has no ${rc.operation!.operation} operations, only queries`, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
          }
          const a = analyzeOperation(rc.schema, rc.document!, rc.operation!, (rc.request.variables ?? {}) as Record<string, unknown>);
          const anonymous = rc.contextValue.identity.roles.length === 0;
          if (a.depth > config.MAX_QUERY_DEPTH) throw limitError(`Query depth ${a.depth} exceeds the limit of ${config.MAX_QUERY_DEPTH} (MAX_QUERY_DEPTH)`, 'MAX_QUERY_DEPTH');
          if (a.aliases > config.MAX_ALIASES) throw limitError(`Query uses ${a.aliases} aliases, more than the limit of ${config.MAX_ALIASES} (MAX_ALIASES)`, 'MAX_ALIASES');
          if (a.rootFields > config.MAX_ROOT_FIELDS) throw limitError(`Query asks for ${a.rootFields} root fields, more than the limit of ${config.MAX_ROOT_FIELDS} (MAX_ROOT_FIELDS)`, 'MAX_ROOT_FIELDS');
          if (a.areaPeriods > config.MAX_AREA_PERIODS) throw limitError(`Query asks for about ${a.areaPeriods} area-periods, more than the limit of ${config.MAX_AREA_PERIODS} (MAX_AREA_PERIODS): ask for fewer areas or periods`, 'MAX_AREA_PERIODS');
          if (a.cost > config.MAX_QUERY_COST) throw limitError(`Query's estimated cost ${a.cost} exceeds the limit of ${config.MAX_QUERY_COST} (MAX_QUERY_COST)`, 'MAX_QUERY_COST');
          if (anonymous && a.introspection && config.NODE_ENV === 'production') {
            throw new GraphQLError('Introspection needs authentication in production: send a bearer token', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
          }
          if (anonymous && a.notForAnonymous.length) {
            throw new GraphQLError(`Authentication required to read ${[...new Set(a.notForAnonymous)].slice(0, 5).join(', ')}: without a token only area names and codes and indicatorCatalog are served`, {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
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
    buildService: ({ name, url }) => new SignedDataSource(options.subgraphUrls[name] ?? url!, internalSecret, config.SUBGRAPH_TIMEOUT_MS),
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    persistedQueries: { cache: persisted.cache },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      persistedOperationsPlugin(persisted, config.PERSISTED_OPERATIONS_ONLY),
      limitsPlugin(config),
      auditPlugin(auditDb),
    ],
  });
  await apollo.start();

  const identities = new WeakMap<express.Request, Identity>();
  const limiter = new RateLimiter(config.RATE_LIMIT_PER_MINUTE);
  app.get('/health', (_req, res) => res.json({ status: 'ok', service: 'gateway' }));
  // On a development machine (development secret, not production) GraphiQL comes with an
  // analyst's token in its Headers tab, so the example queries run as they are.
  const devHeaders = config.NODE_ENV !== 'production' && !config.JWT_SECRET && !config.JWT_PUBLIC_KEY_FILE && !config.JWT_JWKS_FILE
    ? { Authorization: `Bearer ${await signUserToken(DEV_JWT_SECRET, { sub: 'graphiql-analyst', roles: ['analyst'] }, '30d')}` }
    : undefined;
  mountGraphiql(app, '/graphql', devHeaders);
  app.use(
    '/graphql',
    express.json({ limit: config.MAX_BODY_BYTES }),
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
    (req, res, next) => {
      const identity = identities.get(req)!;
      const retryAfter = limiter.take(identity.sub ?? `address:${identity.clientAddress}`);
      if (retryAfter === 0) return next();
      res.setHeader('Retry-After', String(retryAfter));
      res.status(429).json({ errors: [{ message: `Rate limit of ${config.RATE_LIMIT_PER_MINUTE} requests per minute exceeded (RATE_LIMIT_PER_MINUTE); retry in ${retryAfter} s`, extensions: { code: 'RATE_LIMITED' } }] });
    },
    expressMiddleware(apollo, { context: async ({ req }) => ({ identity: identities.get(req) ?? ANONYMOUS }) }),
  );
  // Bodies that are not JSON, or too large, get a GraphQL-shaped error that says so.
  app.use((err: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!err) return next();
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    const message =
      err.type === 'entity.too.large' ? `Request body larger than ${config.MAX_BODY_BYTES} bytes (MAX_BODY_BYTES)`
      : err.type === 'entity.parse.failed' ? `Request body is not valid JSON: ${err.message}`
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
    },
  };
}

export const operationHash = (query: string) => crypto.createHash('sha256').update(query).digest('hex');
