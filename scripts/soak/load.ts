/**
 * The soak's load: a closed loop of concurrent clients sending the four benchmark workloads
 * (bench/lib/workloads.ts) and a dashboard's small query, cached and not, each answer classified:
 *
 * - ok, partial (data and errors), error (errors only), refused (4xx), unavailable (a documented
 *   503: STARTING while the graph starts, AUDIT_UNAVAILABLE when a person-level answer cannot be
 *   audited), network (no HTTP answer at all);
 * - a failure of the soak: any other 5xx, and any nameless error (no code, INTERNAL_SERVER_ERROR,
 *   "Internal server error", or a subgraph/database error that does not name its service).
 */
import { workloads, type WorkloadName } from '../../bench/lib/workloads';

export type Outcome = 'ok' | 'partial' | 'error' | 'refused' | 'unavailable' | 'network';

export interface RequestRecord {
  phase: string;
  workload: string;
  ms: number;
  status: number;
  outcome: Outcome;
  codes: string[];
  /** Why this answer fails the soak, if it does. */
  failure?: string;
  /** Its errors: `code service` and message, for the report's examples. */
  examples?: { key: string; message: string }[];
}

const DOCUMENTED_503 = new Set(['STARTING', 'AUDIT_UNAVAILABLE']);
const NEEDS_SERVICE = new Set(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_TIMEOUT', 'DATABASE_UNAVAILABLE']);

interface GraphQLError {
  message?: string;
  extensions?: { code?: string; serviceName?: string };
}

export function classify(status: number, body: { data?: unknown; errors?: GraphQLError[] } | undefined): Pick<RequestRecord, 'outcome' | 'codes' | 'failure' | 'examples'> {
  const errors = body?.errors ?? [];
  const examples = errors.map((e) => ({ key: `${e.extensions?.code ?? 'NO_CODE'} ${e.extensions?.serviceName ?? ''}`.trim(), message: (e.message ?? '').slice(0, 240) }));
  const codes = errors.map((e) => e.extensions?.code ?? 'NO_CODE');
  const nameless = errors.find(
    (e) => !e.extensions?.code || e.extensions.code === 'INTERNAL_SERVER_ERROR' || e.message === 'Internal server error' || (NEEDS_SERVICE.has(e.extensions.code) && !e.extensions.serviceName),
  );
  let failure = nameless ? `nameless error: ${JSON.stringify(nameless).slice(0, 300)}` : undefined;
  let outcome: Outcome;
  if (status >= 500) {
    outcome = 'unavailable';
    if (status !== 503 || codes.length === 0 || !codes.every((c) => DOCUMENTED_503.has(c))) failure ??= `HTTP ${status} ${codes.join(',') || 'without a GraphQL error'}`;
  } else if (status >= 400) outcome = 'refused';
  else if (errors.length === 0) outcome = 'ok';
  else outcome = body?.data && Object.values(body.data as object).some((v) => v !== null) ? 'partial' : 'error';
  return { outcome, codes, failure, examples };
}

export interface Request {
  workload: string;
  query: string;
  admin?: boolean;
  fresh?: boolean;
}

export class Load {
  readonly records: RequestRecord[] = [];
  phase = 'start';
  private running = false;
  private workers: Promise<void>[] = [];
  /** What the clients send, in turn. */
  readonly mix: Request[];

  constructor(private readonly gatewayUrl: string, private readonly tokens: { analyst: string; admin: string }, citizenId: string, private readonly concurrency: number) {
    const w = workloads(citizenId);
    const q = (name: WorkloadName, extra: Partial<Request> = {}): Request => ({ workload: name, query: w[name].query, ...extra });
    this.mix = [
      q('W1'),
      q('W2'),
      q('W3'),
      q('W4', { admin: true }),
      q('W1', { fresh: true, workload: 'W1 uncached' }),
      { workload: 'province', query: '{ province(code: "31") { name stats(period: "2024-06") { residency { population } land { parcels } indicators { eidLevel2Coverage } } } }' },
      q('W2', { fresh: true, workload: 'W2 uncached' }),
    ];
  }

  /** The query of a workload of the mix. */
  queryOf(workload: string): string {
    return this.mix.find((m) => m.workload === workload)!.query;
  }

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: this.concurrency }, (_, i) => this.worker(i));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  private async worker(offset: number): Promise<void> {
    for (let i = offset; this.running; i++) {
      const r = this.mix[i % this.mix.length];
      this.records.push(await this.send(r));
    }
  }

  /** One request, timed and classified. */
  async send(r: Request): Promise<RequestRecord> {
    const phase = this.phase;
    const started = performance.now();
    try {
      const res = await fetch(this.gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${r.admin ? this.tokens.admin : this.tokens.analyst}`,
          ...(r.fresh ? { 'cache-control': 'no-cache' } : {}),
        },
        body: JSON.stringify({ query: r.query }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      let body: { data?: unknown; errors?: GraphQLError[] } | undefined;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { phase, workload: r.workload, ms: performance.now() - started, status: res.status, ...classify(res.status, body) };
    } catch (err) {
      const reason = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      return { phase, workload: r.workload, ms: performance.now() - started, status: 0, outcome: 'network', codes: [reason], failure: `no answer from the gateway (${reason})` };
    }
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
