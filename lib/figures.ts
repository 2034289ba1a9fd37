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
 * It also protects counts of people. For a caller who does not see exact figures of a unit
 * (lib/auth.ts `seesExactFigures`: analysts; officers outside their provinces), every count of
 * people in a commune or district, stock or flow, is published with the small noise its cell key
 * fixes (lib/disclosure/perturbation.ts): the same set of people always gets the same published
 * value, however and whenever it is asked for. Provinces and the nation are exact.
 */
import DataLoader from 'dataloader';
import { requireAreaById, type Area } from './areas';
import { seesExactFigures, unauthenticated, type Identity } from './auth';
import type { Db } from './db';
import { badInput } from './errors';
import { parsePeriod, type Period } from './periods';
import { perturb } from './disclosure/perturbation';
import { keyColumnOf, PLACED_BY_RULE, readFigures, type FigureReading, type SummarySpec } from './summaries';

export interface AreaStatsRef {
  areaId: string;
  period: string;
}

export interface FigureRule {
  identity: Identity;
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
  /** The counts of people were perturbed for this caller (lib/disclosure). */
  protected: boolean;
}

/** A figure's value; null where it is not yet known. */
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
      const out = readings.map((r, i) => protect(spec, valid[i].area, withStatus(r, valid[i].period, rule.today), rule.identity));
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
    protected: false,
  };
  const out = reading as unknown as FigureReadingWithSuppression<M>;
  out.status = status;
  if (!known) {
    for (const part of [out.stock, out.flow] as Record<string, number | null>[]) for (const k of Object.keys(part)) part[k] = null;
  }
  return out;
}

const SMALL_AREAS = new Set(['COMMUNE', 'DISTRICT']);

/** Perturbs the counts of people of a reading of a commune or district, for a caller who does not see them exactly. */
function protect<M extends string>(spec: SummarySpec<M>, area: Area, reading: FigureReadingWithSuppression<M>, identity: Identity): FigureReadingWithSuppression<M> {
  if (!SMALL_AREAS.has(area.level) || seesExactFigures(identity, area) || !reading.status.known) return reading;
  for (const part of [reading.stock, reading.flow] as Record<string, number | null>[]) {
    for (const metric of spec.protectedMetrics ?? []) part[metric] = perturb(part[metric] as number, part[keyColumnOf(metric)] as number);
  }
  reading.status.protected = true;
  return reading;
}

/**
 * Where each field of a domain's figures object comes from: a summary column, as a stock or a
 * flow; or, for a figure that is the sum of others, a function of the (protected) reading, so
 * that published figures keep their identities (eidAccounts = eidLevel1 + eidLevel2) and no
 * difference of two of them tells more than the published one.
 */
export type FigureFields<M extends string> = Record<string, readonly ['stock' | 'flow', M] | ((reading: FigureReadingWithSuppression<M>) => number | null)>;

/**
 * A domain's figures object: each field's value (null where not yet known) and the reading's
 * status (`complete`, `figuresAsOf`, `deliveredThrough`, `estimated`, `protected`).
 */
export function figuresObject<M extends string>(reading: FigureReadingWithSuppression<M>, fields: FigureFields<M>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field in fields) {
    const from = fields[field];
    out[field] = typeof from === 'function' ? (reading.status.known ? from(reading) : null) : reading[from[0]][from[1]];
  }
  const { complete, figuresAsOf, deliveredThrough, estimated } = reading.status;
  // Nothing is withheld any more (small counts are perturbed instead): kept for clients that read it.
  return Object.assign(out, { suppressedFields: [], complete, figuresAsOf, deliveredThrough, estimated, protected: reading.status.protected });
}
