/**
 * The gateway's own work, bounded before any expensive step. In the order a request meets them:
 *
 * 1. the body (MAX_BODY_BYTES, express) and the nesting of its variables and extensions
 *    (MAX_VARIABLES_DEPTH), before the response cache computes a key over them;
 * 2. a persisted-query hash that is not its text's, an operation not registered when only
 *    registered ones are accepted, an anonymous caller's query text over ANONYMOUS_MAX_QUERY_BYTES
 *    (unless it is a registered operation);
 * 3. parsing stops at MAX_QUERY_TOKENS tokens (graphql-js `maxTokens`);
 * 4. the walk of gateway/operation-analysis.ts, after parsing and before graphql-js validation
 *    (whose overlapping-fields rule is quadratic) and planning: depth, aliases, expanded fields,
 *    repeated response names, root fields, cost, area-periods;
 * 5. then, once Apollo Server has validated the operation, what the caller may read.
 *
 * Every refusal is a 400 (401 for authentication) whose `extensions.limit` names the setting.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import { LRUCache } from 'lru-cache';
import { GraphQLError, Lexer, parse, Source, TokenKind, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Identity } from '../lib/auth';
import type { Config } from '../lib/config';
import { formatError } from '../lib/subgraph';
import { analyzeDocument, type OperationAnalysis } from './operation-analysis';
import { sha256 } from './persisted-operations';
import type { GraphQLParams } from './response-cache';
import type { GatewayContext } from './server';

export function limitError(message: string, limit: string): GraphQLError {
  // A refused query is the client's error: 400, not the 500 a throwing plugin gets by default.
  return new GraphQLError(message, { extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit, http: { status: 400 } } });
}

/** How deep `value` nests (a scalar is 0, `{}` and `[]` are 1), counted without recursion up to `max + 1`. */
export function nestingDepth(value: unknown, max: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > max) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Refuses variables or extensions nested deeper than MAX_VARIABLES_DEPTH, before anything walks
 * them recursively (a 10,000-deep object once overflowed the response cache key's recursion: a 500).
 */
export function variablesDepthGuard(config: Config): express.RequestHandler {
  const max = config.MAX_VARIABLES_DEPTH;
  return (req, res, next) => {
    const parts: [string, unknown][] = [];
    if (req.method === 'POST' && req.body && typeof req.body === 'object') parts.push(['variables', req.body.variables], ['extensions', req.body.extensions]);
    if (req.method === 'GET') {
      for (const name of ['variables', 'extensions']) {
        const text = req.query[name];
        if (typeof text !== 'string') continue;
        try {
          parts.push([name, JSON.parse(text)]);
        } catch {
          // Apollo Server answers the malformed JSON.
        }
      }
    }
    for (const [name, value] of parts) {
      // The object itself is level 1.
      if (nestingDepth(value, max) > max) {
        const error = limitError(`Request ${name} nest deeper than the limit of ${max} levels (MAX_VARIABLES_DEPTH)`, 'MAX_VARIABLES_DEPTH');
        res.status(400).json({ errors: [{ message: error.message, extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'MAX_VARIABLES_DEPTH' } }] });
        return;
      }
    }
    next();
  };
}

/** A refusal the gateway sends itself, before Apollo Server sees the request. */
export interface Refusal {
  status: number;
  message: string;
  code: string;
  limit?: string;
}

export interface GuardedRequest {
  /** The query text, sent or found by its hash. */
  text?: string;
  /** The walk of the document, when it could be parsed (else Apollo Server answers the syntax error). */
  analysis?: OperationAnalysis;
  refusal?: Refusal;
}

// graphql-js writes "more that" (sic) in 16.x.
const TOO_MANY_TOKENS = /Document contains more tha[nt] (\d+) tokens/;

/**
 * Steps 2 to 4, in the gateway's request handler: Apollo Server turns an error thrown by a
 * plugin before `didResolveOperation` into a 500, and validates before any plugin could refuse.
 * Documents are parsed here once per distinct text (Apollo Server parses it again once, then
 * keeps it validated), and walked once per distinct text and variables.
 */
export class RequestGuard {
  private readonly documents = new LRUCache<string, DocumentNode | GraphQLError>({ max: 1000 });
  private readonly analyses = new LRUCache<string, OperationAnalysis>({ max: 1000 });
  private schema: GraphQLSchema | undefined;

  constructor(
    private readonly config: Config,
    private readonly persisted: { isRegistered(hash: string): boolean; text(hash: string): Promise<string | undefined> },
  ) {}

  /** The API schema, as the gateway (re)loads it. */
  useSchema(schema: GraphQLSchema): void {
    this.schema = schema;
    this.documents.clear();
    this.analyses.clear();
  }

  async check(params: GraphQLParams, identity: Identity): Promise<GuardedRequest> {
    const config = this.config;
    const hash = params.extensions?.persistedQuery?.sha256Hash;
    let text = typeof params.query === 'string' ? params.query : undefined;
    if (text !== undefined && typeof hash === 'string' && sha256(text) !== hash) {
      return { refusal: { status: 400, code: 'PERSISTED_QUERY_HASH_MISMATCH', message: HASH_MISMATCH } };
    }
    if (text === undefined && typeof hash === 'string') text = await this.persisted.text(hash);
    if (text === undefined || !this.schema) return {};
    const registered = this.persisted.isRegistered(sha256(text));
    if (config.PERSISTED_OPERATIONS_ONLY && !registered) {
      return { text, refusal: { status: 400, code: 'PERSISTED_QUERY_NOT_REGISTERED', message: 'Only registered operations are accepted here (PERSISTED_OPERATIONS_ONLY): send the hash of an operation in operations/' } };
    }
    const bytes = Buffer.byteLength(text);
    if (identity.roles.length === 0 && bytes > config.ANONYMOUS_MAX_QUERY_BYTES && !registered) {
      return {
        text,
        refusal: {
          status: 400,
          code: 'QUERY_LIMIT_EXCEEDED',
          limit: 'ANONYMOUS_MAX_QUERY_BYTES',
          message: `Without a token a query may have at most ${config.ANONYMOUS_MAX_QUERY_BYTES} bytes (ANONYMOUS_MAX_QUERY_BYTES), this one has ${bytes}: send a bearer token or a registered operation`,
        },
      };
    }
    let document = this.documents.get(text);
    if (document === undefined) {
      // graphql-js parses nested values and selections recursively: nesting past what the
      // limits allow is refused before it can run the stack out.
      const allowed = config.MAX_QUERY_DEPTH + config.MAX_VARIABLES_DEPTH + 2;
      const nesting = bracketNesting(text, allowed, config.MAX_QUERY_TOKENS);
      if (nesting > allowed) {
        document = limitError(`Query nests brackets more than ${allowed} deep, more than its selections (MAX_QUERY_DEPTH) and values (MAX_VARIABLES_DEPTH) may`, 'MAX_QUERY_DEPTH');
      } else {
        try {
          document = parse(text, { maxTokens: config.MAX_QUERY_TOKENS });
        } catch (err) {
          document = err instanceof GraphQLError ? err : new GraphQLError(String(err));
        }
      }
      this.documents.set(text, document);
    }
    if (document instanceof GraphQLError) {
      if (document.extensions.limit) return { text, refusal: { status: 400, code: 'QUERY_LIMIT_EXCEEDED', limit: String(document.extensions.limit), message: document.message } };
      const tokens = TOO_MANY_TOKENS.exec(document.message);
      if (tokens) return { text, refusal: { status: 400, code: 'QUERY_LIMIT_EXCEEDED', limit: 'MAX_QUERY_TOKENS', message: tooManyTokens(tokens[1]) } };
      return { text }; // Apollo Server answers the syntax error.
    }
    const variables = params.variables && typeof params.variables === 'object' && !Array.isArray(params.variables) ? (params.variables as Record<string, unknown>) : {};
    const operationName = typeof params.operationName === 'string' ? params.operationName : undefined;
    // The same text with the same variables walks the same way: a dashboard's repeated query
    // (a response cache hit, 0.9 ms of CPU for W1) is not walked again.
    const key = `${operationName ?? ''}\u0000${JSON.stringify(variables)}\u0000${text}`;
    let analysis = this.analyses.get(key);
    if (!analysis) this.analyses.set(key, (analysis = analyzeDocument(this.schema, document, operationName, variables, config)));
    if (analysis.exceeded) return { text, analysis, refusal: { status: 400, code: 'QUERY_LIMIT_EXCEEDED', limit: analysis.exceeded.limit, message: analysis.exceeded.message } };
    return { text, analysis };
  }
}

/**
 * The deepest nesting of `{`, `[` and `(` in a query text, read token by token without
 * recursion; it stops past `max` nesting or `maxTokens` tokens (the parser then says which), or
 * at a syntax error (the parser reports it).
 */
export function bracketNesting(text: string, max: number, maxTokens: number): number {
  const lexer = new Lexer(new Source(text));
  let depth = 0;
  let deepest = 0;
  try {
    for (let token = lexer.advance(), n = 0; token.kind !== TokenKind.EOF && n < maxTokens; token = lexer.advance(), n++) {
      if (token.kind === TokenKind.BRACE_L || token.kind === TokenKind.BRACKET_L || token.kind === TokenKind.PAREN_L) {
        deepest = Math.max(deepest, ++depth);
        if (deepest > max) break;
      } else if (token.kind === TokenKind.BRACE_R || token.kind === TokenKind.BRACKET_R || token.kind === TokenKind.PAREN_R) depth--;
    }
  } catch {
    // A syntax error: parse reports it.
  }
  return deepest;
}

const HASH_MISMATCH = 'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent with it: send the hex SHA-256 of the exact query text, or the hash alone for a registered operation';
const tooManyTokens = (n: string) => `Query has more than ${n} tokens, the limit (MAX_QUERY_TOKENS): parsing stopped there`;

/** The header in which a caller states why they read person-level data (audited; required of officers). */
export const PURPOSE_HEADER = 'x-purpose';
export const PURPOSE_CHARS = 300;

/**
 * A header's text, for any language: HTTP header values are bytes, so a client percent-encodes
 * UTF-8 (`encodeURIComponent`, what browsers must do) or sends the UTF-8 bytes as they are
 * (curl), which Node reads as Latin-1.
 */
export function headerText(value: string): string {
  let text = value;
  if (/[\u0080-\u00ff]/.test(text)) {
    const utf8 = Buffer.from(text, 'latin1').toString('utf8');
    if (!utf8.includes('\uFFFD')) text = utf8;
  }
  if (/%[0-9A-Fa-f]{2}/.test(text)) {
    try {
      text = decodeURIComponent(text);
    } catch {
      // A "%" meant as itself: the text as written.
    }
  }
  return text;
}

/** The stated purpose: its text, null when absent, or a refusal saying what is wrong with it. */
export function readPurpose(header: string | undefined): string | null | Refusal {
  if (header === undefined) return null;
  const purpose = headerText(header).trim();
  const bad = (why: string): Refusal => ({ status: 400, code: 'BAD_REQUEST', message: `X-Purpose header ${why}` });
  if (purpose === '') return bad('is empty: say why you read this data (a case number, the legal basis)');
  if (purpose.length > PURPOSE_CHARS) return bad(`is longer than ${PURPOSE_CHARS} characters (${purpose.length})`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(purpose)) return bad('contains control characters');
  return purpose;
}

/**
 * Refuses subscriptions, anonymous reads of anything but names and the catalogue, (in
 * production) anonymous introspection, and an officer's person-level read without a stated
 * purpose. The limits were checked by `RequestGuard` before.
 */
export function accessPlugin(config: Config): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          // graphql-js 16 does not reject an operation type the schema lacks; the planner would fail with a 500.
          // The only mutations are the indicator catalogue's, for admins (the indicators subgraph checks).
          if (rc.operation!.operation === 'subscription') {
            throw new GraphQLError('This graph has no subscription operations, only queries (and the indicator catalogue\'s mutations)', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
          }
          // Requests always come through RequestGuard, which analysed them; this is for any that did not.
          let a = rc.contextValue.analysis;
          if (!a) {
            a = analyzeDocument(rc.schema, rc.document!, rc.request.operationName, (rc.request.variables ?? {}) as Record<string, unknown>, config);
            if (a.exceeded) throw limitError(a.exceeded.message, a.exceeded.limit);
            rc.contextValue.analysis = a;
          }
          const anonymous = rc.contextValue.identity.roles.length === 0;
          if (anonymous && a.introspection && config.NODE_ENV === 'production') {
            throw new GraphQLError('Introspection needs authentication in production: send a bearer token', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
          }
          if (anonymous && a.notForAnonymous.length) {
            throw new GraphQLError(`Authentication required to read ${a.notForAnonymous.slice(0, 5).join(', ')}: without a token only area names and codes and indicatorCatalog are served`, {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
          const roles = rc.contextValue.identity.roles;
          if (a.personLevel && roles.includes('officer') && !roles.includes('admin') && !rc.contextValue.purpose) {
            throw new GraphQLError('An officer must state the purpose of a person-level read: send an X-Purpose header (a case number, the legal basis), which the audit records', {
              extensions: { code: 'PURPOSE_REQUIRED', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

/**
 * The gateway's errors: lib/subgraph.ts `formatError`, after giving a code of their own to two
 * errors Apollo Server and graphql-js raise without one (which would otherwise read "Internal
 * server error").
 */
export function gatewayFormatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const tokens = TOO_MANY_TOKENS.exec(formatted.message);
  if (tokens) {
    return { message: tooManyTokens(tokens[1]), extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'MAX_QUERY_TOKENS' } };
  }
  if (formatted.message === 'provided sha does not match query') {
    return { message: HASH_MISMATCH, extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' } };
  }
  return formatError(formatted, error, 'gateway');
}
