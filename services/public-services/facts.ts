/**
 * Public service dossiers (hồ sơ thủ tục hành chính) of the 25 essential services, declared once
 * (lib/fact-kit.ts): one row per dossier, in the commune where it was received, with its service,
 * channel, the days it was received, is due and was resolved, and its outcome. From these fields
 * follow the fact's type, its table, its rows and its import file's columns (`dossier_id,
 * service_code, channel, received_on, due_on, resolved_on, outcome, commune_code,
 * commune_structure`).
 *
 * A dossier names no person: its figures are counts of dossiers, not of people, so none is
 * perturbed, and no type of this domain is person-level data.
 */
import { defineFacts, field, type FactField, type FactOf } from '../../lib/fact-kit';
import { col, notBefore } from '../../lib/import/columns';
import { SERVICE_CODES } from './catalogue';

/** How a dossier reached the agency. */
export const CHANNELS = ['NATIONAL_PORTAL', 'PROVINCIAL_PORTAL', 'COUNTER'] as const;
export type Channel = (typeof CHANNELS)[number];
export const ONLINE_CHANNELS: ReadonlySet<Channel> = new Set(['NATIONAL_PORTAL', 'PROVINCIAL_PORTAL']);

/** How a resolved dossier ended. */
export const OUTCOMES = ['GRANTED', 'REFUSED'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * A due date: a real day like any other, but it may lie after the file's data-through day (a
 * dossier received yesterday is due next week), which `field.date()` refuses.
 */
const dueDate = (): FactField<string> => {
  const day = col.date();
  return {
    ...field.date(),
    importColumn: { ...day, parse: (text, ctx) => day.parse(text, { ...ctx, today: '2100-12-31', dataThrough: '2100-12-31' }) },
  };
};

const fields = {
  /** The dossier's identifier in the receiving system (a portal's or the counter's register). */
  dossierId: field.text(40),
  /** The service, by its code in the catalogue (catalogue.ts). */
  serviceCode: field.oneOf(SERVICE_CODES),
  channel: field.oneOf(CHANNELS),
  /** The day the dossier was received (submitted online, or handed in at the counter). */
  receivedOn: field.date(),
  /** The day it must be resolved by (the service's processing time from receipt). */
  dueOn: dueDate(),
  /** The day it was resolved; empty while it is pending. */
  resolvedOn: field.optional(field.date()),
  /** How it was resolved; empty while it is pending. */
  outcome: field.optional(field.oneOf(OUTCOMES)),
};

export type Dossier = FactOf<typeof fields>;

/** Day arithmetic on ISO dates, in UTC (a calendar day, whatever the process's zone). */
export const dayAfter = (iso: string): string => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * What a dossier adds to its commune's figures:
 * - `received` on the day it was received; `received_online` too when it came through a portal,
 *   `received_national_portal` when through the national one;
 * - `resolved` on the day it was resolved; `resolved_on_time` too when that was not after its
 *   due date;
 * - `overdue`, a stock of dossiers past their due date and not resolved: +1 the day after the
 *   due date if it was not resolved by then, -1 the day it is resolved late. (A due date after
 *   the data's last day adds a delta no period up to today reads; a later import that resolves
 *   the dossier replaces it.)
 */
function figuresOf(d: Dossier) {
  const out: Array<{ metric: PublicServicesMetric; date: string; delta?: number }> = [{ metric: 'received', date: d.receivedOn }];
  if (ONLINE_CHANNELS.has(d.channel)) out.push({ metric: 'received_online', date: d.receivedOn });
  if (d.channel === 'NATIONAL_PORTAL') out.push({ metric: 'received_national_portal', date: d.receivedOn });
  if (d.resolvedOn !== null) {
    out.push({ metric: 'resolved', date: d.resolvedOn });
    if (d.resolvedOn <= d.dueOn) out.push({ metric: 'resolved_on_time', date: d.resolvedOn });
  }
  if (d.resolvedOn === null || d.resolvedOn > d.dueOn) {
    out.push({ metric: 'overdue', date: dayAfter(d.dueOn) });
    if (d.resolvedOn !== null) out.push({ metric: 'overdue', date: d.resolvedOn, delta: -1 });
  }
  return out;
}

export const PUBLIC_SERVICES_METRICS = ['received', 'received_online', 'received_national_portal', 'resolved', 'resolved_on_time', 'overdue'] as const;
export type PublicServicesMetric = (typeof PUBLIC_SERVICES_METRICS)[number];

export const publicServicesFacts = defineFacts({
  domain: 'public-services',
  table: 'public_service_dossiers',
  fields,
  id: 'dossierId',
  // A dossier lies where it was received on the day it was: a three-tier commune cannot receive one after the reform.
  locatedOn: 'receivedOn',
  indexed: ['serviceCode'],
  metrics: PUBLIC_SERVICES_METRICS,
  // Dossiers, not people: see the file comment.
  protectedMetrics: [],
  // A dossier is filed by a resident: where the crosswalk splits a commune, it follows the people (hashed on its id).
  placedBy: 'people',
  placementKey: 'dossierId',
  figures: figuresOf,
  checkRow: (row, fail) => {
    notBefore(row, fail, 'due_on', 'received_on');
    notBefore(row, fail, 'resolved_on', 'received_on');
    if ((row.resolved_on === null) !== (row.outcome === null)) {
      fail(row.outcome === null ? 'outcome' : 'resolved_on', row.outcome === null ? `is empty, but the dossier was resolved on ${row.resolved_on}: give GRANTED or REFUSED` : `is empty, but the dossier has the outcome ${row.outcome}: a pending dossier has neither`);
    }
  },
});
