/**
 * A citizen's residence history as the residency subgraph answers `Citizen.residenceHistory`
 * (services/residency/module.ts keeps its version private), for the two targets that bypass the
 * subgraphs (monolith, sql).
 */
import { placeOf, type Area } from '../../lib/areas';
import type { Citizen } from '../../services/residency/facts';

export interface ResidenceEntry {
  /** The commune as the record gives it, in its own structure. */
  recordedCommune: Area;
  /** The two-tier commune where it lies. */
  commune: Area;
  registeredOn: string;
  endedOn: string | null;
}

/** Every residence, oldest first: each ends the day the next was registered, the last when the residence ended. */
export function residenceHistoryOf(c: Citizen): ResidenceEntry[] {
  const all = [...c.previousResidences, c];
  return all.map((r, i) => {
    const placement = placeOf(r.communeCode, r.communeStructure, c.personalId, 'people');
    return {
      recordedCommune: r.communeStructure === 'TWO_TIER' ? placement.newUnit : placement.oldUnit,
      commune: placement.newUnit,
      registeredOn: r.registeredOn,
      endedOn: i + 1 < all.length ? all[i + 1].registeredOn : c.residenceEndedOn,
    };
  });
}
