/**
 * Answering one /graphql request once its caller is known: refused by the guard (limits, an
 * officer's purpose) before anything expensive, from the response cache when it holds a valid
 * answer, else through Apollo Server; as JSON, or as CSV or XLSX made from the JSON result
 * (gateway/export).
 */
import type express from 'express';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import { ANONYMOUS } from '../lib/auth';
import type { Config } from '../lib/config';
import { metrics } from '../lib/metrics';
import { today } from '../lib/today';
import type { Identities } from './callers';
import { answerFormatOf, exportNotesFor, headersForExecution, sendExport } from './export';
import { httpCacheHeaders } from './http-caching';
import { PURPOSE_HEADER, readPurpose, type RequestGuard, type Refusal } from './limits';
import { graphqlParamsOf, type CachedAnswer, type GraphQLParams, type ResponseCache } from './response-cache';
import type { GatewayContext } from './server';

export interface Answering {
  apollo: ApolloServer<GatewayContext>;
  guard: RequestGuard;
  responseCache: ResponseCache | undefined;
  config: Config;
  identities: Identities;
}

/** The handler that answers a request, given what the gateway built. */
export function createAnswerer({ apollo, guard, responseCache, config, identities }: Answering): (req: express.Request, res: express.Response) => Promise<void> {
/** Runs one request through Apollo Server (as @as-integrations/express5 does, keeping hold of the context). */
const execute = async (req: express.Request, res: express.Response, context: GatewayContext): Promise<HTTPGraphQLResponse> => {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  for (const [key, value] of Object.entries(headersForExecution(req, context.export))) headers.set(key, value);
  const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
  const observed: NonNullable<GatewayContext['observed']> = {};
  const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search, body: req.body }, context: async () => ({ ...context, observed }) });
  res.locals.outcome = observed.outcome;
  res.locals.operation = observed.operationName;
  return response;
};

const send = async (res: express.Response, response: HTTPGraphQLResponse, headers: Record<string, string>, bytes?: Buffer) => {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.set(headers);
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

/** Sends a stored answer (a JSON one in the type the request accepts). */
const sendStored = (req: express.Request, res: express.Response, stored: CachedAnswer, headers: Record<string, string>) => {
  const json = req.accepts(['application/json', 'application/graphql-response+json']) === 'application/graphql-response+json' ? 'application/graphql-response+json' : 'application/json';
  res.set({ 'content-type': `${json}; charset=utf-8`, ...stored.headers, ...headers });
  res.status(stored.status).end(stored.body);
};

/**
 * Answers one request: refused by the guard (limits, an officer's purpose) before anything
 * expensive, from the response cache when it holds a valid answer, else through Apollo
 * Server; as JSON, or as CSV or XLSX made from the JSON result (gateway/export).
 */
const answer = async (req: express.Request, res: express.Response) => {
  const identity = identities.get(req) ?? ANONYMOUS;
  const purpose = readPurpose(req.get(PURPOSE_HEADER));
  if (typeof purpose === 'object' && purpose !== null) return void refuse(res, purpose);
  // The cache reads only requests that cannot be forged across sites (graphqlParamsOf); the guard reads every one.
  const cacheParams = graphqlParamsOf(req.method, req.body, req.originalUrl, (name) => req.get(name));
  const params = cacheParams ?? (req.method === 'GET' ? getParams(req) : undefined);
  const guarded = params ? await guard.check(params, identity) : {};
  if (guarded.refusal) return void refuse(res, guarded.refusal);
  const context: GatewayContext = { identity, analysis: guarded.analysis, purpose, cacheNotes: {}, export: exportNotesFor(answerFormatOf(req)) };
  const caching = (cacheable: boolean, cacheStatus?: string) => httpCacheHeaders(identity, cacheable, config.HTTP_CACHE_MAX_AGE_SECONDS, cacheStatus);
  // `Cache-Control: no-store` asks that the answer be neither served from the cache nor kept in it
  // (a client warming the subgraphs, or one that must not leave an answer behind).
  const noStore = /no-store/i.test(req.get('cache-control') ?? '');
  const key = responseCache && cacheParams && !noStore ? await responseCache.keyOf(cacheParams, identity, { format: context.export?.format ?? 'json', today: today() }) : null;
  if (!responseCache || !key) {
    const response = await execute(req, res, context);
    const cacheable = context.cacheNotes!.cacheableFrom !== undefined;
    const status = responseCache && noStore ? 'BYPASS' : undefined;
    if (context.export) await sendExport(res, response, context.export, { keep: false, headers: caching(cacheable, status) });
    else await send(res, response, caching(cacheable, status));
    return;
  }
  // `Cache-Control: no-cache` asks for a fresh answer (which then replaces the stored one).
  const cached = /no-cache/i.test(req.get('cache-control') ?? '') ? undefined : await responseCache.get(key);
  if (cached !== undefined) {
    metrics.responseCache.inc({ result: 'hit' });
    return sendStored(req, res, cached, caching(true, 'HIT'));
  }
  let response: HTTPGraphQLResponse | undefined;
  let cacheable = false;
  const result = await responseCache.compute(key, async (cacheNotes) => {
    response = await execute(req, res, { ...context, cacheNotes });
    cacheable = cacheNotes.cacheableFrom !== undefined;
    // A table is streamed to this client as it is written, and kept for the cache if it may be.
    if (context.export) return sendExport(res, response, context.export, { keep: cacheable, headers: caching(cacheable, cacheable ? 'MISS' : 'BYPASS') });
    // A streamed answer (incremental delivery) is not cached.
    return response.body.kind === 'complete' ? { status: response.status ?? 200, body: Buffer.from(response.body.string) } : { status: -1, body: Buffer.alloc(0) };
  });
  if (!response) {
    metrics.responseCache.inc({ result: 'hit' });
    return sendStored(req, res, result.answer, caching(true, 'HIT'));
  }
  metrics.responseCache.inc({ result: result.stored ? 'miss' : 'bypass' });
  if (!context.export) await send(res, response, caching(cacheable, result.stored ? 'MISS' : 'BYPASS'), result.answer.body);
};
  return answer;
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
