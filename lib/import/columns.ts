/**
 * The vocabulary a domain uses to describe its import file: one column kind per cell type
 * (date, code, personal ID, ...) and, per domain, the rules across columns and how a valid row
 * becomes the domain's fact. A domain's `import.ts` is then a declaration, and every domain
 * refuses the same mistakes with the same words.
 */
import type { Knex } from 'knex';
import { areaByCode, isCommuneCode, LAST_DAY_BEFORE_REFORM, linkedAreas, REFORM_DATE, STRUCTURES, type AreaStructure } from '../areas';
import type { FactSpec } from '../fact-store';
import { personalIdProblem } from '../personal-id';

/** A cell that does not hold a valid value, and why. */
export class Invalid {
  constructor(readonly reason: string) {}
}

export interface ParseContext {
  /** `YYYY-MM-DD`: a date after it is in the future. */
  today: string;
  /** `YYYY-MM-DD`: the day the file's data is current through (today unless the import says otherwise); no date may be after it. */
  dataThrough: string;
  /** The structure of the file's commune codes, unless a row's `commune_structure` says otherwise. */
  structure: AreaStructure;
}

export interface Column<T> {
  readonly required: boolean;
  /**
   * Width of a fixed-width code: a spreadsheet number cell (10525, 1190012345) gets its lost
   * leading zeros back. Only number cells of spreadsheets are padded: text is taken as written.
   */
  readonly digits?: number;
  /** The column may be left out of the file altogether (its cells are then empty). */
  readonly mayBeAbsent?: boolean;
  /** `text` is trimmed and not empty. */
  parse(text: string, ctx: ParseContext): T | Invalid;
}

export type ColumnSet = Record<string, Column<unknown>>;

/** The parsed values of a row: an optional column's value is null when its cell is empty. */
export type RowValues<C extends ColumnSet> = {
  [K in keyof C]: C[K] extends Column<infer T> ? (C[K] extends { required: true } ? T : T | null) : never;
};

type Required<T> = Column<T> & { readonly required: true };
type Optional<T> = Column<T> & { readonly required: false };

// Moved to lib/today.ts (with TODAY, the date the whole graph works with); kept here for its importers.
export { todayInVietnam } from '../today';

/** The first day the summaries and periods know (lib/periods.ts MIN_YEAR). */
const EARLIEST_DATE = '1900-01-01';
const NOT_A_DATE = 0;
const NO_SUCH_DAY = 1;
const VALID_DAY = 2;
const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * What `isIsoDate` answers, told apart from a wrong shape, without a regular expression or a
 * Date: a million-row file has five dates a row and this ran a quarter of its validation.
 */
function calendarDay(text: string): number {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return NOT_A_DATE;
  let year = 0;
  let month = 0;
  let day = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NOT_A_DATE;
    if (i < 4) year = year * 10 + d;
    else if (i < 7) month = month * 10 + d;
    else day = day * 10 + d;
  }
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month]) return NO_SUCH_DAY;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return NO_SUCH_DAY;
  return VALID_DAY;
}

// eslint-disable-next-line no-control-regex
const HIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const NUMBER_SHAPE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export const col = {
  /**
   * Free text, NFC-normalized so that the same name typed on two systems is the same value.
   * Control characters (line breaks, tabs, bells, escapes, C1 codes) and the invisible marks
   * that reorder displayed text are refused: no name holds them, and served back they can
   * corrupt a screen, a log line or an export.
   */
  text(options: { maxLength: number }): Required<string> {
    return {
      required: true,
      parse: (text) => {
        const value = text.normalize('NFC');
        if (value.length > options.maxLength) return new Invalid(`longer than ${options.maxLength} characters (${value.length})`);
        const hidden = HIDDEN_CHARACTER.exec(value);
        if (hidden) {
          const code = `U+${hidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
          return new Invalid(`contains the invisible character ${code} at character ${hidden.index + 1}: text may not hold control or text-direction characters`);
        }
        return value;
      },
    };
  },

  /** `YYYY-MM-DD`, a real calendar day, not in the future, not before 1900. */
  date(): Required<string> {
    return {
      required: true,
      parse: (text, ctx) => {
        const day = calendarDay(text);
        if (day === NOT_A_DATE) return new Invalid('not a date written YYYY-MM-DD');
        if (day === NO_SUCH_DAY) return new Invalid('no such day in the calendar');
        if (text < EARLIEST_DATE) return new Invalid(`before ${EARLIEST_DATE}`);
        if (text > ctx.today) return new Invalid(`in the future (today is ${ctx.today})`);
        if (text > ctx.dataThrough) return new Invalid(`after ${ctx.dataThrough}, the day the file's data is current through (--data-through)`);
        return text;
      },
    };
  },

  /** One of a few codes, matched without regard to case and stored as listed. */
  oneOf<const V extends string>(values: readonly V[]): Required<V> {
    const byUpper = new Map(values.map((v) => [v.toUpperCase(), v]));
    return {
      required: true,
      parse: (text) => byUpper.get(text.toUpperCase()) ?? new Invalid(`must be one of ${values.join(', ')}`),
    };
  },

  /** A number greater than zero, written with a decimal point and no thousands separators. */
  positiveNumber(unit: string): Required<number> {
    return {
      required: true,
      parse: (text) => {
        const n = NUMBER_SHAPE.test(text) ? Number(text) : NaN;
        if (!Number.isFinite(n)) return new Invalid(`not a number of ${unit} (write it like 1234.5, without thousands separators)`);
        return n > 0 ? n : new Invalid(`must be greater than 0 (${unit})`);
      },
    };
  },

  /** A 12-digit personal ID number; only its format here, its agreement with the row in `checkRow`. */
  personalId(): Required<string> {
    return {
      required: true,
      digits: 12,
      parse: (text) => {
        const problem = personalIdProblem(text);
        if (!problem) return text;
        return new Invalid(/^\d{9,11}$/.test(text) ? `${problem} (a leading zero lost? store IDs as text)` : problem);
      },
    };
  },

  /**
   * A 5-digit commune code; whether such a commune exists in the row's structure is checked with
   * the row (`locationProblem`), since the structure may be given in another column.
   */
  communeCode(): Required<string> {
    return {
      required: true,
      digits: 5,
      parse: (text) => {
        if (/^\d{5}$/.test(text)) return text;
        if (/^\d{1,4}$/.test(text)) return new Invalid('a commune code has 5 digits (a leading zero lost? store codes as text)');
        return new Invalid('a commune code has 5 digits');
      },
    };
  },

  /** The structure of a row's commune codes, THREE_TIER or TWO_TIER; the column may be left out (the file's structure then applies). */
  structure(): Optional<AreaStructure> {
    return { ...col.oneOf(STRUCTURES), required: false, mayBeAbsent: true };
  },

  /** Personal ID numbers separated by `;` (at least one), each checked like `personalId`. */
  personalIds(): Required<string[]> {
    return {
      required: true,
      parse: (text) => {
        const ids = text.split(';').map((id) => id.trim()).filter(Boolean);
        if (ids.length === 0) return new Invalid('no personal ID (separate several with ;)');
        for (const id of ids) {
          const problem = personalIdProblem(id);
          if (problem) return new Invalid(`"${id}": ${problem}`);
        }
        if (new Set(ids).size !== ids.length) return new Invalid('the same personal ID twice');
        return ids;
      },
    };
  },

  optional<T>(column: Column<T>): Optional<T> {
    return { ...column, required: false };
  },

  /** A column that may be left out of the file (and, when there, empty). */
  absentOk<T>(column: Column<T>): Optional<T> {
    return { ...column, required: false, mayBeAbsent: true };
  },
};

const STRUCTURE_WORDS: Record<AreaStructure, string> = { THREE_TIER: 'three-tier structure (until 30 June 2025)', TWO_TIER: 'two-tier structure (since 1 July 2025)' };

/**
 * Why a commune code cannot stand for a place in a structure on a day (null when it can): the
 * code must be a commune of that structure, and a three-tier commune cannot locate anything on
 * or after 1 July 2025, when it no longer existed. (Two-tier codes may locate earlier facts: a
 * record delivered since the reform may give today's commune for an older residence.)
 */
export function locationProblem(code: string, structure: AreaStructure, on: string | null): string | null {
  if (!isCommuneCode(code, structure)) {
    const other: AreaStructure = structure === 'TWO_TIER' ? 'THREE_TIER' : 'TWO_TIER';
    const there = areaByCode(code, other);
    const elsewhere = areaByCode(code, structure);
    if (elsewhere) return `${code} is a ${elsewhere.level.toLowerCase()} code of the ${STRUCTURE_WORDS[structure]}, not a commune code`;
    if (there?.level === 'COMMUNE') {
      const hint =
        structure === 'TWO_TIER'
          ? `; it was ${there.name} of the ${STRUCTURE_WORDS.THREE_TIER}, now part of ${linkedAreas(there, 'successors').map((a) => a.code).join(', ')}: give that, or declare the file's structure (--structure THREE_TIER or a commune_structure column)`
          : `; it is ${there.name} of the ${STRUCTURE_WORDS.TWO_TIER}: declare that structure (--structure TWO_TIER or a commune_structure column)`;
      return `no commune has this code in the ${STRUCTURE_WORDS[structure]}${hint}`;
    }
    return `no commune has this code in the ${STRUCTURE_WORDS[structure]}`;
  }
  if (structure === 'THREE_TIER' && on !== null && on >= REFORM_DATE) {
    const into = linkedAreas(areaByCode(code, 'THREE_TIER')!, 'successors').map((a) => a.code).join(', ');
    return `a three-tier commune cannot locate a fact of ${on}: that structure ended on ${LAST_DAY_BEFORE_REFORM}; give the two-tier commune (${into}) with structure TWO_TIER`;
  }
  return null;
}

/** Reports a problem in one column of the row being checked. */
export type Fail<C extends ColumnSet> = (column: keyof C & string, reason: string) => void;

/** `later` (when set) must not be before `earlier` (when set); the same day is fine. */
export function notBefore<C extends ColumnSet>(row: RowValues<C>, fail: Fail<C>, later: keyof C & string, earlier: keyof C & string): void {
  const a = row[later] as string | null;
  const b = row[earlier] as string | null;
  if (a !== null && b !== null && a < b) fail(later, `is before ${earlier} ${b}`);
}

/** How a domain's file looks and becomes its facts; one per domain, declared as its module's `imports` (services/registry.ts). */
export interface ImportDefinition<F, M extends string, C extends ColumnSet> {
  /** The domain's database, as its service names it (`openDb(config, domain)`). */
  domain: string;
  migrations: Record<string, Knex.Migration>;
  facts: FactSpec<F, M>;
  /** Header names, lower case; every one must be in the file, in any order. */
  columns: C;
  /** The column holding the fact's id: two rows with the same id are refused. */
  idColumn: keyof C & string;
  /**
   * The date column that says when the fact's commune applies (a residence's registration, a
   * record's registration); a three-tier commune cannot locate a fact dated after the reform.
   * Absent for facts without a date of their own (parcels).
   */
  locatedOn?: keyof C & string;
  /** Rules across columns; runs only on rows whose every cell is valid (and whose commune exists in its structure). */
  checkRow?(row: RowValues<C>, fail: Fail<C>, ctx: ParseContext): void;
  toFact(row: RowValues<C>): F;
  /**
   * The row a fact is written as in this file format (the inverse of `toFact`), for exporting;
   * without it, the fact's table row (`facts.toRow`), for a file whose columns are its table's.
   */
  toCells?(fact: F): Record<keyof C & string, string | number | null>;
}

/** A fact as a row of its domain's import file. */
export function cellsOf<F, M extends string, C extends ColumnSet>(definition: ImportDefinition<F, M, C>, fact: F): Record<string, string | number | null> {
  return definition.toCells ? definition.toCells(fact) : definition.facts.toRow(fact);
}

// `any` for the columns: a definition's row callbacks take its own row type, which a wider one is not.
export type AnyImportDefinition = ImportDefinition<any, any, any>;

/** Identity, for type inference: `row` in `checkRow` and `toFact` gets each column's type. */
export function defineImport<F, M extends string, C extends ColumnSet>(definition: ImportDefinition<F, M, C>): ImportDefinition<F, M, C> {
  return definition;
}
