/** The land import file: one row per parcel (README, "Importing data"). */
import { col, defineImport } from '../../lib/import/columns';
import { landMigrations, parcelFacts } from './facts';

export const landImport = defineImport({
  domain: 'land',
  migrations: landMigrations,
  facts: parcelFacts,
  idColumn: 'parcel_id',
  // Widths are those of the parcels table (services/land/facts.ts).
  columns: {
    parcel_id: col.text({ maxLength: 40 }),
    commune_code: col.communeCode(),
    commune_structure: col.structure(),
    area_m2: col.positiveNumber('square metres'),
    land_use: col.text({ maxLength: 10 }),
    owner_personal_id: col.optional(col.personalId()),
    digitized_on: col.optional(col.date()),
  },
  toFact: (row) => ({
    parcelId: row.parcel_id,
    communeCode: row.commune_code,
    // Set by the import from the row or the file (lib/import/rows.ts).
    communeStructure: row.commune_structure!,
    areaM2: row.area_m2,
    landUse: row.land_use,
    ownerPersonalId: row.owner_personal_id,
    digitizedOn: row.digitized_on,
  }),
});
