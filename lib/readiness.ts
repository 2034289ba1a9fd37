/**
 * What a service says about itself while it starts: `/health` (liveness: the process answers
 * HTTP) from the first moment, `/ready` (readiness: migrated, seeded, its database reachable)
 * only once it can answer queries. Until then `/ready` and `/graphql` answer 503 with a
 * `STARTING` error naming the phase (opening the database, migrating, seeding the demo data with
 * its progress), which the gateway passes on to clients while the graph starts.
 */
export type StartPhase = 'opening the database' | 'migrating' | 'seeding demo data' | 'loading the administrative units' | 'starting the GraphQL server';

export interface Progress {
  done: number;
  total: number;
  unit: string;
}

export interface ReadinessReport {
  service: string;
  status: 'starting' | 'ready' | 'unavailable' | 'failed';
  phase?: StartPhase;
  progress?: Progress;
  /** Seconds since the service started. */
  uptimeSeconds: number;
  reason?: string;
}

export class Readiness {
  private phaseNow: StartPhase | undefined = 'opening the database';
  private progressNow: Progress | undefined;
  private failure: string | undefined;
  private readonly started = Date.now();
  ready = false;

  constructor(readonly service: string) {}

  phase(phase: StartPhase): void {
    this.phaseNow = phase;
    this.progressNow = undefined;
  }

  progress(p: Progress): void {
    this.progressNow = p;
  }

  markReady(): void {
    this.ready = true;
    this.phaseNow = undefined;
    this.progressNow = undefined;
  }

  markFailed(reason: string): void {
    this.failure = reason;
  }

  report(): ReadinessReport {
    const base = { service: this.service, uptimeSeconds: Math.round((Date.now() - this.started) / 100) / 10 };
    if (this.failure) return { ...base, status: 'failed', reason: this.failure };
    if (this.ready) return { ...base, status: 'ready' };
    return { ...base, status: 'starting', phase: this.phaseNow, ...(this.progressNow ? { progress: this.progressNow } : {}) };
  }

  /** "seeding demo data (42 %: 4,210 of 10,051 communes)". */
  describe(): string {
    const r = this.report();
    if (r.status === 'failed') return `failed to start: ${r.reason}`;
    if (r.status === 'ready') return 'ready';
    const p = r.progress;
    return p ? `${r.phase} (${Math.floor((100 * p.done) / Math.max(1, p.total))} %: ${p.done.toLocaleString('en')} of ${p.total.toLocaleString('en')} ${p.unit})` : `${r.phase}`;
  }
}

/** The 503 body of a service that is not ready yet. */
export function startingError(readiness: Readiness) {
  return {
    errors: [
      {
        message: `The ${readiness.service} service is starting: ${readiness.describe()}; retry shortly`,
        extensions: { code: 'STARTING', serviceName: readiness.service, readiness: readiness.report() },
      },
    ],
  };
}

/** Where seeding reports its progress (demo/seed.ts); the running service's Readiness listens. */
let seedListener: ((p: Progress) => void) | undefined;
export function onSeedProgress(listener: ((p: Progress) => void) | undefined): void {
  seedListener = listener;
}
export function reportSeedProgress(p: Progress): void {
  seedListener?.(p);
}
