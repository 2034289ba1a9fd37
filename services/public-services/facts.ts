/**
 * PublicServices facts, declared once (lib/fact-kit.ts): from these fields follow the fact's type,
 * its table (migration), its rows and its import file's columns (each field's name in snake
 * case, plus commune_code and commune_structure). TEMPLATE: rename the example "case" and its
 * figures to this domain's own.
 */
import { defineFacts, field, type FactOf } from '../../lib/fact-kit';
import { notBefore } from '../../lib/import/columns';

const fields = {
  /** The case's identifier in the source records. */
  caseId: field.text(40),
  /** The day the case was opened. */
  openedOn: field.date(),
  /** The day it was closed; empty while it is open. */
  closedOn: field.optional(field.date()),
};

export type PublicServicesCase = FactOf<typeof fields>;

export const publicServicesFacts = defineFacts({
  domain: 'public-services',
  table: 'public_services_cases',
  fields,
  id: 'caseId',
  // The day the case's commune applies: a three-tier commune cannot locate a case opened after the reform.
  locatedOn: 'openedOn',
  metrics: ['cases', 'closed_cases'],
  // Cases are not people: no figure is perturbed. A count of people is listed in protectedMetrics.
  placedBy: 'land',
  placementKey: 'caseId',
  figures: (c) => [{ metric: 'cases', date: c.openedOn }, ...(c.closedOn ? [{ metric: 'closed_cases' as const, date: c.closedOn }] : [])],
  checkRow: (row, fail) => notBefore(row, fail, 'closed_on', 'opened_on'),
});
