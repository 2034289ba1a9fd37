/**
 * Land facts (one row per cadastral parcel), declared once (lib/fact-kit.ts): from these fields
 * follow the fact's type, its table row and its import file's columns (`parcel_id, commune_code,
 * commune_structure, area_m2, land_use, owner_personal_id, digitized_on`).
 */
import type { Placement } from '../../lib/areas';
import { defineFacts, field, type FactOf } from '../../lib/fact-kit';
import { keysAsUniqueIndexes } from '../../lib/fact-store';
import { twoStructuresMigration } from '../../lib/reform-migration';
import { createSummaryTables, monthTotalsMigration } from '../../lib/summaries';

const fields = {
  /** The parcel's number in the cadastral register. */
  parcelId: field.text(40),
  areaM2: field.positiveNumber('square metres'),
  /** The land use code of the cadastral map (ONT, LUC, …). */
  landUse: field.text(10),
  /** The owner's personal ID, when the owner is a citizen (empty for organisations and the state). */
  ownerPersonalId: field.optional(field.personalId()),
  /** The day the parcel's record was digitized; empty while it is on paper only. */
  digitizedOn: field.optional(field.date()),
};

export type Parcel = FactOf<typeof fields>;

export const LAND_METRICS = ['parcels', 'digitized_parcels'] as const;
export type LandMetric = (typeof LAND_METRICS)[number];

/**
 * Parcels carry no date of their own in the land records, so a parcel counts from the first
 * day the summaries know: it is on record in every period.
 */
export const PARCEL_ON_RECORD_SINCE = '1900-01-01';

const land = defineFacts({
  domain: 'land',
  table: 'parcels',
  fields,
  // The file's layout from before the kit: the commune after the parcel id.
  communeColumnsAfter: 'parcelId',
  id: 'parcelId',
  metrics: LAND_METRICS,
  // Parcels are not people: no land figure is perturbed (no protectedMetrics).
  // Where the crosswalk splits a commune, a parcel goes where its land lies (lib/areas/placement.ts), hashed on its id.
  placedBy: 'land',
  placementKey: 'parcelId',
  figures: (p) => [{ metric: 'parcels', date: PARCEL_ON_RECORD_SINCE }, ...(p.digitizedOn ? [{ metric: 'digitized_parcels' as const, date: p.digitizedOn }] : [])],
  history: ({ spec, summary }) => ({
    '001_parcels_and_summaries': {
      async up(db) {
        await db.schema.createTable('parcels', (t) => {
          t.string('parcel_id', 40).primary();
          t.string('commune_code', 5).notNullable();
          t.double('area_m2').notNullable();
          t.string('land_use', 10).notNullable();
          t.string('owner_personal_id', 12).nullable().index();
          t.string('digitized_on', 10).nullable();
          t.index(['commune_code']);
        });
        await createSummaryTables(db, summary);
      },
      async down(db) {
        await db.schema.dropTable('parcels');
        await db.schema.dropTable('land_summary_delta');
        await db.schema.dropTable('land_summary_year');
      },
    },
    // SQLite: the key becomes a unique index an import into an empty table can drop (lib/fact-store.ts).
    '002_key_as_unique_index': keysAsUniqueIndexes('parcels'),
    '003_two_structures': twoStructuresMigration(spec),
    // Month-end running totals replace the year-end ones (lib/summaries/month-totals.ts).
    '004_month_totals': monthTotalsMigration(summary),
  }),
});

export const parcelFacts = land.spec;
export const landSummary = land.summary;
export const landMigrations = land.migrations;
export const landImport = land.imports;
/** Where a parcel counts: by land, where the crosswalk splits a commune (lib/areas/placement.ts). */
export const parcelPlacement = (p: Parcel): Placement => land.placementOf(p);
