/**
 * What counts as person-level data, in one place for the gateway (which audits every read of it)
 * and the subgraphs (which report whose data they returned, and refuse to serve it when they
 * cannot tell a replayed request from a fresh one).
 */

/** Types whose fields are person-level data: reading any of them is audited. */
export const PERSON_LEVEL_TYPES: ReadonlySet<string> = new Set(['Citizen', 'CitizenPage', 'CivilStatusRecord', 'CriminalRecordRequest', 'EHealthRecord', 'Parcel', 'AuditRecord']);

const PERSONAL_ID_SHAPE = /^\d{12}$/;

/**
 * Whether a value has the shape of a personal ID. The graph's other identifiers have letters
 * (parcels `P10525-00001`, records `HT...`, `LLTP...`, `SK...`) or other lengths (area codes), so
 * a 12-digit string is taken to name a person: an ID imported with that shape for something else
 * would only make the audit name more people, never fewer.
 */
export const looksLikePersonalId = (value: unknown): value is string => typeof value === 'string' && PERSONAL_ID_SHAPE.test(value);

/**
 * Every personal-ID-shaped string in a JSON-like value, down to `maxDepth` levels (the values are
 * a request's variables or a resolver's object, whose depth the gateway has already bounded).
 */
export function personalIdsIn(value: unknown, out: Set<string> = new Set(), maxDepth = 32): Set<string> {
  if (looksLikePersonalId(value)) out.add(value);
  else if (maxDepth > 0 && value && typeof value === 'object') {
    for (const v of Array.isArray(value) ? value : Object.values(value)) personalIdsIn(v, out, maxDepth - 1);
  }
  return out;
}

/**
 * The personal IDs an object a resolver returned names directly: its own properties that are
 * personal-ID-shaped strings or lists of them (a citizen's `personalId`, a parcel's owner, a civil
 * status record's `personalIds`, an entity reference's `id`). Nested objects are not followed:
 * they are reported when their own fields are resolved.
 */
export function personalIdsOf(object: unknown, out: Set<string>): void {
  if (!object || typeof object !== 'object') return;
  for (const v of Object.values(object)) {
    if (looksLikePersonalId(v)) out.add(v);
    else if (Array.isArray(v)) for (const item of v) if (looksLikePersonalId(item)) out.add(item);
  }
}
