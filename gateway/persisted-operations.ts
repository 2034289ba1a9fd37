/**
 * Persisted operations. Clients may send an operation's SHA-256 hash instead of its text
 * (Apollo's automatic persisted queries protocol: `extensions.persistedQuery.sha256Hash`).
 * The operations registered in `operations/*.graphql` are known from the start; with
 * PERSISTED_OPERATIONS_ONLY=true the gateway accepts those and nothing else.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { projectRoot } from '../lib/admin-units';

export interface PersistedOperations {
  /** Registered hashes. */
  hashes: Set<string>;
  /** The cache Apollo Server reads hashed operations from, seeded with the registered ones. */
  cache: InMemoryLRUCache<string>;
}

export const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

export function loadPersistedOperations(dir = path.join(projectRoot(), 'operations')): PersistedOperations {
  const cache = new InMemoryLRUCache<string>({ maxSize: 20 * 1024 * 1024 });
  const hashes = new Set<string>();
  if (fs.existsSync(dir)) {
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort()) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const hash = sha256(text);
      hashes.add(hash);
      // Apollo Server's key for a persisted query.
      void cache.set(`apq:${hash}`, text);
    }
  }
  return { hashes, cache };
}

export function persistedOperationsPlugin(persisted: PersistedOperations, registeredOnly: boolean): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveSource({ source }) {
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
