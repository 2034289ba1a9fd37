/** Land facts (one row per parcel) and the figures they move. */
import type { Knex } from 'knex';
import { placeOf, type AreaStructure, type Placement } from '../../lib/areas';
import { createSummaryTables, monthTotalsMigration, type FigureDelta } from '../../lib/summaries';
import { keysAsUniqueIndexes, ruleDelta, type FactSpec } from '../../lib/fact-store';
import { twoStructuresMigration } from '../../lib/reform-migration';

export interface Parcel {
  parcelId: string;
  /** The commune as delivered, in `communeStructure`. */
  communeCode: string;
  communeStructure: AreaStructure;
  areaM2: number;
  landUse: string;
  ownerPersonalId: string | null;
  digitizedOn: string | null;
}

export const LAND_METRICS = ['parcels', 'digitized_parcels'] as const;
export type LandMetric = (typeof LAND_METRICS)[number];

export const landSummary = { name: 'land_summary', metrics: LAND_METRICS };

/**
 * Parcels carry no date of their own in the land records, so a parcel counts from the first
 * day the summaries know: it is on record in every period.
 */
export const PARCEL_ON_RECORD_SINCE = '1900-01-01';

/** Where a parcel counts: by land, where the crosswalk splits a commune (lib/areas/placement.ts). */
export const parcelPlacement = (p: Parcel): Placement => placeOf(p.communeCode, p.communeStructure, p.parcelId, 'land');

export function parcelDeltas(p: Parcel): FigureDelta<LandMetric>[] {
  const placement = parcelPlacement(p);
  const out: FigureDelta<LandMetric>[] = [{ place: placement.cell, date: PARCEL_ON_RECORD_SINCE, metric: 'parcels', delta: 1 }];
  if (p.digitizedOn) out.push({ place: placement.cell, date: p.digitizedOn, metric: 'digitized_parcels', delta: 1 });
  ruleDelta(out, placement, PARCEL_ON_RECORD_SINCE);
  return out;
}

export const parcelFacts: FactSpec<Parcel, LandMetric> = {
  table: 'parcels',
  key: 'parcel_id',
  summary: landSummary,
  idOf: (p) => p.parcelId,
  toRow: (p) => ({
    parcel_id: p.parcelId,
    commune_code: p.communeCode,
    commune_structure: p.communeStructure,
    area_m2: p.areaM2,
    land_use: p.landUse,
    owner_personal_id: p.ownerPersonalId,
    digitized_on: p.digitizedOn,
  }),
  fromRow: (r) => ({
    parcelId: String(r.parcel_id),
    communeCode: String(r.commune_code),
    communeStructure: r.commune_structure as AreaStructure,
    areaM2: Number(r.area_m2),
    landUse: String(r.land_use),
    ownerPersonalId: (r.owner_personal_id as string | null) ?? null,
    digitizedOn: (r.digitized_on as string | null) ?? null,
  }),
  placementOf: parcelPlacement,
  deltasOf: parcelDeltas,
};

export const landMigrations: Record<string, Knex.Migration> = {
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
      await createSummaryTables(db, landSummary);
    },
    async down(db) {
      await db.schema.dropTable('parcels');
      await db.schema.dropTable('land_summary_delta');
      await db.schema.dropTable('land_summary_year');
    },
  },
  // SQLite: the key becomes a unique index an import into an empty table can drop (lib/fact-store.ts).
  '002_key_as_unique_index': keysAsUniqueIndexes('parcels'),
  '003_two_structures': twoStructuresMigration(parcelFacts),
  // Month-end running totals replace the year-end ones (lib/summaries/month-totals.ts).
  '004_month_totals': monthTotalsMigration(landSummary),
};
