/**
 * Prometheus metrics ([prom-client](https://github.com/siimon/prom-client)), served at `/metrics`
 * by the gateway and by every subgraph. One registry per process; every metric of this graph is
 * named `p06_*` (Node's own, from `collectDefaultMetrics`, keep their standard names). The Grafana
 * dashboard in `ops/grafana-dashboard.json` charts them; a test checks that every metric it
 * queries is one a service exposes.
 *
 * Labels are bounded: operation names are clients' words, so only the first
 * `MAX_OPERATION_NAMES` distinct valid names are kept and the rest are counted as `other`.
 */
import type { Knex } from 'knex';
import client from 'prom-client';

export const registry = new client.Registry();
// Node's own metrics (CPU, memory, event loop, GC), labelled with the service they describe.
client.collectDefaultMetrics({ register: registry, labels: { service: process.env.SERVICE_NAME ?? 'p06' } });

/** Seconds: from a cached answer (a millisecond) to a whole country's figures (a second) and timeouts. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds: one SQL statement, from a key lookup to an import's commit. */
const SQL_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

export const metrics = {
  requests: new client.Counter({
    name: 'p06_graphql_requests_total',
    help: 'GraphQL requests answered, by service, operation name and outcome (ok, partial: data with errors, error: errors without data, refused: 4xx, unavailable: 503)',
    labelNames: ['service', 'operation', 'outcome'] as const,
    registers: [registry],
  }),
  requestSeconds: new client.Histogram({
    name: 'p06_graphql_request_duration_seconds',
    help: 'Time to answer a GraphQL request, by service and operation name',
    labelNames: ['service', 'operation'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  subgraphFetches: new client.Counter({
    name: 'p06_subgraph_fetches_total',
    help: 'HTTP requests from the gateway to a subgraph, by subgraph and outcome (ok, http_error, timeout, unavailable, circuit_open)',
    labelNames: ['subgraph', 'outcome'] as const,
    registers: [registry],
  }),
  subgraphFetchSeconds: new client.Histogram({
    name: 'p06_subgraph_fetch_duration_seconds',
    help: 'Time of one HTTP request from the gateway to a subgraph',
    labelNames: ['subgraph'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  circuitState: new client.Gauge({
    name: 'p06_subgraph_circuit_state',
    help: "State of the gateway's circuit breaker for a subgraph: 0 closed (fetching), 1 half-open (probing), 2 open (failing fast)",
    labelNames: ['subgraph'] as const,
    registers: [registry],
  }),
  responseCache: new client.Counter({
    name: 'p06_response_cache_requests_total',
    help: "Requests through the gateway's response cache, by result (hit, miss: computed and stored, bypass: not cacheable)",
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  rateLimited: new client.Counter({
    name: 'p06_rate_limit_refusals_total',
    help: 'Requests refused with 429 by the rate limit (RATE_LIMIT_PER_MINUTE)',
    registers: [registry],
  }),
  auditWrites: new client.Counter({
    name: 'p06_audit_writes_total',
    help: 'Audit records of person-level reads, by outcome (written, failed: the answer was withheld)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  sqlStatements: new client.Counter({
    name: 'p06_sql_statements_total',
    help: 'SQL statements run, by domain database and outcome (ok, error)',
    labelNames: ['domain', 'outcome'] as const,
    registers: [registry],
  }),
  sqlSeconds: new client.Histogram({
    name: 'p06_sql_statement_duration_seconds',
    help: 'Time of one SQL statement, by domain database',
    labelNames: ['domain'] as const,
    buckets: SQL_BUCKETS,
    registers: [registry],
  }),
  importRows: new client.Counter({
    name: 'p06_import_rows_total',
    help: 'Rows of import files read, by domain and outcome (committed, rolled_back: refused or failed, dry_run)',
    labelNames: ['domain', 'outcome'] as const,
    registers: [registry],
  }),
  supergraphReloads: new client.Counter({
    name: 'p06_supergraph_reloads_total',
    help: 'Supergraph files the gateway loaded while running, by outcome (ok, failed: the previous one is kept)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  supergraphLoaded: new client.Gauge({
    name: 'p06_supergraph_loaded_timestamp_seconds',
    help: 'When the supergraph the gateway serves was loaded (Unix time)',
    registers: [registry],
  }),
  ready: new client.Gauge({
    name: 'p06_service_ready',
    help: 'Whether the service is ready (1) or starting or missing a dependency (0); see /ready',
    labelNames: ['service'] as const,
    registers: [registry],
  }),
};

// Counters whose label values are known start at 0, so that dashboards and alerts see them
// before the first event (prom-client shows a labelled counter only once it has been used).
for (const result of ['hit', 'miss', 'bypass']) metrics.responseCache.inc({ result }, 0);
for (const outcome of ['written', 'failed']) metrics.auditWrites.inc({ outcome }, 0);
for (const outcome of ['ok', 'failed']) metrics.supergraphReloads.inc({ outcome }, 0);

/** Answers GET /metrics. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

const MAX_OPERATION_NAMES = 200;
const seenOperations = new Set<string>();
const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The label for an operation name: `anonymous` without one, `other` past the bound. */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (seenOperations.has(name)) return name;
  if (!VALID_NAME.test(name) || seenOperations.size >= MAX_OPERATION_NAMES) return 'other';
  seenOperations.add(name);
  return name;
}

/** The outcome label of a GraphQL answer. */
export function outcomeOf(status: number, hasData: boolean, hasErrors: boolean): string {
  if (status === 503) return 'unavailable';
  if (status >= 400 && status < 500) return 'refused';
  if (!hasErrors) return 'ok';
  return hasData ? 'partial' : 'error';
}

/** Counts and times every SQL statement of a database (knex's query events). */
export function measureSql(db: Knex, domain: string): void {
  const started = new Map<string, number>();
  db.on('query', (q: { __knexQueryUid: string }) => void started.set(q.__knexQueryUid, performance.now()));
  const end = (outcome: 'ok' | 'error') => (_e: unknown, q: { __knexQueryUid: string }) => {
    const t = started.get(q.__knexQueryUid);
    if (t === undefined) return;
    started.delete(q.__knexQueryUid);
    metrics.sqlStatements.inc({ domain, outcome });
    metrics.sqlSeconds.observe({ domain }, (performance.now() - t) / 1000);
  };
  db.on('query-response', (response: unknown, q: { __knexQueryUid: string }) => end('ok')(response, q));
  db.on('query-error', (err: unknown, q: { __knexQueryUid: string }) => end('error')(err, q));
}
