/**
 * The gateway's readiness: it is ready when every subgraph answers its `/ready` (listening,
 * migrated, seeded, its database reachable).
 *
 * - `/ready` answers 200 or 503 with each subgraph's report (and the supergraph's state).
 * - While the graph starts (until every subgraph has been ready once), `/graphql` answers 503
 *   with a `STARTING` error naming what is not ready and how far it is (a subgraph seeding the
 *   demo world says how many communes it has done), instead of answering with errors. Once the
 *   graph has been ready, a subgraph that goes away costs only its own fields (partial answers,
 *   gateway/subgraph-client.ts), never the whole graph.
 */
import type express from 'express';
import { metrics } from '../lib/metrics';
import type { ReadinessReport } from '../lib/readiness';

export interface SubgraphReadiness {
  name: string;
  status: ReadinessReport['status'] | 'unreachable';
  phase?: string;
  progress?: ReadinessReport['progress'];
  reason?: string;
}

/** How long one check of the subgraphs is reused: the start-up gate asks on every request. */
const CHECK_REUSE_MS = 250;
const CHECK_TIMEOUT_MS = 2_000;

export class GraphReadiness {
  private started = false;
  private last: { at: number; reports: Promise<SubgraphReadiness[]> } | undefined;

  constructor(private readonly subgraphUrls: Record<string, string>) {}

  /** Whether every subgraph has been ready at least once. */
  get hasStarted(): boolean {
    return this.started;
  }

  /** Each subgraph's readiness (one check shared by the requests of a quarter second). */
  check(reuseMs = CHECK_REUSE_MS): Promise<SubgraphReadiness[]> {
    if (this.last && Date.now() - this.last.at < reuseMs) return this.last.reports;
    const reports = Promise.all(Object.entries(this.subgraphUrls).map(([name, url]) => checkOne(name, url)));
    this.last = { at: Date.now(), reports };
    void reports.then((r) => {
      if (r.every((s) => s.status === 'ready')) this.started = true;
    });
    return reports;
  }

  /** Express middleware: 503 STARTING until the graph has started once. */
  startupGate(): express.RequestHandler {
    return async (_req, res, next) => {
      if (this.started) return next();
      const reports = await this.check();
      if (reports.every((s) => s.status === 'ready')) {
        this.started = true;
        return next();
      }
      const waiting = reports.filter((s) => s.status !== 'ready');
      res.setHeader('Retry-After', '2');
      res.status(503).json({
        errors: [
          {
            message: `The graph is starting: ${waiting.map(describe).join('; ')}. Retry shortly`,
            extensions: { code: 'STARTING', services: waiting },
          },
        ],
      });
    };
  }

  /** GET /ready. */
  handler(extra: () => Record<string, unknown>): express.RequestHandler {
    return async (_req, res) => {
      const subgraphs = await this.check();
      const ready = subgraphs.every((s) => s.status === 'ready');
      metrics.ready.set({ service: 'gateway' }, ready ? 1 : 0);
      res.status(ready ? 200 : 503).json({ service: 'gateway', status: ready ? 'ready' : 'not ready', subgraphs, ...extra() });
    };
  }
}

function describe(s: SubgraphReadiness): string {
  if (s.status === 'unreachable') return `${s.name} does not answer (${s.reason})`;
  if (s.status === 'starting') {
    const p = s.progress;
    return `${s.name} is ${s.phase ?? 'starting'}${p ? ` (${Math.floor((100 * p.done) / Math.max(1, p.total))} %: ${p.done.toLocaleString('en')} of ${p.total.toLocaleString('en')} ${p.unit})` : ''}`;
  }
  return `${s.name} is ${s.status}${s.reason ? ` (${s.reason})` : ''}`;
}

/** `/ready` beside a subgraph's `/graphql`. */
export function readyUrlOf(graphqlUrl: string): string {
  const u = new URL(graphqlUrl);
  u.pathname = u.pathname.replace(/\/graphql\/?$/, '') + '/ready';
  return u.toString();
}

async function checkOne(name: string, url: string): Promise<SubgraphReadiness> {
  try {
    const res = await fetch(readyUrlOf(url), { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    const body = (await res.json().catch(() => ({}))) as Partial<ReadinessReport>;
    if (res.ok) return { name, status: 'ready' };
    return { name, status: body.status ?? 'unavailable', phase: body.phase, progress: body.progress, reason: body.reason ?? (body.status ? undefined : `HTTP ${res.status}`) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer to /ready within ${CHECK_TIMEOUT_MS} ms: busy starting, or overloaded` : e.cause?.code === 'ECONNREFUSED' ? 'connection refused' : (e.cause?.message ?? e.message);
    return { name, status: 'unreachable', reason };
  }
}
