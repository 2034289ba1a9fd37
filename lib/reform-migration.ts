/**
 * The migration step that upgrades a domain's database in place to the two structures of the
 * 2025 reform, without a re-import: every fact gets `commune_structure` (the existing ones were
 * all delivered with three-tier codes), the summaries get `placed_by_rule` and a table of
 * delivery dates, and are then recomputed from the facts, so that the two-tier units get their
 * history (README, "Upgrading").
 */
import type { Knex } from 'knex';
import type { FactSpec } from './fact-store';
import { rebuildSummaries } from './fact-store';
import { addReformSummaryTables } from './summaries';

export function twoStructuresMigration<F, M extends string>(
  spec: FactSpec<F, M>,
  options: {
    /** Other fact tables with a commune code (none today). */
    alterFacts?: (db: Knex) => Promise<void>;
    /** Figures added by this migration, as summary columns. */
    newMetrics?: readonly string[];
  } = {},
): Knex.Migration {
  return {
    async up(db) {
      await db.schema.alterTable(spec.table, (t) => t.string('commune_structure', 10).notNullable().defaultTo('THREE_TIER'));
      await options.alterFacts?.(db);
      await addReformSummaryTables(db, spec.summary);
      for (const metric of options.newMetrics ?? []) {
        for (const table of [`${spec.summary.name}_delta`, `${spec.summary.name}_year`]) {
          await db.schema.alterTable(table, (t) => t.bigInteger(metric).notNullable().defaultTo(0));
        }
      }
      await rebuildSummaries(db, spec);
    },
    // Forward only: the three-tier figures are all still there.
    async down() {},
  };
}
