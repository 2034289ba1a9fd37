/**
 * How the gateway talks to one subgraph: the caller's identity signed for each request (its body,
 * this subgraph as audience, a fresh `jti` the subgraph accepts once: a signature is never
 * reused), identical requests in flight sent once, the persons a subgraph's answer holds noted
 * for the audit, a timeout, a circuit breaker, and failures turned into
 * errors that name the subgraph, the fields left null and the cause.
 *
 * - Timeout (`SUBGRAPH_TIMEOUT_MS`): a subgraph that hangs costs a request that long, not more;
 *   its fields are null with a `SUBGRAPH_TIMEOUT` error.
 * - Circuit breaker ([opossum](https://github.com/nodeshift/opossum), one per subgraph): when half
 *   or more of at least 5 fetches within 10 s failed (no connection, a timeout, a 5xx), the circuit
 *   opens and fetches to that subgraph fail at once for `SUBGRAPH_BREAKER_RESET_MS`; then one fetch
 *   probes it, and the circuit closes again if it succeeds. A dead subgraph costs nothing per
 *   request; a live one is back within that time. Answers with GraphQL errors (a bad period, a
 *   refused field) are answers: they never count as failures.
 * - Errors: `SUBGRAPH_UNAVAILABLE` (no connection, an HTTP error, starting, circuit open) or
 *   `SUBGRAPH_TIMEOUT`, with `extensions.serviceName`, `extensions.reason` and the path of the
 *   fields that are null because of it. A path inside a list stops at the list (every element's
 *   field is null); `extensions.responsePath` gives it whole, `@` standing for every element.
 */
import http from 'node:http';
import https from 'node:https';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import CircuitBreaker from 'opossum';
import { context as otelContext, propagation } from '@opentelemetry/api';
import { GraphQLError, Kind, parse, type DocumentNode, type GraphQLFormattedError, type SelectionSetNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { bodyHashOf, IDENTITY_HEADER, signInternalIdentity, ANONYMOUS, type Identity } from '../lib/auth';
import { PERSONS_RETURNED_EXTENSION } from '../lib/person-level';
import { outOfScopeError, type PersonScope, type PersonScopeContext } from './person-scope';
import { logger } from '../lib/logger';
import { metrics } from '../lib/metrics';
import { tracingEnabled } from '../lib/tracing';

/** What a `GatewayContext` must hold for the client: who is asking, and where to leave errors. */
interface IdentityContext extends PersonScopeContext {
  identity?: Identity;
  /** Errors of entity fetches that failed, added to the answer by `subgraphErrorsPlugin`. */
  subgraphErrors?: GraphQLFormattedError[];
  /** Personal IDs of the persons whose data the subgraphs returned, for the audit. */
  personsReturned?: Set<string>;
}

export interface SubgraphClientOptions {
  name: string;
  url: string;
  /** Signs the identity forwarded (INTERNAL_SECRET). */
  secret: string;
  timeoutMs: number;
  /** How long an open circuit refuses before it lets one fetch probe the subgraph. */
  breakerResetMs: number;
  /** Checks the persons an answer names against an officer's provinces (all but residency's answers, which it checks itself). */
  personScope?: PersonScope;
}

/** A subgraph's answer, kept as text so that every request sharing it parses its own copy. */
interface SharedFetch {
  status: number;
  statusText: string;
  headers: [string, string][];
  text: string;
}

export type FailureKind = 'timeout' | 'unavailable' | 'circuit_open' | 'http_error';

/** A fetch that did not give an answer, with why in words an operator can act on. */
export class SubgraphFailure extends Error {
  constructor(readonly kind: FailureKind, readonly reason: string) {
    super(reason);
  }
}

/** The header that carries the caller's identity from `willSendRequest` to the fetcher, where it is signed; never sent. */
const PENDING_IDENTITY = 'x-p06-pending-identity';

/** Circuit breaker settings other than the reset time: fixed, documented in the README. */
const BREAKER_WINDOW_MS = 10_000;
const BREAKER_MIN_FETCHES = 5;
const BREAKER_ERROR_PERCENT = 50;

/** What `send` is given: the request RemoteGraphQLDataSource built, with the signed identity added. */
interface SubgraphRequest {
  method?: string;
  headers: Record<string, string>;
  body: string;
}

export class SubgraphClient extends RemoteGraphQLDataSource<IdentityContext> {
  private readonly inFlight = new Map<string, Promise<SharedFetch>>();
  readonly breaker: CircuitBreaker<[string, SubgraphRequest], SharedFetch>;
  /**
   * Keep-alive connections to the subgraph, used by node:http directly rather than through
   * `fetch`: its web streams, abort signals and Response objects cost more CPU per fetch than
   * the fetch's own JSON (measured in the README's *Steps* table).
   */
  private readonly agent: http.Agent;

  constructor(private readonly options: SubgraphClientOptions) {
    super({ url: options.url });
    const { name } = options;
    // Idle connections closed after 30 s, before the subgraph closes them (65 s, lib/subgraph.ts
    // listenOn), so that a reused connection never races the server's close.
    const agentOptions = { keepAlive: true, timeout: 30_000 };
    this.agent = options.url.startsWith('https:') ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.breaker = new CircuitBreaker((input: string, init: SubgraphRequest) => this.send(input, init), {
      name,
      // The fetch has its own timeout (it aborts the request, which opossum's would not).
      timeout: false,
      resetTimeout: options.breakerResetMs,
      rollingCountTimeout: BREAKER_WINDOW_MS,
      volumeThreshold: BREAKER_MIN_FETCHES,
      errorThresholdPercentage: BREAKER_ERROR_PERCENT,
    });
    this.breaker.on('open', () => {
      metrics.circuitState.set({ subgraph: name }, 2);
      logger.warn({ subgraph: name, resetMs: options.breakerResetMs }, 'circuit opened: fetches to this subgraph fail at once until a probe succeeds');
    });
    this.breaker.on('halfOpen', () => metrics.circuitState.set({ subgraph: name }, 1));
    this.breaker.on('close', () => {
      metrics.circuitState.set({ subgraph: name }, 0);
      logger.info({ subgraph: name }, 'circuit closed: the subgraph answers again');
    });
    metrics.circuitState.set({ subgraph: name }, 0);
    this.fetcher = this.fetchShared.bind(this) as never;
  }

  /** Identical requests in flight (same body, same identity) are sent once and their answer shared, as Hive Gateway does. */
  private async fetchShared(input: string, init: SubgraphRequest): Promise<SubgraphResponse> {
    const identityJson = init.headers[PENDING_IDENTITY];
    delete init.headers[PENDING_IDENTITY];
    const key = `${identityJson}\u0000${init.body}`;
    let shared = this.inFlight.get(key);
    if (!shared) {
      // Signed per HTTP request: the subgraph refuses a signature it has seen (a replay).
      shared = signInternalIdentity(this.options.secret, JSON.parse(identityJson) as Identity, bodyHashOf(init.body), this.options.name).then((signature) => {
        const headers: Record<string, string> = { ...init.headers, [IDENTITY_HEADER]: signature };
        // W3C traceparent: the subgraph's spans join this request's trace.
        if (tracingEnabled()) propagation.inject(otelContext.active(), headers);
        return this.breaker.fire(input, { ...init, headers }).catch((err: unknown) => {
          if ((err as { code?: string })?.code === 'EOPENBREAKER') metrics.subgraphFetches.inc({ subgraph: this.options.name, outcome: 'circuit_open' });
          throw err;
        });
      });
      this.inFlight.set(key, shared);
      const forget = () => this.inFlight.delete(key);
      shared.then(forget, forget);
    }
    return new SubgraphResponse(input, await shared);
  }

  /** One HTTP request to the subgraph; throws (and so counts against the circuit) on no answer or a 5xx. */
  private async send(input: string, init: SubgraphRequest): Promise<SharedFetch> {
    const subgraph = this.options.name;
    const stop = metrics.subgraphFetchSeconds.startTimer({ subgraph });
    try {
      const answer = await this.post(input, init);
      if (answer.status >= 500) throw new SubgraphFailure('http_error', httpReason(answer));
      metrics.subgraphFetches.inc({ subgraph, outcome: answer.status < 400 ? 'ok' : 'http_error' });
      return answer;
    } catch (err) {
      const failure = err instanceof SubgraphFailure ? err : this.failureOf(err);
      metrics.subgraphFetches.inc({ subgraph, outcome: failure.kind });
      throw failure;
    } finally {
      stop();
    }
  }

  /** The POST itself, over the keep-alive agent; the whole exchange bounded by `SUBGRAPH_TIMEOUT_MS`. */
  private post(url: string, init: SubgraphRequest): Promise<SharedFetch> {
    return new Promise((resolve, reject) => {
      const body = Buffer.from(init.body);
      const send = url.startsWith('https:') ? https.request : http.request;
      const req = send(url, { method: init.method ?? 'POST', agent: this.agent, headers: { ...init.headers, 'content-length': String(body.length) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          const headers: [string, string][] = [];
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.push([k, Array.isArray(v) ? v.join(', ') : v]);
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', fail);
      });
      function fail(err: Error) {
        clearTimeout(timer);
        reject(err);
      }
      const timer = setTimeout(() => req.destroy(Object.assign(new Error('subgraph timeout'), { name: 'TimeoutError' })), this.options.timeoutMs);
      req.on('error', fail);
      req.end(body);
    });
  }

  private failureOf(err: unknown): SubgraphFailure {
    const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
    if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
      return new SubgraphFailure('timeout', `no answer within ${this.options.timeoutMs} ms (SUBGRAPH_TIMEOUT_MS)`);
    }
    const code = e?.code ?? e?.cause?.code;
    const where = this.options.url;
    if (code === 'ECONNREFUSED') return new SubgraphFailure('unavailable', `connection refused at ${where}: is the service running?`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new SubgraphFailure('unavailable', `host of ${where} not found (${code})`);
    if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return new SubgraphFailure('unavailable', `connection to ${where} closed before it answered (${code}): did the service stop?`);
    if (code) return new SubgraphFailure('unavailable', `connection to ${where} failed (${code})`);
    return new SubgraphFailure('unavailable', `request to ${where} failed: ${e?.cause?.message ?? e?.message ?? String(err)}`);
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<IdentityContext>): Promise<void> {
    const identity = context.identity ?? ANONYMOUS;
    request.http?.headers.set(PENDING_IDENTITY, JSON.stringify({ sub: identity.sub, roles: identity.roles, provinces: identity.provinces, clientAddress: identity.clientAddress }));
  }

  /**
   * A subgraph's answer says whose person-level data it holds: taken out of the answer, checked
   * against an officer's provinces (an answer naming anyone outside them is replaced by the
   * refusal, nothing of it used), and noted for the audit.
   */
  override async didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<IdentityContext>['didReceiveResponse']>>[0]): Promise<GatewayGraphQLResponse> {
    const persons = response.extensions?.[PERSONS_RETURNED_EXTENSION];
    if (!Array.isArray(persons)) return response;
    delete response.extensions![PERSONS_RETURNED_EXTENSION];
    const ids = persons.filter((id): id is string => typeof id === 'string');
    const ctx = context as IdentityContext;
    if (this.options.personScope && (await this.options.personScope.refuses(ctx, ids))) return refusedAnswer(response);
    const noted = (ctx.personsReturned ??= new Set());
    for (const id of ids) noted.add(id);
    return response;
  }

  /**
   * A failed fetch becomes one error naming the subgraph and the fields it leaves null; the rest
   * of the answer stands. A failed entity fetch answers its fields as null for every entity (and
   * leaves its error in the context): fields of other subgraphs that `@requires` them are then
   * still computed from what is there (an indicator of residency figures when land failed),
   * where fields left missing would skip those entities altogether.
   */
  override async process(options: GraphQLDataSourceProcessOptions<IdentityContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (err) {
      const error = this.namedError(err, options);
      const representations = options.request.variables?.representations;
      const context = options.context as IdentityContext | undefined;
      if (!Array.isArray(representations) || !context) throw error;
      (context.subgraphErrors ??= []).push(error.toJSON());
      const nulls = Object.fromEntries(selectedFields(options).map((f) => [f, null]));
      return { data: { _entities: representations.map(() => ({ ...nulls })) } };
    }
  }

  private namedError(err: unknown, options: GraphQLDataSourceProcessOptions<IdentityContext>): GraphQLError {
    const name = this.options.name;
    let kind: FailureKind;
    let reason: string;
    if (err instanceof SubgraphFailure) {
      ({ kind, reason } = err);
    } else if ((err as { code?: string })?.code === 'EOPENBREAKER') {
      kind = 'circuit_open';
      reason = `it failed repeatedly; requests to it are refused for up to ${this.options.breakerResetMs} ms (SUBGRAPH_BREAKER_RESET_MS) before it is tried again`;
    } else if (err instanceof GraphQLError && err.extensions?.response) {
      // A 4xx: RemoteGraphQLDataSource's error carries the response.
      kind = 'http_error';
      reason = httpReason(err.extensions.response as { status: number; statusText: string; body?: unknown });
    } else {
      kind = 'unavailable';
      reason = (err as Error)?.message ?? String(err);
    }
    const fields = fieldPaths(options);
    const code = kind === 'timeout' ? 'SUBGRAPH_TIMEOUT' : 'SUBGRAPH_UNAVAILABLE';
    const what = kind === 'timeout' ? 'did not answer in time' : 'is unavailable';
    const nulls = fields.length ? `; null in this answer: ${fields.map((f) => f.join('.')).join(', ')}` : '';
    const first = fields[0] ?? [];
    const listAt = first.indexOf('@');
    return new GraphQLError(`Subgraph "${name}" ${what} (${reason})${nulls}`, {
      path: first.length ? (listAt >= 0 ? first.slice(0, listAt) : first) : undefined,
      extensions: { code, serviceName: name, reason, ...(kind === 'circuit_open' ? { circuit: 'open' } : {}), responsePath: fields.map((f) => f.join('.')) },
    });
  }
}

/**
 * A shared answer as RemoteGraphQLDataSource reads it (the parts of a fetch Response it uses:
 * `ok`, `status`, `headers.get`, `json`, `text`), each request parsing its own copy of the text.
 */
class SubgraphResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null; [Symbol.iterator](): Iterator<[string, string]> };

  constructor(readonly url: string, private readonly answer: SharedFetch) {
    this.ok = answer.status >= 200 && answer.status < 300;
    this.status = answer.status;
    this.statusText = answer.statusText;
    const byName = new Map(answer.headers.map(([k, v]) => [k.toLowerCase(), v]));
    this.headers = { get: (name) => byName.get(name.toLowerCase()) ?? null, [Symbol.iterator]: () => byName[Symbol.iterator]() };
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.answer.text);
  }

  async text(): Promise<string> {
    return this.answer.text;
  }
}

/**
 * A subgraph's answer replaced by the person-scope refusal: every field it answered null, with
 * one error at each, as the subgraph's own refusal of an unknown ID reads, so that an officer
 * cannot tell the two apart. Errors the subgraph gave stay.
 */
function refusedAnswer(response: GatewayGraphQLResponse): GatewayGraphQLResponse {
  const data = (response.data ?? {}) as Record<string, unknown>;
  const errors = [...(response.errors ?? [])];
  if (Array.isArray(data._entities)) {
    data._entities.forEach((e, i) => e !== null && errors.push({ ...outOfScopeError(), path: ['_entities', i] }));
    return { data: { _entities: data._entities.map(() => null) }, errors };
  }
  const nulls: Record<string, null> = {};
  for (const [field, value] of Object.entries(data)) {
    nulls[field] = null;
    if (value !== null) errors.push({ ...outOfScopeError(), path: [field] });
  }
  return { data: nulls, errors };
}

function httpReason(r: { status: number; statusText: string; text?: string; body?: unknown }): string {
  let body: unknown = r.body;
  if (r.text !== undefined) {
    try {
      body = JSON.parse(r.text);
    } catch {
      body = r.text;
    }
  }
  const error = (body as { errors?: { message?: string; extensions?: { code?: string } }[] })?.errors?.[0];
  if (error?.extensions?.code === 'STARTING') return `starting: ${error.message}`;
  if (r.status === 401) return `it refused the gateway's signed identity (401${error?.message ? `: ${error.message}` : ''}): do the gateway and the subgraph share INTERNAL_SECRET?`;
  return `HTTP ${r.status} ${r.statusText}${error?.message ? `: ${error.message}` : ''}`;
}

/** The operation a fetch sends, parsed (the query planner's document when it kept one). */
function documentOf(options: GraphQLDataSourceProcessOptions<IdentityContext>): DocumentNode | undefined {
  const kept = 'document' in options ? (options.document as DocumentNode | undefined) : undefined;
  if (kept || !options.request.query) return kept;
  try {
    return parse(options.request.query);
  } catch {
    return undefined;
  }
}

/** The response names a fetch selects: its root fields, or for an entity fetch the fields asked of the entities (`__typename` aside). */
function selectedFields(options: GraphQLDataSourceProcessOptions<IdentityContext>): string[] {
  const operation = documentOf(options)?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return [];
  const names = new Set<string>();
  const collect = (set: SelectionSetNode, entities: boolean) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (entities && s.name.value === '_entities' && s.selectionSet) collect(s.selectionSet, false);
        else if (s.name.value !== '__typename') names.add((s.alias ?? s.name).value);
      } else if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet, false);
    }
  };
  collect(operation.selectionSet, true);
  return [...names];
}

/**
 * The fields a fetch would have filled, as paths in the client's answer: the cursor's path
 * (`province.stats`, or `provinces.@.districts.@.stats` across lists) and the fields the fetch
 * selects (`land`).
 */
function fieldPaths(options: GraphQLDataSourceProcessOptions<IdentityContext>): (string | number)[][] {
  const base = ('pathInIncomingRequest' in options ? options.pathInIncomingRequest : undefined) ?? [];
  const names = selectedFields(options);
  if (names.length === 0) return base.length ? [base] : [];
  return names.map((n) => [...base, n]);
}

/** Adds the errors of failed entity fetches to the answer (first among the plugins that read its errors). */
export function subgraphErrorsPlugin(): ApolloServerPlugin<IdentityContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const errors = contextValue.subgraphErrors;
          if (!errors?.length || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.errors = [...(result.errors ?? []), ...errors];
        },
      };
    },
  };
}
