/**
 * The per-request loader behind every domain's `AreaStats.<domain>` field: it collects the
 * (area, period) keys of one subgraph fetch and reads them with one SQL statement. A key with an
 * unknown area or a malformed period fails alone, with a BAD_USER_INPUT error naming it.
 *
 * It also applies small-cell suppression. For a caller who does not see exact figures of an
 * area (see lib/auth.ts `seesExactFigures`), a count of people from 1 to threshold - 1 in a
 * commune or district comes back null. Then, so that a suppressed count cannot be recovered as
 * its parent's total minus its siblings, in every group of siblings of one fetch (same parent,
 * same period) where exactly one count of a figure is suppressed, the next smallest non-zero
 * count of that figure is suppressed too. Siblings asked for in one query arrive in one fetch.
 */
import DataLoader from 'dataloader';
import { getArea, requireArea } from './admin-units';
import { seesExactFigures, unauthenticated, type Identity } from './auth';
import type { Db } from './db';
import { parsePeriod, type Period } from './periods';
import { readFigures, type FigureReading, type SummaryKey, type SummarySpec } from './summary-store';

export interface AreaStatsRef {
  areaCode: string;
  period: string;
}

export interface SuppressionRule {
  identity: Identity;
  /** Counts from 1 to threshold - 1 are suppressed. */
  threshold: number;
  /** The figures that count people (a parcel count does not identify anyone). */
  personMetrics: readonly string[];
}

/** A figure's value; null where it is suppressed. */
export type FigureReadingWithSuppression<M extends string> = {
  stock: Record<M, number | null>;
  flow: Record<M, number | null>;
};

export function createFigureLoader<M extends string>(db: Db, spec: SummarySpec<M>, rule: SuppressionRule): DataLoader<AreaStatsRef, FigureReadingWithSuppression<M>, string> {
  return new DataLoader<AreaStatsRef, FigureReadingWithSuppression<M>, string>(
    async (refs) => {
      if (rule.identity.roles.length === 0) {
        const error = unauthenticated('Authentication required to read figures: send a bearer token');
        return refs.map(() => error);
      }
      const valid: SummaryKey[] = [];
      // A fetch of 696 districts asks for one period 696 times: parsed once.
      const periods = new Map<string, Period>();
      const slots: (number | Error)[] = refs.map((ref) => {
        try {
          requireArea(ref.areaCode, undefined, 'areaCode');
          let period = periods.get(ref.period);
          if (!period) periods.set(ref.period, (period = parsePeriod(ref.period)));
          valid.push({ areaCode: ref.areaCode, period });
          return valid.length - 1;
        } catch (err) {
          return err as Error;
        }
      });
      const readings = suppress(valid, await readFigures(db, spec, valid), rule);
      return slots.map((s) => (typeof s === 'number' ? readings[s] : s));
    },
    { cacheKeyFn: (ref) => `${ref.areaCode}|${ref.period}`, maxBatchSize: 5000 },
  );
}

const SMALL_AREAS = new Set(['COMMUNE', 'DISTRICT']);

export function suppress<M extends string>(keys: SummaryKey[], readings: FigureReading<M>[], rule: SuppressionRule): FigureReadingWithSuppression<M>[] {
  const out = readings as unknown as FigureReadingWithSuppression<M>[];
  const guarded = keys.map((k) => SMALL_AREAS.has(getArea(k.areaCode)!.level) && !seesExactFigures(rule.identity, k.areaCode));
  if (!guarded.some(Boolean)) return out;
  const groups = new Map<string, number[]>();
  keys.forEach((k, i) => {
    if (!guarded[i]) return;
    const group = `${getArea(k.areaCode)!.parentCode}|${k.period.label}`;
    groups.set(group, [...(groups.get(group) ?? []), i]);
  });
  for (const part of ['stock', 'flow'] as const) {
    for (const m of rule.personMetrics as M[]) {
      for (const members of groups.values()) {
        let suppressed = 0;
        for (const i of members) {
          const v = out[i][part][m];
          if (v !== null && v > 0 && v < rule.threshold) {
            out[i][part][m] = null;
            suppressed++;
          }
        }
        if (suppressed !== 1) continue;
        // The complement: the smallest other non-zero count of the group.
        const candidates = members.filter((i) => (out[i][part][m] ?? 0) > 0);
        candidates.sort((a, b) => out[a][part][m]! - out[b][part][m]! || keys[a].areaCode.localeCompare(keys[b].areaCode));
        if (candidates.length) out[candidates[0]][part][m] = null;
      }
    }
  }
  return out;
}

/** The names of the fields of a figures object that are null because they are suppressed. */
export function suppressedFields(figures: Record<string, unknown>): string[] {
  return Object.entries(figures)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
}

/** Adds `suppressedFields` to a figures object: the names of its figures withheld as small counts. */
export function withSuppressed<T extends Record<string, number | null>>(figures: T): T & { suppressedFields: string[] } {
  return { ...figures, suppressedFields: suppressedFields(figures) };
}
