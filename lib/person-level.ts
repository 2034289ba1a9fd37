/**
 * What counts as person-level data, in one place for the gateway (which audits every read of it)
 * and the subgraphs (which report whose data they returned, and refuse to serve it when they
 * cannot tell a replayed request from a fresh one).
 */
import { buildASTSchema, defaultFieldResolver, getNamedType, GraphQLError, GraphQLObjectType, isObjectType, parse, type GraphQLSchema } from 'graphql';
import { getDirective, mapSchema, MapperKind } from '@graphql-tools/utils';

/**
 * A type whose fields are person-level data is marked `@personLevel` in its subgraph's SDL
 * (`directive @personLevel on OBJECT`, kept in the supergraph by `@composeDirective`). Reading any
 * such type is audited and never cached; there is no other list of them.
 */
export const PERSON_LEVEL_DIRECTIVE = 'personLevel';

const typesBySchema = new WeakMap<GraphQLSchema, ReadonlySet<string>>();

/** The schema's object types marked `@personLevel` (in their SDL, or by `markPersonLevel`). */
export function personLevelTypes(schema: GraphQLSchema): ReadonlySet<string> {
  let found = typesBySchema.get(schema);
  if (!found) {
    found = new Set(
      Object.values(schema.getTypeMap())
        .filter((t) => isObjectType(t) && !t.name.startsWith('__') && (getDirective(schema, t, PERSON_LEVEL_DIRECTIVE)?.length ?? 0) > 0)
        .map((t) => t.name),
    );
    typesBySchema.set(schema, found);
  }
  return found;
}

/** The person-level types the supergraph's SDL marks (the API schema drops custom directives). */
export function personLevelTypesOfSupergraph(supergraphSdl: string): ReadonlySet<string> {
  return personLevelTypes(buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true }));
}

/**
 * The API schema with the supergraph's `@personLevel` marks put back (as directives in the types'
 * extensions, where @graphql-tools/utils reads them), for the gateway's audit and cache rules.
 */
export function markPersonLevel(apiSchema: GraphQLSchema, supergraphSdl: string): GraphQLSchema {
  const marked = personLevelTypesOfSupergraph(supergraphSdl);
  return mapSchema(apiSchema, {
    [MapperKind.OBJECT_TYPE]: (type) => {
      if (!marked.has(type.name)) return type;
      const config = type.toConfig();
      const directives = { ...((config.extensions as { directives?: Record<string, unknown[]> })?.directives ?? {}), [PERSON_LEVEL_DIRECTIVE]: [{}] };
      return new GraphQLObjectType({ ...config, extensions: { ...config.extensions, directives } });
    },
  });
}

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

/** What a subgraph notes about one request's person-level data, on its context object. */
export interface PersonLevelState {
  /** The request's single use could not be checked (lib/replay-guard.ts): person-level data is refused. */
  replayUnchecked: boolean;
  /** Personal IDs of the persons whose data the answer holds. */
  persons: Set<string>;
  /** Objects already read for their personal IDs. */
  seen: WeakSet<object>;
}

const STATE = Symbol('person-level state');

/** Gives a subgraph's per-request context its person-level state (as a hidden property). */
export function withPersonLevelState<C extends object>(context: C, replayUnchecked: boolean): C {
  const state: PersonLevelState = { replayUnchecked, persons: new Set(), seen: new WeakSet() };
  // Enumerable: Apollo Server copies the context's own enumerable properties (symbols included) into the one resolvers get.
  Object.defineProperty(context, STATE, { value: state, enumerable: true });
  return context;
}

export const personLevelState = (context: unknown): PersonLevelState | undefined => (context && typeof context === 'object' ? (context as Record<symbol, PersonLevelState>)[STATE] : undefined);

/** The response extension in which a subgraph tells the gateway whose data it returned. */
export const PERSONS_RETURNED_EXTENSION = 'personsReturned';

function replayGuardUnavailable(): GraphQLError {
  return new GraphQLError('Person-level data is not served while this service cannot check that the request is not a replay (its replay guard store is unreachable); aggregates are: try again shortly', {
    extensions: { code: 'REPLAY_GUARD_UNAVAILABLE' },
  });
}

const isPromise = (v: unknown): v is Promise<unknown> => !!v && typeof (v as Promise<unknown>).then === 'function';

/**
 * Wraps a subgraph schema's resolvers, the domains' own untouched:
 * - every way into person-level data (a root field returning a person-level type, `_entities`
 *   with a person-level representation) refuses with REPLAY_GUARD_UNAVAILABLE while the request's
 *   single use could not be checked: person-level reads fail closed, aggregates go on;
 * - every field of a person-level type that resolves notes the personal IDs its object names
 *   (`personalIdsOf`), so that the answer can say whose data it holds, whether or not the
 *   caller selected an `id`.
 */
export function instrumentPersonLevel(schema: GraphQLSchema): void {
  const PERSON_LEVEL_TYPES = personLevelTypes(schema);
  const query = schema.getQueryType();
  for (const field of Object.values(query?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    if (field.name === '_entities') {
      field.resolve = (root, args, context, info) => {
        const representations = (args as { representations?: { __typename?: string }[] }).representations ?? [];
        if (personLevelState(context)?.replayUnchecked && representations.some((r) => PERSON_LEVEL_TYPES.has(String(r.__typename)))) throw replayGuardUnavailable();
        return resolve(root, args, context, info);
      };
    } else if (PERSON_LEVEL_TYPES.has(getNamedType(field.type).name)) {
      field.resolve = (root, args, context, info) => {
        if (personLevelState(context)?.replayUnchecked) throw replayGuardUnavailable();
        return resolve(root, args, context, info);
      };
    }
  }
  for (const typeName of PERSON_LEVEL_TYPES) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, context, info) => {
        const value = resolve(parent, args, context, info);
        const note = () => {
          const state = personLevelState(context);
          if (!state || !parent || typeof parent !== 'object' || state.seen.has(parent)) return;
          state.seen.add(parent);
          personalIdsOf(parent, state.persons);
        };
        if (isPromise(value)) return value.then((v) => (note(), v));
        note();
        return value;
      };
    }
  }
}
