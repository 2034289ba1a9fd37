/**
 * Indicators saved by admins (`saveIndicator`): stored in the indicators subgraph's own database,
 * one row per definition, so that the catalogue grows without a code change. A request reads
 * them once, whatever the number of units it computes them for.
 */
import type { Knex } from 'knex';
import type { Db } from '../../lib/db';
import { badInput } from '../../lib/errors';
import { builtInIndicators } from './catalog';
import { requireFormula, type Formula } from './formula';

const TABLE = 'saved_indicators';

export interface SavedIndicator extends Formula {
  id: string;
  name: string;
  nameVi: string;
  description: string;
  savedBy: string | null;
  savedAt: string;
}

export const indicatorMigrations: Record<string, Knex.Migration> = {
  '001_saved_indicators': {
    async up(db) {
      await db.schema.createTable(TABLE, (t) => {
        t.string('id', 64).primary();
        t.string('name', 200).notNullable();
        t.string('name_vi', 200).notNullable();
        t.text('description').notNullable();
        // JSON arrays of figure paths.
        t.text('numerator').notNullable();
        t.text('denominator').notNullable();
        t.double('factor').notNullable();
        t.string('saved_by', 200).nullable();
        t.string('saved_at', 24).notNullable();
      });
    },
    async down(db) {
      await db.schema.dropTable(TABLE);
    },
  },
};

const ID = /^[a-z][A-Za-z0-9]{1,63}$/;
const isBuiltIn = (id: string) => builtInIndicators().some((d) => d.id === id);

const fromRow = (r: Record<string, unknown>): SavedIndicator => ({
  id: String(r.id),
  name: String(r.name),
  nameVi: String(r.name_vi),
  description: String(r.description),
  numerator: JSON.parse(String(r.numerator)),
  denominator: JSON.parse(String(r.denominator)),
  factor: Number(r.factor),
  savedBy: r.saved_by == null ? null : String(r.saved_by),
  savedAt: String(r.saved_at),
});

/** Every saved indicator, by id order. */
export async function readSavedIndicators(db: Db): Promise<SavedIndicator[]> {
  return (await db(TABLE).select('*').orderBy('id')).map(fromRow);
}

export interface IndicatorInput {
  id: string;
  name: string;
  nameVi: string;
  description: string;
  numerator: string[];
  denominator: string[];
  factor?: number | null;
}

function requireUserId(id: string): string {
  if (!ID.test(id)) throw badInput(`Invalid id "${id}": 2 to 64 letters and digits, starting with a lower-case letter`, { argumentName: 'definition.id', value: id });
  if (isBuiltIn(id)) throw badInput(`Invalid id "${id}": a built-in indicator has that id; choose another`, { argumentName: 'definition.id', value: id });
  return id;
}

/** Checks and stores a definition (insert, or replace the saved one of that id). */
export async function saveIndicator(db: Db, input: IndicatorInput, savedBy: string | null, now = new Date()): Promise<SavedIndicator> {
  const id = requireUserId(input.id);
  const formula = requireFormula(input.numerator, input.denominator, input.factor, 'definition.');
  for (const [field, max] of [['name', 200], ['nameVi', 200], ['description', 4000]] as const) {
    const text = input[field].trim();
    if (text === '' || text.length > max) throw badInput(`Invalid ${field}: 1 to ${max} characters`, { argumentName: `definition.${field}` });
  }
  const saved: SavedIndicator = { id, name: input.name.trim(), nameVi: input.nameVi.trim(), description: input.description.trim(), ...formula, savedBy, savedAt: now.toISOString() };
  const row = { id, name: saved.name, name_vi: saved.nameVi, description: saved.description, numerator: JSON.stringify(saved.numerator), denominator: JSON.stringify(saved.denominator), factor: saved.factor, saved_by: savedBy, saved_at: saved.savedAt };
  await db.transaction(async (trx) => {
    await trx(TABLE).where({ id }).delete();
    await trx(TABLE).insert(row);
  });
  return saved;
}

/** Removes a saved definition; true when there was one. */
export async function deleteIndicator(db: Db, id: string): Promise<boolean> {
  if (isBuiltIn(id)) throw badInput(`Invalid id "${id}": a built-in indicator cannot be deleted`, { argumentName: 'id', value: id });
  return (await db(TABLE).where({ id }).delete()) > 0;
}
