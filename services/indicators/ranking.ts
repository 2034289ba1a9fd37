/**
 * `Ranking.entries`: the units of a ranking in order of one value. The gateway hands over every
 * unit's figures (the `@requires` of services/indicators/schema.graphql, generated), fetched with the caller's
 * identity, so the values ordered are exactly those the caller would read unit by unit:
 * protected counts, and rates computed from them, for a caller who sees protected figures.
 */
import { getArea } from '../../lib/areas';
import { badInput } from '../../lib/errors';
import { computeFormula, figureAt, requireFigure, requireFormula, type Formula } from './formula';

export const MAX_RANKING_ENTRIES = 20_000;

type Figures = Record<string, unknown> & { areaId: string; period: string };

export interface EntriesArgs {
  by?: string | null;
  numerator?: string[] | null;
  denominator?: string[] | null;
  factor?: number | null;
  order?: 'ASC' | 'DESC' | null;
  first?: number | null;
}

/** What a ranking orders by: a figure, or a formula (an indicator of the catalogue or one defined in the query). */
export type RankedValue = { figure: string } | { formula: Formula; id: string };

export interface RankingEntry {
  rank: number | null;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  areaId: string;
  areaCode: string;
  areaName: string;
  protected: boolean;
  estimated: boolean;
  complete: boolean;
  stats: { areaId: string; period: string };
}

/**
 * What `by` (or `numerator`/`denominator`/`factor`) names; `indicatorFormula` finds an
 * indicator of the catalogue (built-in or saved) by id. Anything else is a BAD_USER_INPUT error.
 */
export function rankedValue(args: EntriesArgs, indicatorFormula: (id: string) => Formula | undefined): RankedValue {
  const custom = args.numerator != null || args.denominator != null || args.factor != null;
  if ((args.by == null) === !custom) throw badInput('Give either by (a figure or an indicator id) or numerator and denominator (an indicator defined here)', { argumentName: 'by' });
  if (custom) return { formula: requireFormula(args.numerator, args.denominator, args.factor), id: 'custom' };
  const by = args.by!;
  if (by.includes('.')) return { figure: requireFigure(by, 'by', false) };
  const formula = indicatorFormula(by);
  if (!formula) throw badInput(`Unknown indicator "${by}" in by: give an id of indicatorCatalog or a figure path such as residency.population`, { argumentName: 'by', value: by });
  return { formula, id: by };
}

function entryOf(unit: Figures, ranked: RankedValue): Omit<RankingEntry, 'rank'> {
  const area = getArea(unit.areaId);
  const base = { areaId: unit.areaId, areaCode: area?.code ?? unit.areaId, areaName: area?.name ?? unit.areaId, stats: { areaId: unit.areaId, period: unit.period } };
  if ('figure' in ranked) {
    const object = (unit[ranked.figure.split('.')[0]] ?? {}) as Record<string, unknown>;
    return { ...base, value: figureAt(unit, ranked.figure), numerator: null, denominator: null, protected: object.protected === true, estimated: object.estimated === true, complete: object.complete !== false };
  }
  const v = computeFormula(ranked.id, ranked.formula, unit);
  return { ...base, value: v.value, numerator: v.numerator, denominator: v.denominator, protected: v.protected, estimated: v.estimated, complete: v.complete };
}

/** The units in order: values first (ascending or descending, ties in code order, sharing a rank), nulls last without a rank. */
export function rank(units: readonly Figures[], ranked: RankedValue, order: 'ASC' | 'DESC', first?: number | null): RankingEntry[] {
  if (first != null && (!Number.isInteger(first) || first < 1 || first > MAX_RANKING_ENTRIES)) {
    throw badInput(`Invalid first ${first}: must be 1 to ${MAX_RANKING_ENTRIES}`, { argumentName: 'first', value: first });
  }
  const entries = units.map((u) => entryOf(u, ranked));
  const sign = order === 'ASC' ? 1 : -1;
  entries.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === b.value ? a.areaCode.localeCompare(b.areaCode) : a.value === null ? 1 : -1;
    return a.value === b.value ? a.areaCode.localeCompare(b.areaCode) : sign * (a.value - b.value);
  });
  const out: RankingEntry[] = [];
  for (let i = 0; i < entries.length && (first == null || out.length < first); i++) {
    const e = entries[i];
    const previous = out[i - 1];
    const shared = previous && previous.value !== null && previous.value === e.value;
    out.push({ ...e, rank: e.value === null ? null : shared ? previous.rank : i + 1 });
  }
  return out;
}
