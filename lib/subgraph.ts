/**
 * What every subgraph service shares: its SDL read from `schema/<name>.graphql`, an Apollo
 * Server on Express with `/graphql` and `/health`, errors that never leak internals, and a
 * `listen` that returns the URL and a `stop`.
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
import { projectRoot } from './admin-units';
import { logger } from './logger';
import { shortenMessage, shortenValue } from './errors';
import { ANONYMOUS, bodyHashOf, DEV_INTERNAL_SECRET, IDENTITY_HEADER, verifyInternalIdentity, type Identity, type InternalIdentity } from './auth';
import { instrumentPersonLevel, PERSONS_RETURNED_EXTENSION, personLevelState, withPersonLevelState } from './person-level';
import { MemoryReplayGuard, ReplayGuardUnavailable, type ReplayGuard } from './replay-guard';

export function readSchema(name: string): string {
  return fs.readFileSync(path.join(projectRoot(), 'schema', `${name}.graphql`), 'utf8');
}

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

/**
 * Keeps user errors (BAD_USER_INPUT and other coded errors), long values they quote cut short
 * (graphql-js quotes the variables it cannot coerce), and replaces anything unexpected by a
 * generic message, logged with its stack on the server.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
    logger.error({ err: error }, 'unexpected error in resolver');
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
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

export async function startSubgraph<C extends BaseContext>(def: SubgraphDefinition<C>, options: SubgraphOptions<C>): Promise<ServiceHandle> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const schema = buildSubgraphSchema({ typeDefs: parse(def.typeDefs), resolvers: def.resolvers as GraphQLResolverMap<unknown> });
  instrumentPersonLevel(schema);
  const apollo = new ApolloServer<C>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled(),
      // Traces are for Apollo's hosted studio, which this deployment does not report to.
      ApolloServerPluginInlineTraceDisabled(),
      // Cache hints per field are not used (the gateway caches whole answers, invalidated by
      // data versions), and the plugin ran a hook for every field of every entity.
      ApolloServerPluginCacheControlDisabled(),
      personsReturnedPlugin<C>(),
      ...(options.plugins ?? [])],
  });
  await apollo.start();
  app.get('/health', async (_req, res) => {
    try {
      await def.health?.();
      res.json({ status: 'ok', service: def.name });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', service: def.name, reason: String(err) });
    }
  });
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
      verified = await verifyInternalIdentity(secret, req.get(IDENTITY_HEADER), bodyHashes.get(req) ?? bodyHashOf(''), def.name);
    } catch (err) {
      return refuse(res, (err as Error).message);
    }
    let replayUnchecked = false;
    try {
      if (!(await replayGuard.firstUse(`${def.name}:${verified.jti}`, verified.expiresAt))) return refuse(res, 'this identity was used before: a request is answered once');
    } catch (err) {
      if (!(err instanceof ReplayGuardUnavailable)) throw err;
      // Fail closed for people, open for figures: the request goes on, refused person-level data.
      replayUnchecked = true;
      warnReplayGuardDown(def.name, err);
    }
    identities.set(req, { identity: verified.identity, replayUnchecked });
    next();
  };
  app.use(
    '/graphql',
    // The body's hash is taken from the bytes received, before parsing.
    express.json({ limit: '5mb', verify: (req, _res, bytes) => void bodyHashes.set(req as express.Request, bodyHashOf(bytes)) }),
    requireGateway,
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const known = identities.get(req);
        return withPersonLevelState(def.context(known?.identity ?? ANONYMOUS), known?.replayUnchecked ?? false);
      },
    }),
  );
  const host = options.host ?? '127.0.0.1';
  const port = await listenOn(httpServer, options.port, host);
  const url = `http://${host}:${port}/graphql`;
  return {
    name: def.name,
    url,
    port,
    stop: async () => {
      await apollo.stop();
      await def.close?.();
    },
  };
}
