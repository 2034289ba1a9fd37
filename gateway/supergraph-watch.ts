/**
 * Hot reload of the supergraph: the gateway looks at `SUPERGRAPH_FILE` every
 * `SUPERGRAPH_POLL_MS` and, when its content changed, hands the new text to @apollo/gateway,
 * which builds the new schema and query planner beside the old one and swaps them: requests
 * already running finish on the old one, the next ones get the new one, none is dropped. A file
 * that does not load (not a supergraph, a composition error) leaves the old one in place; the
 * log says why, `p06_supergraph_reloads_total{outcome="failed"}` counts it and `/ready` shows it
 * until a good file replaces it.
 *
 * The file is polled (a `stat` every interval) rather than watched: editors and deployment
 * tools replace files by renaming, which file watchers follow badly. Write the new file beside
 * it and rename it into place, so that a half-written file is never read.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { SupergraphSdlHook } from '@apollo/gateway';
import { logger } from '../lib/logger';
import { metrics } from '../lib/metrics';

export interface SupergraphStatus {
  file: string | null;
  /** SHA-256 (first 16 hex digits) of the supergraph served. */
  id: string;
  loadedAt: string;
  /** Why the last changed file was refused, while the previous one is still served. */
  lastError?: { at: string; message: string; id: string };
}

const idOf = (sdl: string) => crypto.createHash('sha256').update(sdl).digest('hex').slice(0, 16);

export class SupergraphSource {
  status: SupergraphStatus;

  /** `file` null: a fixed supergraph (tests), never reloaded. */
  constructor(private readonly file: string | null, private readonly initialSdl: string, private readonly pollMs: number) {
    this.status = { file, id: idOf(initialSdl), loadedAt: new Date().toISOString() };
    metrics.supergraphLoaded.set(Date.now() / 1000);
  }

  /** The `supergraphSdl` option of ApolloGateway. */
  hook(): SupergraphSdlHook {
    return async ({ update }) => {
      const file = this.file;
      if (!file || this.pollMs <= 0) return { supergraphSdl: this.initialSdl };
      let seen = fs.statSync(file);
      const timer = setInterval(() => {
        let now: fs.Stats;
        try {
          now = fs.statSync(file);
        } catch (err) {
          return this.refuse(`cannot read ${file}: ${(err as Error).message}`, 'missing');
        }
        if (now.mtimeMs === seen.mtimeMs && now.size === seen.size && now.ino === seen.ino) return;
        seen = now;
        const sdl = fs.readFileSync(file, 'utf8');
        const id = idOf(sdl);
        if (id === this.status.id || id === this.status.lastError?.id) return;
        try {
          update(sdl);
          this.status = { file, id, loadedAt: new Date().toISOString() };
          metrics.supergraphReloads.inc({ outcome: 'ok' });
          metrics.supergraphLoaded.set(Date.now() / 1000);
          logger.info({ file, id }, 'supergraph reloaded');
        } catch (err) {
          this.refuse((err as Error).message, id);
        }
      }, this.pollMs);
      timer.unref();
      return { supergraphSdl: this.initialSdl, cleanup: async () => clearInterval(timer) };
    };
  }

  private refuse(message: string, id: string): void {
    if (this.status.lastError?.id === id) return;
    this.status = { ...this.status, lastError: { at: new Date().toISOString(), message, id } };
    metrics.supergraphReloads.inc({ outcome: 'failed' });
    logger.error({ file: this.file, reason: message }, 'supergraph file changed but does not load: still serving the previous one');
  }
}
