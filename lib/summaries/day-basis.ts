/**
 * Which units keep day rows of their own, and where the others read the days before the reform from.
 *
 * Every summary keeps a row per unit and month with changes; day rows are read only for a period
 * that does not end on a month's end (the month containing today, a week, a day) or a flow that
 * is not whole months. Most day rows were the same facts counted again one level up: Hà Nội's
 * million citizens wrote 392,000 day rows for its 30 districts and 946,000 for its 126 new
 * communes, on top of 1.76 million for its 526 old communes, and storing a summary row is most
 * of an import's cost. So a unit whose facts are exactly the facts of some old communes (its
 * "basis") is "derived":
 *
 * - a district: the old units under it;
 * - a new commune made only of whole old communes (each of them went entirely into it): those.
 *
 * A derived unit's days before the reform (1 July 2025) are the sum of its basis units' days:
 * that is most of the history an import loads. From the reform on it keeps day rows of every
 * figure as before, so that the period every dashboard asks for, the month containing today,
 * reads one unit's rows and not its communes' (696 districts as of a day: 9 ms against 44 at
 * 10^5 when summed from their communes). One figure is not such a sum:
 * `placed_by_rule`, which a rule placement adds to a chosen set of units (lib/areas/placement.ts:
 * an old commune and, only when the candidates lie in several districts, its district). A
 * derived unit keeps day rows holding that figure alone (written only where it is not zero),
 * and a read takes every other figure from the basis units' days and `placed_by_rule` from its
 * own. Every other unit (old communes and island districts without communes, new communes with a
 * part of a split old commune, provinces of both structures, the nation) keeps day rows of all
 * its figures: a province's or the nation's days summed from hundreds or thousands of communes
 * would make reading the month containing today slow.
 */
import type { Knex } from 'knex';
import { adminUnits, placements, REFORM_DATE } from '../areas';
import { dayKey } from '../periods';
import { columnsOf, deltaTable, FIRST_DAY_BUCKET, PLACED_BY_RULE, type SummarySpec } from './spec';

/** The first day bucket (YYYYMMDD) a derived unit keeps every figure of in its own day rows. */
export const OWN_DAYS_FROM = dayKey(REFORM_DATE);

export interface DayBasis {
  /** Per unit (its position in `placements().keys`): the positions of its basis units, or undefined when it keeps its own day rows. */
  basisOf: (Int32Array | undefined)[];
  /** The summary keys of a derived unit's basis units, by the derived unit's key. */
  basisKeysOf: Map<string, string[]>;
}

let computed: DayBasis | undefined;

/** The day basis of every unit, computed once from the crosswalk's cells. */
export function dayBasis(): DayBasis {
  if (computed) return computed;
  const { keys, chains, leaves } = placements();
  const units = adminUnits();
  // Per old leaf: the new communes its pieces went into; per unit: the old leaves of the pieces it counts.
  const successorsOfOld = new Map<number, Set<number>>();
  const oldLeavesOf = new Map<number, Set<number>>();
  chains.forEach((chain, cell) => {
    const pair = leaves[cell];
    if (!pair) return; // A rule cell: it carries placed_by_rule only.
    const [oldLeaf, newLeaf] = pair;
    let s = successorsOfOld.get(oldLeaf);
    if (!s) successorsOfOld.set(oldLeaf, (s = new Set()));
    s.add(newLeaf);
    for (const unit of chain) {
      let o = oldLeavesOf.get(unit);
      if (!o) oldLeavesOf.set(unit, (o = new Set()));
      o.add(oldLeaf);
    }
  });
  const leafUnits = new Set<number>();
  for (const pair of leaves) if (pair) leafUnits.add(pair[0]).add(pair[1]);
  const basisOf: (Int32Array | undefined)[] = new Array(keys.length).fill(undefined);
  const basisKeysOf = new Map<string, string[]>();
  keys.forEach((key, position) => {
    const area = units.byKey.get(key);
    const olds = oldLeavesOf.get(position);
    if (!area || !olds) return;
    const district = area.structure === 'THREE_TIER' && area.level === 'DISTRICT' && !leafUnits.has(position);
    const wholeNewCommune = area.structure === 'TWO_TIER' && area.level === 'COMMUNE' && [...olds].every((o) => successorsOfOld.get(o)!.size === 1);
    if (!district && !wholeNewCommune) return;
    const basis = Int32Array.from([...olds].sort((a, b) => a - b));
    basisOf[position] = basis;
    basisKeysOf.set(key, Array.from(basis, (b) => keys[b]));
  });
  computed = { basisOf, basisKeysOf };
  return computed;
}

const CHUNK = 500;

/**
 * The migration step to derived units' days (above): their day rows before the reform, written
 * with every figure before it, keep `placed_by_rule` alone, and the rows left with nothing are
 * deleted. No fact is read again; the basis units' day rows already hold every figure.
 */
export function dayBasisMigration(spec: SummarySpec): Knex.Migration {
  return {
    async up(db) {
      // A new database has no day rows to put right.
      if (!(await db(deltaTable(spec)).where('bucket', '>=', FIRST_DAY_BUCKET).where('bucket', '<', OWN_DAYS_FROM).first('bucket'))) return;
      const others = columnsOf(spec).filter((c) => c !== PLACED_BY_RULE);
      const derived = [...dayBasis().basisKeysOf.keys()];
      for (let i = 0; i < derived.length; i += CHUNK) {
        const batch = derived.slice(i, i + CHUNK);
        const days = () => db(deltaTable(spec)).whereIn('area_code', batch).where('bucket', '>=', FIRST_DAY_BUCKET).where('bucket', '<', OWN_DAYS_FROM);
        await days().where(PLACED_BY_RULE, 0).delete();
        await days().update(Object.fromEntries(others.map((c) => [c, 0])));
      }
    },
    // Forward only: the basis units' days hold every figure the deleted rows held.
    async down() {},
  };
}
