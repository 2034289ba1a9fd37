/**
 * Persisted operations. Clients may send an operation's SHA-256 hash instead of its text
 * (Apollo's automatic persisted queries protocol: `extensions.persistedQuery.sha256Hash`).
 * The operations registered in `operations/*.graphql` are known from the start; with
 * PERSISTED_OPERATIONS_ONLY=true the gateway accepts those and nothing else.
 *
 * The registered ones are listed, with their hashes, in a manifest the gateway serves at
 * /persisted-operations.json (Apollo's persisted query manifest format), for dashboard builders;
 * each is also a GraphiQL tab, with its example variables from `operations/<file>.variables.json`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InMemoryLRUCache, type KeyValueCache, type KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type Redis from 'ioredis';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { projectRoot } from '../lib/areas';

/** One operation of `operations/`. */
export interface RegisteredOperation {
  /** The operation's name in its text. */
  name: string;
  /** SHA-256 of `text`, hex: what a client sends instead of it. */
  hash: string;
  /** The file's text, exactly: the hash is of these bytes. */
  text: string;
  /** Example variables (`<file>.variables.json`), for GraphiQL's tab. */
  exampleVariables?: Record<string, unknown>;
}

export interface PersistedOperations {
  /** Registered hashes. */
  hashes: Set<string>;
  /** The registered operations, in file name order. */
  operations: RegisteredOperation[];
  /** The cache Apollo Server reads hashed operations from, seeded with the registered ones. */
  cache: InMemoryLRUCache<string>;
}

export const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

export function loadPersistedOperations(dir = path.join(projectRoot(), 'operations')): PersistedOperations {
  const cache = new InMemoryLRUCache<string>({ maxSize: 20 * 1024 * 1024 });
  const hashes = new Set<string>();
  const operations: RegisteredOperation[] = [];
  if (fs.existsSync(dir)) {
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort()) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const hash = sha256(text);
      hashes.add(hash);
      // Apollo Server's key for a persisted query.
      void cache.set(`apq:${hash}`, text);
      operations.push({ name: operationNameOf(text, file), hash, text, exampleVariables: exampleVariablesOf(path.join(dir, file.replace(/\.graphql$/, '.variables.json'))) });
    }
  }
  return { hashes, operations, cache };
}

/** The name of the one named query in a file of `operations/`; a file that has none is an error that names it. */
function operationNameOf(text: string, file: string): string {
  const operations = parse(text).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || !operations[0].name) throw new Error(`operations/${file} must hold exactly one named operation (it is registered and listed by its name)`);
  return operations[0].name.value;
}

function exampleVariablesOf(file: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${path.relative(projectRoot(), file)} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * The registered operations as an Apollo persisted query manifest
 * (`@apollo/generate-persisted-query-manifest`'s format, which `@apollo/persisted-query-lists`
 * reads): `id` is the hash the gateway knows, `body` the exact text it was computed over.
 */
export function persistedQueryManifest(persisted: PersistedOperations) {
  return {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: persisted.operations.map((op) => ({ id: op.hash, name: op.name, type: 'query', body: op.text })),
  };
}

/** How long an operation a client registered at run time is kept (seconds). */
export const REGISTERED_AT_RUN_TIME_TTL = 24 * 3600;

/**
 * Operations clients register at run time (sending hash and text once) kept in Redis too, so
 * that every gateway knows them: a client may send the hash alone to any replica. This
 * process's cache (with the operations of operations/) is read first. If Redis fails, the
 * gateway answers from its own cache alone; a client whose hash it does not know is told
 * PERSISTED_QUERY_NOT_FOUND and sends the text again, as the protocol has it.
 */
export class SharedPersistedCache implements KeyValueCache<string> {
  constructor(
    private readonly local: KeyValueCache<string>,
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const mine = await this.local.get(key);
    if (mine !== undefined) return mine;
    const shared = await this.redis.get(this.prefix + key).catch(() => null);
    if (shared === null) return undefined;
    await this.local.set(key, shared, { ttl: REGISTERED_AT_RUN_TIME_TTL });
    return shared;
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    const ttl = options?.ttl ?? REGISTERED_AT_RUN_TIME_TTL;
    await this.local.set(key, value, { ttl });
    await this.redis.set(this.prefix + key, value, 'EX', ttl).catch(() => undefined);
  }

  async delete(key: string): Promise<void> {
    await this.local.delete(key);
    await this.redis.del(this.prefix + key).catch(() => undefined);
  }
}

export function persistedOperationsPlugin(persisted: PersistedOperations, registeredOnly: boolean): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        // The gateway's RequestGuard refuses these first; this stands behind it. (A plugin's error
        // is a 400 from didResolveOperation on; before it, Apollo Server answers 500.)
        async didResolveOperation({ source }) {
          if (registeredOnly && !persisted.hashes.has(sha256(source))) {
            throw new GraphQLError('Only registered operations are accepted here (PERSISTED_OPERATIONS_ONLY): send the hash of an operation in operations/', {
              extensions: { code: 'PERSISTED_QUERY_NOT_REGISTERED', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
