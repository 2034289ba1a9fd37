/**
 * Where a fact counts, in both structures at once.
 *
 * A fact arrives with a commune code in one structure (records from before the reform carry
 * three-tier codes, deliveries since carry two-tier ones). It is placed in one *piece*: a pair
 * (old commune, new commune) of the crosswalk. The piece's *chain* is every unit it counts in:
 * the old commune, its district and province, the new commune and its province, and the nation.
 * Where the crosswalk leaves the choice open the piece is chosen by a documented rule:
 *
 * - An old commune with one successor, or a new commune with one predecessor: exact.
 * - An old commune split among several new communes: a fact about people goes to the successor
 *   the crosswalk says took all of the population ("toàn bộ dân số"), if one did; otherwise, among
 *   the successors that took people (not "part of the area" only, when any other did), one is
 *   chosen by a hash of the fact's id. Parcels: among all successors, by the hash.
 * - A new commune made of several old ones, for facts delivered with its code: likewise among
 *   its predecessors (people: not those that gave only "part of the area", when any other did).
 * - The 28 January communes the crosswalk does not name have a successor taken by rule
 *   (lib/areas/crosswalk.ts).
 *
 * Every unit whose figure depends on such a choice gets the fact counted in a second figure,
 * `placed_by_rule`, so that its figures say they are estimated. No new commune lies in two old
 * provinces and no old commune was split between new provinces, so provinces and the nation are
 * always exact.
 */
import type { CommuneLink } from './crosswalk';
import type { AdminUnits } from './load';
import type { Area, AreaStructure } from './model';

/** How a fact is assigned where the crosswalk splits: by people or by land. */
export type FactKind = 'people' | 'land';

export interface Placement {
  /** The cell whose chain is every unit the fact counts in. */
  cell: number;
  /** The cell of the units where the fact was placed by rule; -1 when placed exactly. */
  ruleCell: number;
  /** The three-tier unit (a commune, or an island district that had none). */
  oldUnit: Area;
  /** The two-tier commune. */
  newUnit: Area;
}

export interface PlacementIndex {
  /** Every area's summary key, in key order (JavaScript's default sort, which is SQLite's and MySQL's for ASCII). */
  keys: string[];
  positionOfKey: Map<string, number>;
  /** The positions of the units each cell counts in. */
  chains: Int32Array[];
  /** Per piece cell, the positions of its two leaves (old unit, new commune); absent for rule cells. */
  leaves: ([number, number] | undefined)[];
  /** Candidates per structure, code and kind: one placement when exact, several to hash among. */
  candidates: Record<AreaStructure, Map<string, Record<FactKind, Placement[]>>>;
}

/** 32-bit FNV-1a of a string: the same id always picks the same candidate, on every machine. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Picks the placement of a fact among candidates: the only one, or one chosen by the id's hash. */
export function choose(candidates: Placement[], factId: string): Placement {
  return candidates.length === 1 ? candidates[0] : candidates[fnv1a(factId) % candidates.length];
}

export function buildPlacementIndex(units: AdminUnits): PlacementIndex {
  const keys = [...units.byKey.keys()].sort();
  const positionOfKey = new Map(keys.map((k, i) => [k, i]));
  const chains: Int32Array[] = [];
  const leaves: ([number, number] | undefined)[] = [];
  const cellByKey = new Map<string, number>();
  const cellOf = (areas: Area[], leafPair?: [Area, Area]): number => {
    const key = areas.map((a) => a.key).join('>');
    let cell = cellByKey.get(key);
    if (cell === undefined) {
      cell = chains.length;
      cellByKey.set(key, cell);
      chains.push(Int32Array.from(areas, (a) => positionOfKey.get(a.key)!));
      leaves.push(leafPair ? [positionOfKey.get(leafPair[0].key)!, positionOfKey.get(leafPair[1].key)!] : undefined);
    }
    return cell;
  };
  const ancestors = (a: Area): Area[] => (a.parentId ? [a, ...ancestors(units.byId.get(a.parentId)!)] : [a]);
  const nation = units.byId.get('VN')!;
  const pieceChain = (oldUnit: Area, newUnit: Area) => [...ancestors(oldUnit).slice(0, -1), ...ancestors(newUnit)];
  const oldUnitOf = (code: string) => units.byCode.THREE_TIER.get(code)!;
  const newUnitOf = (code: string) => units.byCode.TWO_TIER.get(code)!;

  const placement = (link: CommuneLink, byRule: Area[]): Placement => {
    const oldUnit = oldUnitOf(link.oldCode);
    const newUnit = newUnitOf(link.newCode);
    const chain = pieceChain(oldUnit, newUnit);
    if (!chain.includes(nation)) throw new Error('a chain ends with the nation');
    return { cell: cellOf(chain, [oldUnit, newUnit]), ruleCell: byRule.length ? cellOf(byRule) : -1, oldUnit, newUnit };
  };
  /** People go where the crosswalk says the population went; otherwise not to "part of the area" only. */
  const forPeople = (links: CommuneLink[]) => {
    const all = links.filter((l) => l.relation === 'PART_OF_AREA_ALL_POPULATION');
    if (all.length) return all;
    const withPeople = links.filter((l) => l.relation !== 'PART_OF_AREA');
    return withPeople.length ? withPeople : links;
  };

  const candidates: PlacementIndex['candidates'] = { THREE_TIER: new Map(), TWO_TIER: new Map() };
  const successors = new Map<string, CommuneLink[]>();
  const predecessors = new Map<string, CommuneLink[]>();
  for (const l of units.links) {
    successors.set(l.oldCode, [...(successors.get(l.oldCode) ?? []), l]);
    predecessors.set(l.newCode, [...(predecessors.get(l.newCode) ?? []), l]);
  }
  // Delivered with a three-tier code: the new commune may be placed by rule.
  for (const [oldCode, links] of successors) {
    const of = (chosen: CommuneLink[]) => chosen.map((l) => placement(l, chosen.length > 1 || l.relation === 'BY_RULE' ? [newUnitOf(l.newCode)] : []));
    candidates.THREE_TIER.set(oldCode, { people: of(forPeople(links)), land: of(links) });
  }
  // Delivered with a two-tier code: the old commune, and the old district when the choices lie
  // in several, may be placed by rule; the old province never is.
  for (const [newCode, links] of predecessors) {
    const of = (chosen: CommuneLink[]) => {
      const districts = new Set(chosen.map((l) => oldUnitOf(l.oldCode)).map((a) => (a.level === 'COMMUNE' ? a.parentId : a.id)));
      const provinces = new Set(chosen.map((l) => ancestors(oldUnitOf(l.oldCode)).find((a) => a.level === 'PROVINCE')!.id));
      if (provinces.size > 1) throw new Error(`New commune ${newCode} lies in several old provinces`);
      return chosen.map((l) => {
        const oldUnit = oldUnitOf(l.oldCode);
        const byRule = chosen.length > 1 ? (districts.size > 1 && oldUnit.level === 'COMMUNE' ? [oldUnit, units.byId.get(oldUnit.parentId!)!] : [oldUnit]) : [];
        return placement(l, byRule);
      });
    };
    candidates.TWO_TIER.set(newCode, { people: of(forPeople(links)), land: of(links) });
  }
  return { keys, positionOfKey, chains, leaves, candidates };
}
