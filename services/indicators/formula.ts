/**
 * Indicators as formulas: factor × (sum of numerator figures) / (sum of denominator figures),
 * the DHIS2 rule, over the figures of any domains. Built-in indicators (catalog.ts), those
 * admins saved (store.ts) and those analysts define in a query are all read and computed here,
 * so they behave alike.
 *
 * A figure is named by its path on `AreaStats`: `residency.population`,
 * `justiceRecords.requests`. The figures an indicator may read are those the domains' SDL declare
 * (figures.ts); the `@requires` selections of this subgraph's SDL, generated from the same
 * declarations (`npm run generate`), fetch every one of them.
 */
import { badInput } from '../../lib/errors';
import { registeredFigureObjects } from './figures';

/** The domain behind each AreaStats field of figures, e.g. `civilStatus` → `civil-status`. */
export const figureFieldDomain = (field: string): string | undefined => registeredFigureObjects().find((o) => o.field === field)?.domain;

export interface IndicatorValue {
  id: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** True when a figure it needs is not known (null). */
  suppressed: boolean;
  /** True when a figure it needs was counted with facts placed by rule. */
  estimated: boolean;
  /** False when a figure it needs is not final. */
  complete: boolean;
  /** True when a figure it needs is protected for the caller (perturbed counts). */
  protected: boolean;
}

/** Reads a figure path such as `residency.population`; null when absent or not known. */
export function figureAt(figures: Record<string, unknown>, path: string): number | null {
  let v: unknown = figures;
  for (const part of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'number' ? v : null;
}

let paths: { all: readonly string[]; known: ReadonlySet<string>; notSummable: ReadonlySet<string> } | undefined;

/** Every figure a formula or a ranking may read, `field.name`, in registry order; the medians are not counts, so not summed. */
function figures() {
  if (!paths) {
    const all = registeredFigureObjects().flatMap((o) => o.figures.map((f) => ({ path: `${o.field}.${f.name}`, summable: f.summable })));
    paths = { all: all.map((f) => f.path), known: new Set(all.map((f) => f.path)), notSummable: new Set(all.filter((f) => !f.summable).map((f) => f.path)) };
  }
  return paths;
}

export const figurePaths = (): readonly string[] => figures().all;

export interface Formula {
  numerator: readonly string[];
  denominator: readonly string[];
  factor: number;
}

/** Edit distance, for suggestions (paths are short). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** The known figure the caller probably meant: the same name in another object, or a path a few letters away. */
function suggestion(path: string): string {
  const name = path.split('.').pop()!.toLowerCase();
  const FIGURE_PATHS = figurePaths();
  const same = FIGURE_PATHS.find((p) => p.split('.')[1].toLowerCase() === name);
  const near = same ?? FIGURE_PATHS.map((p) => [p, distance(p.toLowerCase(), path.toLowerCase())] as const).filter(([, d]) => d <= 3).sort((a, b) => a[1] - b[1])[0]?.[0];
  return near ? ` (did you mean ${near}?)` : '';
}

/** Refuses a figure path that is not a figure, naming it and where it was written. */
export function requireFigure(path: string, argumentName: string, summed = true): string {
  const { all, known, notSummable } = figures();
  if (!known.has(path)) {
    throw badInput(`Unknown figure "${path}" in ${argumentName}${suggestion(path)}: a figure is written object.name, one of ${all.filter((p) => !notSummable.has(p)).join(', ')}`, { argumentName, value: path });
  }
  if (summed && notSummable.has(path)) throw badInput(`Figure "${path}" in ${argumentName} is a median, not a count: it cannot be summed into an indicator`, { argumentName, value: path });
  return path;
}

/** Checks a formula's parts; every problem is a BAD_USER_INPUT error naming the argument. */
export function requireFormula(numerator: readonly string[] | null | undefined, denominator: readonly string[] | null | undefined, factor: number | null | undefined, where = ''): Formula {
  const f = factor ?? 1;
  if (!Number.isFinite(f) || f <= 0) throw badInput(`Invalid ${where}factor ${f}: must be a positive number (1, 100, 1000)`, { argumentName: `${where}factor`, value: f });
  for (const [name, list] of [['numerator', numerator], ['denominator', denominator]] as const) {
    if (!list || list.length === 0) throw badInput(`Missing ${where}${name}: give at least one figure path, e.g. residency.population`, { argumentName: `${where}${name}` });
    if (list.length > 20) throw badInput(`Too many figures in ${where}${name}: at most 20`, { argumentName: `${where}${name}` });
    for (const p of list) requireFigure(p, `${where}${name}`);
  }
  return { numerator: [...numerator!], denominator: [...denominator!], factor: f };
}

const sumOf = (figures: Record<string, unknown>, paths: readonly string[]): number | null => {
  let total = 0;
  for (const p of paths) {
    const v = figureAt(figures, p);
    if (v === null) return null;
    total += v;
  }
  return total;
};

/** A flag of the figures objects the paths lie in. */
function flags(figures: Record<string, unknown>, paths: readonly string[], flag: 'estimated' | 'complete' | 'protected'): boolean[] {
  return [...new Set(paths.map((p) => p.split('.')[0]))].map((field) => {
    const object = figures[field];
    return object && typeof object === 'object' ? (object as Record<string, unknown>)[flag] === true : flag === 'complete';
  });
}

/** factor × Σnumerator / Σdenominator; null where the denominator is 0 or a figure is missing. */
export function computeFormula(id: string, formula: Formula, figures: Record<string, unknown>): IndicatorValue {
  const numerator = sumOf(figures, formula.numerator);
  const denominator = sumOf(figures, formula.denominator);
  const value = numerator === null || denominator === null || denominator === 0 ? null : (formula.factor * numerator) / denominator;
  const paths = [...formula.numerator, ...formula.denominator];
  return {
    id,
    value,
    numerator,
    denominator,
    suppressed: numerator === null || denominator === null,
    estimated: flags(figures, paths, 'estimated').some(Boolean),
    complete: flags(figures, paths, 'complete').every(Boolean),
    protected: flags(figures, paths, 'protected').some(Boolean),
  };
}

/** How a formula reads: `1000 × land.digitizedParcels / residency.population`, sums in brackets. */
export function formulaText(f: Formula): string {
  const side = (paths: readonly string[]) => (paths.length === 1 ? paths[0] : `(${paths.join(' + ')})`);
  return `${f.factor === 1 ? '' : `${f.factor} × `}${side(f.numerator)} / ${side(f.denominator)}`;
}

/** The domains whose figures a formula reads, e.g. `[land, residency]`. */
export const sourceDomainsOf = (f: Formula) => [...new Set([...f.numerator, ...f.denominator].map((p) => figureFieldDomain(p.split('.')[0]) ?? p.split('.')[0]))].sort();

/** `fraction` for a factor of 1, else `per 1000`. */
export const unitOf = (factor: number) => (factor === 1 ? 'fraction' : `per ${factor}`);
