/**
 * A summary reading of residency (lib/summaries readFigures) named as the graph names the
 * figures, to compare with test/helpers/fixture.ts countResidency.
 */
import type { FigureReading } from '../../lib/summaries';

export function residencyReading(r: FigureReading<string>) {
  return {
    population: r.stock.population,
    chipIdCards: r.stock.chip_id_cards,
    eidLevel1: r.stock.eid_level1,
    eidLevel2: r.stock.eid_level2,
    eidAccounts: r.stock.eid_accounts,
    eligiblePopulation: r.stock.eligible_population,
    newRegistrations: r.flow.registrations,
    residencesEnded: r.flow.departures,
    chipIdCardsIssued: r.flow.chip_cards_issued,
    eidAccountsActivated: r.flow.eid_accounts_activated,
    eidLevel2Activated: r.flow.eid_level2_activated,
    estimated: r.stock.placed_by_rule > 0,
  };
}
