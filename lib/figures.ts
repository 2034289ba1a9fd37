/**
 * The per-request loader behind every domain's `AreaStats.<domain>` field: it collects the
 * (unit, period) keys of one subgraph fetch and reads them with one SQL statement. A key with an
 * unknown unit, a malformed period or a period that starts after today fails alone, with a
 * BAD_USER_INPUT error naming it.
 *
 * Each reading also says how far it can be trusted: figures stand as of the earliest of the
 * period's end, today and the date the unit's data was delivered through; a period that starts
 * after that delivery date is not known at all (null, never a carried-forward stock shown as a
 * fact); figures are estimated where facts were placed in the unit by rule (lib/areas/placement.ts).
 *
 * It also applies small-cell suppression. For a caller who does not see exact figures of a unit
 * (lib/auth.ts `seesExactFigures`), a count of people from 1 to threshold - 1 in a commune or
 * district comes back null. Then, so that a suppressed count cannot be recovered as its parent's
 * total minus its siblings, in every group of siblings of one fetch (same parent, same period)
 * where exactly one count of a figure is suppressed, the next smallest non-zero count of that
 * figure is suppressed too. Siblings asked for in one query arrive in one fetch.
 */
import DataLoader from 'dataloader';
import { requireAreaById, type Area } from './areas';
import { seesExactFigures, unauthenticated, type Identity } from './auth';
import type { Db } from './db';
import { badInput } from './errors';
import { parsePeriod, type Period } from './periods';
import { PLACED_BY_RULE, readFigures, type FigureReading, type SummarySpec } from './summaries';

export interface AreaStatsRef {
  areaId: string;
  period: string;
}

export interface FigureRule {
  identity: Identity;
  /** Counts from 1 to threshold - 1 are suppressed. */
  threshold: number;
  /** The figures that count people (a parcel count does not identify anyone). */
  personMetrics: readonly string[];
  /** Today in Viet Nam (`YYYY-MM-DD`): periods after it are refused, the one containing it is read up to it. */
  today: string;
}

/** How far a reading can be trusted (see the file comment). */
export interface FigureStatus {
  /** False for a period that starts after the unit's data was delivered through: its figures are null. */
  known: boolean;
  /** The period has ended and the unit's data has been delivered through its last day. */
  complete: boolean;
  /** The day the figures stand at: the earliest of the period's end, today and `deliveredThrough`. */
  figuresAsOf: string;
  deliveredThrough: string | null;
  /** Some facts counted were placed in the unit by rule (the crosswalk left the choice open). */
  estimated: boolean;
}

/** A figure's value; null where it is suppressed or not yet known. */
export type FigureReadingWithSuppression<M extends string> = {
  stock: Record<M, number | null>;
  flow: Record<M, number | null>;
  status: FigureStatus;
};

interface Key {
  area: Area;
  period: Period;
}

/** The period a reading covers: the period itself, or its part up to today. */
function readablePeriod(period: Period, today: string): Period {
  return period.end <= today ? period : { ...period, end: today };
}

/** Refuses a period that starts after today: its figures cannot exist yet. */
export function requireStarted(period: Period, today: string, argumentName = 'period'): void {
  if (period.start > today) {
    throw badInput(`Period "${period.label}" starts after today (${today}, Viet Nam): figures exist only up to today`, { argumentName, value: period.label });
  }
}

export function createFigureLoader<M extends string>(db: Db, spec: SummarySpec<M>, rule: FigureRule): DataLoader<AreaStatsRef, FigureReadingWithSuppression<M>, string> {
  return new DataLoader<AreaStatsRef, FigureReadingWithSuppression<M>, string>(
    async (refs) => {
      if (rule.identity.roles.length === 0) {
        const error = unauthenticated('Authentication required to read figures: send a bearer token');
        return refs.map(() => error);
      }
      const valid: Key[] = [];
      // A fetch of 696 districts asks for one period 696 times: parsed once.
      const periods = new Map<string, Period>();
      const slots: (number | Error)[] = refs.map((ref) => {
        try {
          const area = requireAreaById(ref.areaId);
          let period = periods.get(ref.period);
          if (!period) {
            period = parsePeriod(ref.period);
            requireStarted(period, rule.today);
            periods.set(ref.period, period);
          }
          valid.push({ area, period });
          return valid.length - 1;
        } catch (err) {
          return err as Error;
        }
      });
      const readings = await readFigures(db, spec, valid.map((k) => ({ areaKey: k.area.key, period: readablePeriod(k.period, rule.today) })));
      const out = suppress(valid, readings.map((r, i) => withStatus(r, valid[i].period, rule.today)), rule);
      return slots.map((s) => (typeof s === 'number' ? out[s] : s));
    },
    { cacheKeyFn: (ref) => `${ref.areaId}|${ref.period}`, maxBatchSize: 5000 },
  );
}

function withStatus<M extends string>(reading: FigureReading<M>, period: Period, today: string): FigureReadingWithSuppression<M> {
  const delivered = reading.deliveredThrough;
  let asOf = period.end < today ? period.end : today;
  if (delivered !== null && delivered < asOf) asOf = delivered;
  const known = delivered === null || period.start <= delivered;
  const status: FigureStatus = {
    known,
    complete: delivered !== null && period.end < today && period.end <= delivered,
    figuresAsOf: asOf,
    deliveredThrough: delivered,
    estimated: (reading.stock as Record<string, number>)[PLACED_BY_RULE] > 0,
  };
  const out = reading as unknown as FigureReadingWithSuppression<M>;
  out.status = status;
  if (!known) {
    for (const part of [out.stock, out.flow] as Record<string, number | null>[]) for (const k of Object.keys(part)) part[k] = null;
  }
  return out;
}

const SMALL_AREAS = new Set(['COMMUNE', 'DISTRICT']);

export function suppress<M extends string>(keys: Key[], readings: FigureReadingWithSuppression<M>[], rule: Pick<FigureRule, 'identity' | 'threshold' | 'personMetrics'>): FigureReadingWithSuppression<M>[] {
  const out = readings;
  const guarded = keys.map((k) => SMALL_AREAS.has(k.area.level) && !seesExactFigures(rule.identity, k.area));
  if (!guarded.some(Boolean)) return out;
  const groups = new Map<string, number[]>();
  keys.forEach((k, i) => {
    if (!guarded[i]) return;
    const group = `${k.area.parentId}|${k.period.label}`;
    let members = groups.get(group);
    if (!members) groups.set(group, (members = []));
    members.push(i);
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
        candidates.sort((a, b) => out[a][part][m]! - out[b][part][m]! || keys[a].area.id.localeCompare(keys[b].area.id));
        if (candidates.length) out[candidates[0]][part][m] = null;
      }
    }
  }
  return out;
}

/** Where each field of a domain's figures object comes from: a summary column, as a stock or a flow. */
export type FigureFields<M extends string> = Record<string, readonly ['stock' | 'flow', M]>;

/**
 * A domain's figures object: each field's value (null where suppressed or not yet known), the
 * names of the suppressed ones, and the reading's status (`complete`, `figuresAsOf`,
 * `deliveredThrough`, `estimated`).
 */
export function figuresObject<M extends string>(reading: FigureReadingWithSuppression<M>, fields: FigureFields<M>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const suppressedFields: string[] = [];
  for (const field in fields) {
    const [part, metric] = fields[field];
    const value = reading[part][metric];
    out[field] = value;
    if (value === null && reading.status.known) suppressedFields.push(field);
  }
  const { complete, figuresAsOf, deliveredThrough, estimated } = reading.status;
  return Object.assign(out, { suppressedFields, complete, figuresAsOf, deliveredThrough, estimated });
}
