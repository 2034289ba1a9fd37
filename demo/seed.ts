/** Seeding a domain from its part of the demo world, through the same write path as imports. */
import type { Db } from '../lib/db';
import type { DomainDemo } from '../lib/domain';
import { areasOfLevel } from '../lib/areas';
import { upsertFacts, type FactSpec } from '../lib/fact-store';
import { reportSeedProgress } from '../lib/readiness';
import { DeltaBuffer } from '../lib/summaries';
import { DEMO_HORIZON, demoWorld, type DemoCommune, type DemoOptions, type DemoPart } from './world';

const BATCH = 20_000;

/** Seeds `spec`'s table from the demo world; `parts` names the parts of the world to generate (citizens always are). */
export async function seedFromDemo<F, M extends string>(
  db: Db,
  spec: FactSpec<F, M>,
  options: DemoOptions,
  partOf: (commune: DemoCommune) => F[],
  parts: DemoPart[] = [],
): Promise<number> {
  let rows = 0;
  // Only an empty domain is seeded: a restart, or data imported for real, is left alone.
  if (options.scale <= 0 || (await db(spec.table).first())) return 0;
  // Progress, for the service's readiness while it seeds: communes generated so far.
  // (The demo world is generated commune by commune of the three-tier list.)
  const communes = areasOfLevel('COMMUNE', 'THREE_TIER').length;
  let done = 0;
  await db.transaction(async (trx) => {
    // A bound for the worst case, every delta a (cell, day) key of its own (lib/summaries/delta-buffer.ts).
    const summaries = new DeltaBuffer(trx, spec.summary, { maxBytes: 512 * 2 ** 20 });
    let batch: F[] = [];
    for (const commune of demoWorld(options, parts)) {
      batch.push(...partOf(commune));
      if (++done % 100 === 0) {
        reportSeedProgress({ done, total: communes, unit: 'communes' });
        // Let the service answer /health and /ready (with this progress) while it seeds.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (batch.length >= BATCH) {
        rows += (await upsertFacts(trx, spec, batch, { allNew: true, summaries })).inserted;
        batch = [];
      }
    }
    rows += (await upsertFacts(trx, spec, batch, { allNew: true, summaries })).inserted;
    // The demo world is current through its horizon, whatever day it is generated.
    await summaries.finish({ deliveredThrough: DEMO_HORIZON });
  });
  return rows;
}

/**
 * A domain's part of the demo world, for its module's `demo`: seeded through `seedFromDemo`,
 * exported as its CSV. `of` picks the domain's facts out of each generated commune: one of the
 * parts demo/world.ts makes (`parts`), or facts the domain makes itself, in its own folder, from
 * the commune, its citizens and `commune.rng('<domain>')` (with `parts` empty: no edit in demo/).
 */
export function demoPart<F, M extends string>(spec: FactSpec<F, M>, parts: DemoPart[], of: (commune: DemoCommune) => F[]): DomainDemo {
  return { parts, of, table: spec.table, seed: (db, options) => seedFromDemo(db, spec, options, of, parts) };
}
