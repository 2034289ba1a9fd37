/**
 * The soak's imports: one land import after another through `importFile` (lib/import/engine.ts),
 * each file with parcels of its own (ids `S<n>-<i>`), so that afterwards each can be checked by
 * counting its rows: an import that returned must have all of them, one that threw none.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Config } from '../../lib/config';
import { importFile } from '../../lib/import/engine';
import { importDefinition } from '../../services/registry';

export interface ImportResult {
  n: number;
  prefix: string;
  rows: number;
  phase: string;
  outcome: 'committed' | 'failed';
  error?: string;
  seconds: number;
  /** Rows found afterwards (`verify`). */
  found?: number;
}

export class ImportLoop {
  readonly results: ImportResult[] = [];
  phase = 'start';
  private running = false;
  private loop: Promise<void> | undefined;
  private current: { n: number; rowsRead: number } | undefined;
  private n = 0;

  constructor(private readonly config: Config, private readonly dir: string, private readonly rowsPerFile: number, private readonly communes: readonly string[]) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) await this.runOne();
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Resolves once an import has read at least `rows` rows and is still running: a fault now hits it mid-way. */
  async inFlight(rows = 1, timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.current && this.current.rowsRead >= rows) return this.current.n;
      if (Date.now() > deadline) throw new Error(`no import got past row ${rows} within ${timeoutMs / 1000} s: ${this.results.at(-1)?.error ?? 'imports are not running'}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private writeFile(n: number): string {
    const file = path.join(this.dir, `parcels-${n}.csv`);
    const lines = ['parcel_id,commune_code,area_m2,land_use,owner_personal_id,digitized_on'];
    for (let i = 0; i < this.rowsPerFile; i++) {
      const commune = this.communes[(n * 7919 + i) % this.communes.length];
      lines.push(`S${n}-${i},${commune},${(50 + ((i * 37) % 5000) / 10).toFixed(1)},ONT,,${i % 3 === 0 ? '2024-05-17' : ''}`);
    }
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  }

  private async runOne(): Promise<void> {
    const n = ++this.n;
    const file = this.writeFile(n);
    const phase = this.phase;
    const started = performance.now();
    this.current = { n, rowsRead: 0 };
    const result: ImportResult = { n, prefix: `S${n}-`, rows: this.rowsPerFile, phase, outcome: 'committed', seconds: 0 };
    try {
      await importFile({ config: this.config, definition: importDefinition('land'), file, batchSize: 1000, onProgress: (p) => this.current && (this.current.rowsRead = p.rows) });
    } catch (err) {
      result.outcome = 'failed';
      result.error = ((err as Error).message ?? String(err)).split('\n')[0].slice(0, 200);
      // Give a failing database a moment before the next attempt.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      this.current = undefined;
      result.seconds = (performance.now() - started) / 1000;
      this.results.push(result);
      fs.rmSync(file, { force: true });
    }
  }

  /** Counts each import's rows: all of them (committed) or none (rolled back); anything else is a partial import. */
  async verify(land: Knex): Promise<ImportResult[]> {
    for (const r of this.results) {
      const [{ count }] = await land('parcels').where('parcel_id', 'like', `${r.prefix}%`).count<{ count: number }[]>({ count: '*' });
      r.found = Number(count);
    }
    return this.results.filter((r) => !((r.outcome === 'committed' && r.found === r.rows) || (r.outcome === 'failed' && (r.found === 0 || r.found === r.rows))));
  }
}
