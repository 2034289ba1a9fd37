/**
 * The end-to-end helper: starts every subgraph and the gateway in this process on free ports,
 * over real databases (a fresh SQLite folder, or fresh MySQL databases), with real HTTP
 * between the gateway and the subgraphs. Returns `queryGateway` and `stop`, plus what tests
 * need to look behind the curtain: each domain's knex (to count SQL statements) and the number
 * of requests each subgraph received.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../lib/config';
import { loadConfig } from '../../lib/config';
import { dataChanged } from '../../lib/data-versions';
import { dropAllTables, openDb, type Db } from '../../lib/db';
import { prepareDomain } from '../../lib/service-runtime';
import type { ReplayGuard } from '../../lib/replay-guard';
import { startSubgraph, type ServiceHandle } from '../../lib/subgraph';
import { startGateway } from '../../gateway/server';
import { DOMAIN_MODULES } from '../../services/registry';
import { bodyHashOf, DEV_INTERNAL_SECRET, DEV_JWT_SECRET, IDENTITY_HEADER, signInternalIdentity, signUserToken, type Identity, type Role } from '../../lib/auth';

export interface TestDatabase {
  label: 'sqlite' | 'mysql';
  /** Configuration for a fresh, empty set of databases. */
  config(tag: string): Config;
}

/** SQLite always; MySQL (MariaDB in CI) too when MYSQL_URL is set. */
export function testDatabases(): TestDatabase[] {
  const dbs: TestDatabase[] = [
    {
      label: 'sqlite',
      config: (tag) => loadConfig({ NODE_ENV: 'test', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `p06-${tag}-`)), DEMO_SCALE: '0' }),
    },
  ];
  if (process.env.MYSQL_URL) {
    dbs.push({
      label: 'mysql',
      config: (tag) =>
        loadConfig({
          NODE_ENV: 'test',
          DB_CLIENT: 'mysql2',
          MYSQL_URL: process.env.MYSQL_URL,
          MYSQL_DATABASE_PREFIX: `${process.env.TEST_DB_PREFIX ?? 'p06t'}${process.env.JEST_WORKER_ID ?? '0'}_${tag.replace(/[^A-Za-z0-9]/g, '_')}_`,
          DEMO_SCALE: '0',
        }),
    });
  }
  return dbs;
}

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** Who a test request is from: a role (with provinces for officers), or nobody. */
export type Caller = { role: Role; provinces?: string[]; sub?: string } | 'anonymous';

/** A bearer token signed with the development secret, as `npm run token` makes. */
export function tokenFor(caller: Exclude<Caller, 'anonymous'>): Promise<string> {
  return signUserToken(DEV_JWT_SECRET, { sub: caller.sub ?? `test-${caller.role}`, roles: [caller.role], provinces: caller.provinces });
}

export interface RunningGraph {
  gatewayUrl: string;
  /** Queries the gateway as `as` (an admin by default); `headers` are added to the request's. */
  queryGateway<T = any>(query: string, variables?: Record<string, unknown>, as?: Caller, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Each domain's database, by domain name (domains without one are absent). */
  dbs: Record<string, Db>;
  /** Requests each subgraph has received since start (or since `resetCounts`). */
  subgraphRequests: Record<string, number>;
  /** SQL statements each domain database has run since start (or since `resetCounts`). */
  sqlStatements: Record<string, number>;
  resetCounts(): void;
  /** Each subgraph's own URL, by name (to call one directly). */
  subgraphUrls(): Record<string, string>;
  /**
   * Says that a test wrote to a domain's database behind the graph's back, as the import does
   * after committing (lib/data-versions.ts): the gateway's cached answers over it go stale.
   */
  dataChanged(...domains: string[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the graph. `seed` runs after migration, before anything listens: write fixtures there
 * through the domains' own write path. Databases start empty (existing tables are dropped).
 */
export async function startGraph(
  config: Config,
  seed?: (dbs: Record<string, Db>) => Promise<void>,
  options: {
    /** Where the gateway finds each subgraph (a fault proxy in front of one, say); the subgraphs' own URLs by default. */
    gatewayUrls?: (urls: Record<string, string>) => Promise<Record<string, string>>;
    /** Each subgraph's store of identities already used; this process's memory by default. */
    replayGuard?: (subgraph: string) => ReplayGuard;
  } = {},
): Promise<RunningGraph> {
  const dbs: Record<string, Db> = {};
  for (const m of DOMAIN_MODULES) {
    if (!m.migrations) continue;
    const db = await openDb(config, m.name);
    await dropAllTables(db);
    await db.destroy();
  }
  const prepared = [];
  for (const m of DOMAIN_MODULES) {
    const p = await prepareDomain(m, config);
    if (p.db) dbs[m.name] = p.db;
    prepared.push(p);
  }
  if (seed) await seed(dbs);
  const subgraphRequests: Record<string, number> = {};
  const sqlStatements: Record<string, number> = {};
  for (const [name, db] of Object.entries(dbs)) {
    sqlStatements[name] = 0;
    db.on('query', () => sqlStatements[name]++);
  }
  const handles: ServiceHandle[] = [];
  for (const p of prepared) {
    const name = p.definition.name;
    subgraphRequests[name] = 0;
    handles.push(
      await startSubgraph(p.definition, {
        port: 0,
        plugins: [{ requestDidStart: async () => void subgraphRequests[name]++ }],
        replayGuard: options.replayGuard?.(name),
      }),
    );
  }
  const ownUrls = Object.fromEntries(handles.map((h) => [h.name, h.url]));
  const gateway = await startGateway({ config, subgraphUrls: options.gatewayUrls ? await options.gatewayUrls(ownUrls) : ownUrls, port: 0 });
  return {
    gatewayUrl: gateway.url,
    dbs,
    subgraphRequests,
    sqlStatements,
    subgraphUrls: () => Object.fromEntries(handles.map((h) => [h.name, h.url])),
    async dataChanged(...domains) {
      for (const d of domains) await dataChanged(config, d);
    },
    resetCounts() {
      for (const k of Object.keys(subgraphRequests)) subgraphRequests[k] = 0;
      for (const k of Object.keys(sqlStatements)) sqlStatements[k] = 0;
    },
    async queryGateway(query, variables, as = { role: 'admin' }, extraHeaders = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...extraHeaders };
      if (as !== 'anonymous') headers.authorization = `Bearer ${await tokenFor(as)}`;
      const res = await fetch(gateway.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as GraphQLResponse;
    },
    async stop() {
      await gateway.stop();
      for (const h of handles) await h.stop();
    },
  };
}

/** Posts to a subgraph directly, as the gateway would: with an identity signed for that request and that subgraph. */
export async function postToSubgraph(url: string, subgraph: string, query: string, variables: Record<string, unknown> | undefined, identity: Partial<Identity> = { roles: ['admin'] }): Promise<any> {
  const full: Identity = { sub: 'test', roles: [], provinces: [], clientAddress: '127.0.0.1', ...identity };
  const body = JSON.stringify({ query, variables });
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await signInternalIdentity(DEV_INTERNAL_SECRET, full, bodyHashOf(body), subgraph) },
    body,
  });
  return res.json();
}
