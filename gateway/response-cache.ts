/**
 * The gateway's response cache for aggregate answers. Dashboards send the same few queries all
 * day; an answer already computed for the same operation, variables and caller scope is sent
 * again as the bytes it was, without planning, fetching or serialising anything.
 *
 * - Key: the operation normalised (parsed and printed, so spacing and comments do not matter),
 *   the operation name, the variables (keys sorted), the caller's roles and provinces (small-cell
 *   suppression makes answers depend on them), the dataset (lib/data-versions.ts `datasetId`),
 *   the answer's format (JSON, CSV or XLSX: each is stored as the bytes sent) and today's date
 *   (lib/today.ts: an answer may depend on it, through the current, incomplete period). POST
 *   bodies and GET parameters alike.
 * - What is cached: answers without errors to queries that select no person-level data (those
 *   are audited one by one and never cached), as the gateway decides after answering
 *   (`markCacheable`). An operation is stored once it has been answered that way; identical
 *   requests arriving while it is being computed wait for that one computation instead of
 *   starting their own.
 * - Invalidation: with each answer are kept the data versions of the subgraphs its query plan
 *   fetched from, read before the answer was computed. A hit is served only while all of them are
 *   unchanged; an import bumps its domain's version after committing, so the first request after
 *   it computes afresh.
 * - Store: in this process (an LRU bounded in bytes) by default; Redis when REDIS_URL is set, so
 *   that every gateway process shares one cache.
 */
import crypto from 'node:crypto';
import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import { parse, print } from 'graphql';
import type { Identity } from '../lib/auth';
import type { DataVersions } from '../lib/data-versions';
import { logger } from '../lib/logger';

/**
 * Entries are bytes, sent as they are: encoding W1's 680 KiB answer from a string again on
 * every hit was most of a hit's cost.
 */
export interface CacheStore {
  get(key: string): Promise<Buffer | undefined>;
  set(key: string, value: Buffer, ttlSeconds: number): Promise<void>;
}

export class MemoryCacheStore implements CacheStore {
  private readonly entries: LRUCache<string, Buffer>;

  constructor(maxBytes: number) {
    this.entries = new LRUCache<string, Buffer>({ maxSize: maxBytes, sizeCalculation: (v, k) => v.length + k.length, ttlAutopurge: false });
  }

  async get(key: string): Promise<Buffer | undefined> {
    return this.entries.get(key);
  }

  async set(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    this.entries.set(key, value, { ttl: ttlSeconds * 1000 });
  }
}

export class RedisCacheStore implements CacheStore {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  async get(key: string): Promise<Buffer | undefined> {
    return (await this.redis.getBuffer(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, 'EX', ttlSeconds);
  }
}

/** A request's GraphQL parameters, as sent in a POST body. */
export interface GraphQLParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } };
}

const SIMPLE_CONTENT_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\s*(;|$)/i;

/**
 * The GraphQL parameters of a POST body or of a GET's URL (`query`, `operationName`, and
 * `variables` and `extensions` as JSON, as Apollo Client sends a persisted query's hash); null
 * when there are none to key by, or they are malformed (Apollo Server then says what is wrong).
 * A GET that Apollo Server's CSRF prevention refuses (no content type other than a form's or
 * text, no preflight header) has none either, so that a stored answer never goes to a request
 * a fresh computation would refuse; a `?format=` link is let through (gateway/export).
 */
export function graphqlParamsOf(method: string, body: unknown, url: string, header: (name: string) => string | undefined): GraphQLParams | null {
  if (method === 'POST') return body && typeof body === 'object' && !Array.isArray(body) ? (body as GraphQLParams) : null;
  if (method !== 'GET') return null;
  const search = new URL(url, 'http://gateway').searchParams;
  const contentType = header('content-type');
  const preflighted = (contentType !== undefined && !SIMPLE_CONTENT_TYPES.test(contentType)) || !!header('apollo-require-preflight') || !!header('x-apollo-operation-name');
  if (!preflighted && !search.has('format')) return null;
  const params: GraphQLParams = {};
  for (const name of ['query', 'operationName', 'variables', 'extensions'] as const) {
    const values = search.getAll(name);
    if (values.length > 1) return null;
    if (values.length === 0) continue;
    if (name === 'query' || name === 'operationName') params[name] = values[0];
    else {
      try {
        params[name] = JSON.parse(values[0]);
      } catch {
        return null;
      }
    }
  }
  return params.query !== undefined || params.extensions !== undefined ? params : null;
}

/** What else, besides the request, an answer's bytes depend on. */
export interface AnswerVariant {
  /** `json`, `csv` or `xlsx`. */
  format: string;
  /** `YYYY-MM-DD` (lib/today.ts). */
  today: string;
}

/** JSON with object keys sorted at every level: `{a, b}` and `{b, a}` are the same variables. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** A computed answer, as the HTTP layer sends it. */
export interface CachedAnswer {
  status: number;
  body: Buffer;
  /** Headers that go with the bytes (a CSV or XLSX answer's content type and file name). */
  headers?: Record<string, string>;
}

export interface ResponseCacheOptions {
  store: CacheStore;
  versions: DataVersions;
  /** Every subgraph name: the versions read before computing an answer. */
  subgraphs: readonly string[];
  dataset: string;
  ttlSeconds: number;
  /** The text of a persisted operation, by hash (`undefined` when unknown). */
  persistedText(hash: string): Promise<string | undefined>;
  /** Whether an operation text may be run at all (PERSISTED_OPERATIONS_ONLY). */
  accepts(text: string): boolean;
  /** The supergraph served: answers computed on another one are not served (hot reload). */
  schemaId?: () => string;
  /** Parsing a text for its key stops there (MAX_QUERY_TOKENS): Apollo Server refuses it anyway. */
  maxTokens?: number;
}

/** The first line of an entry; the answer's bytes follow. */
interface EntryHead {
  /** Subgraphs the answer was read from, and their versions when it was computed. */
  subgraphs: string[];
  versions: string[];
  headers?: Record<string, string>;
}
const NEWLINE = 10;

/** What the gateway learns about a request while answering it. */
export interface CacheNotes {
  /** Set when the answer may be cached: the subgraphs its plan fetched from. */
  cacheableFrom?: string[];
}

export class ResponseCache {
  /** Normalised operation by raw text: parsing and printing W1's query costs more than a hit. */
  private readonly normalized = new LRUCache<string, string>({ max: 2000 });
  /** Keys whose answers are being computed, for identical requests to wait on. */
  private readonly inFlight = new Map<string, Promise<CachedAnswer | undefined>>();
  /** Keys answered cacheably before: only those are shared in flight. */
  private readonly known = new LRUCache<string, true>({ max: 20_000 });

  constructor(private readonly options: ResponseCacheOptions) {}

  /** The cache key of a request, or null when it cannot be cached (not a query text or hash we know). */
  async keyOf(params: GraphQLParams, identity: Identity, variant: AnswerVariant): Promise<string | null> {
    let text = typeof params.query === 'string' ? params.query : undefined;
    const hash = params.extensions?.persistedQuery?.sha256Hash;
    if (text === undefined && typeof hash === 'string') text = await this.options.persistedText(hash);
    if (text === undefined || !this.options.accepts(text)) return null;
    if (params.operationName !== undefined && params.operationName !== null && typeof params.operationName !== 'string') return null;
    if (params.variables !== undefined && params.variables !== null && (typeof params.variables !== 'object' || Array.isArray(params.variables))) return null;
    let operation = this.normalized.get(text);
    if (operation === undefined) {
      try {
        operation = sha256(print(parse(text, { noLocation: true, maxTokens: this.options.maxTokens })));
      } catch {
        return null; // Apollo Server answers the syntax error.
      }
      this.normalized.set(text, operation);
    }
    return sha256(
      [
        this.options.dataset,
        this.options.schemaId?.() ?? '',
        operation,
        params.operationName ?? '',
        stableJson(params.variables ?? {}),
        [...identity.roles].sort().join(','),
        [...identity.provinces].sort().join(','),
        variant.format,
        variant.today,
      ].join('\u0000'),
    );
  }

  /** A stored answer still valid for `key`. */
  async get(key: string): Promise<CachedAnswer | undefined> {
    let raw: Buffer | undefined;
    let current: string[];
    let head: EntryHead;
    try {
      raw = await this.options.store.get(key);
      if (raw === undefined) return undefined;
      head = JSON.parse(raw.subarray(0, raw.indexOf(NEWLINE)).toString()) as EntryHead;
      current = await this.options.versions.read(head.subgraphs);
    } catch (err) {
      // A store or version source that is down makes every request a miss, never a stale hit.
      warnOnce('store', err, 'response cache unavailable: answering without it');
      return undefined;
    }
    if (current.some((v, i) => v !== head.versions[i])) return undefined;
    return { status: 200, body: raw.subarray(raw.indexOf(NEWLINE) + 1), headers: head.headers };
  }

  /**
   * Computes an answer (`compute` runs the request through the gateway and fills `notes`),
   * storing it when the gateway marked it cacheable. Identical requests already known to be
   * cacheable share one computation.
   */
  async compute(key: string, compute: (notes: CacheNotes) => Promise<CachedAnswer>): Promise<{ answer: CachedAnswer; shared: boolean; stored: boolean }> {
    const pending = this.known.has(key) ? this.inFlight.get(key) : undefined;
    if (pending) {
      const answer = await pending;
      if (answer) {
        return { answer, shared: true, stored: false };
      }
    }
    // Read before computing: a write committed meanwhile makes the entry stale at once. Without
    // versions (their source is down) the answer is computed but not stored.
    const before = await this.options.versions.read(this.options.subgraphs).catch((err) => {
      warnOnce('versions', err, 'data versions unavailable: answers are not cached');
      return undefined;
    });
    const notes: CacheNotes = {};
    let release!: (a: CachedAnswer | undefined) => void;
    const shared = new Promise<CachedAnswer | undefined>((resolve) => (release = resolve));
    const owner = !this.inFlight.has(key);
    if (owner) this.inFlight.set(key, shared);
    let answer: CachedAnswer | undefined;
    let stored = false;
    try {
      answer = await compute(notes);
      if (before && notes.cacheableFrom && answer.status === 200) {
        const subgraphs = [...new Set(notes.cacheableFrom)].sort();
        const versions = subgraphs.map((s) => before[this.options.subgraphs.indexOf(s)] ?? '0');
        try {
          const head: EntryHead = { subgraphs, versions, headers: answer.headers };
          await this.options.store.set(key, Buffer.concat([Buffer.from(`${JSON.stringify(head)}\n`), answer.body]), this.options.ttlSeconds);
          this.known.set(key, true);
          stored = true;
        } catch (err) {
          warnOnce('store', err, 'response cache unavailable: answer not stored');
        }
      }
      return { answer, shared: false, stored };
    } finally {
      if (owner) {
        this.inFlight.delete(key);
        release(stored ? answer : undefined);
      }
    }
  }
}

/**
 * A warning per kind and minute at most: while Redis is down every request meets the same
 * failure, and one line a minute says so without flooding the log.
 */
const lastWarned = new Map<string, number>();
function warnOnce(kind: string, err: unknown, message: string): void {
  const now = Date.now();
  if (now - (lastWarned.get(kind) ?? 0) < 60_000) return;
  lastWarned.set(kind, now);
  logger.warn({ err }, `${message} (repeats within a minute are not logged)`);
}

/** The subgraphs a query plan fetches from (every Fetch node, however nested). */
export function subgraphsOfPlan(plan: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(plan)) {
    for (const node of plan) subgraphsOfPlan(node, out);
  } else if (plan && typeof plan === 'object') {
    const node = plan as Record<string, unknown>;
    if (node.kind === 'Fetch') {
      if (typeof node.serviceName === 'string') out.add(node.serviceName);
      return out;
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'operationDocumentNode' && typeof v === 'object') subgraphsOfPlan(v, out);
  }
  return out;
}
