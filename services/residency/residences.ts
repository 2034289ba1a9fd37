/**
 * A citizen's earlier permanent residences as one field of the citizen (lib/fact-kit.ts): in the
 * citizens table and in the import file alike, oldest first, separated by `;`, each
 * `commune_code registered_on STRUCTURE` (`10525 2012-03-01 THREE_TIER`), so that an exported
 * file imports unchanged. In a file the structure may be left out: the row's then applies.
 */
import type { AreaStructure } from '../../lib/areas';
import type { FactField } from '../../lib/fact-kit';
import { col, Invalid, type Column } from '../../lib/import/columns';

/** A permanent residence: the commune (as delivered, in its structure) and the day it was registered. */
export interface Residence {
  communeCode: string;
  communeStructure: AreaStructure;
  registeredOn: string;
}

/** As a file gives it: the structure may be left to the row's (set by the import's row check). */
export type ResidenceCell = Omit<Residence, 'communeStructure'> & { communeStructure: AreaStructure | null };

const STRUCTURE_NAMES = new Set(['THREE_TIER', 'TWO_TIER']);
const MAX_RESIDENCES = 50;

/** Earlier residences as stored, null when there are none. */
export function formatResidences(residences: readonly Residence[]): string | null {
  return residences.length ? residences.map((r) => `${r.communeCode} ${r.registeredOn} ${r.communeStructure}`).join(';') : null;
}

export function parseStoredResidences(text: unknown): Residence[] {
  if (typeof text !== 'string' || text === '') return [];
  return text.split(';').map((entry) => {
    const [communeCode, registeredOn, communeStructure] = entry.split(' ');
    return { communeCode, registeredOn, communeStructure: communeStructure as AreaStructure };
  });
}

/** The import file's column: it may be left out of the file, or empty (no earlier residence). */
function residencesColumn(): Column<ResidenceCell[]> & { required: false; mayBeAbsent: true } {
  const date = col.date();
  return {
    required: false,
    mayBeAbsent: true,
    parse: (text, ctx) => {
      const entries = text.split(';').map((e) => e.trim()).filter(Boolean);
      if (entries.length > MAX_RESIDENCES) return new Invalid(`more than ${MAX_RESIDENCES} earlier residences`);
      const out: ResidenceCell[] = [];
      for (const entry of entries) {
        const [code, day, structure, extra] = entry.split(/\s+/);
        const shape = `write each as "commune_code registered_on [THREE_TIER|TWO_TIER]", separated by ;`;
        if (extra !== undefined || day === undefined || !/^\d{5}$/.test(code)) return new Invalid(`"${entry}": ${shape}`);
        if (structure !== undefined && !STRUCTURE_NAMES.has(structure.toUpperCase())) return new Invalid(`"${entry}": the structure must be THREE_TIER or TWO_TIER`);
        const registeredOn = date.parse(day, ctx);
        if (registeredOn instanceof Invalid) return new Invalid(`"${entry}": registered_on ${registeredOn.reason}`);
        out.push({ communeCode: code, registeredOn, communeStructure: structure ? (structure.toUpperCase() as AreaStructure) : null });
      }
      return out;
    },
  };
}

/** The field: a text column, the list in the fact (empty, never null). */
export const previousResidencesField = (): FactField<Residence[]> => ({
  nullable: true,
  sql: (t, c) => t.text(c),
  read: parseStoredResidences,
  write: (residences) => formatResidences(residences),
  // Each cell's missing structure was set to the row's by the row check (facts.ts).
  fromCell: (cells) => (cells ?? []) as Residence[],
  importColumn: residencesColumn(),
});
