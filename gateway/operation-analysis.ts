/**
 * One walk over a GraphQL document, against the API schema, before graphql-js validates it and
 * before anything is planned or fetched: what the limits and the access rules need.
 *
 * - Each fragment is walked once, whatever the number of its spreads: its summary (fields,
 *   aliases, depth, cost per object it is asked of, ...) is kept and added wherever it is spread,
 *   so a document of fragments that each spread the next twice costs a walk proportional to its
 *   text, not to its 2^n expansion (such a 926-byte request once held the event loop 14 s).
 * - The walk stops at the first limit exceeded, and after a fixed number of nodes in any case.
 * - The whole document is walked (every operation, every fragment, used or not), because
 *   validation reads all of it; the cost, area-periods and root fields counted against the limits
 *   are those of the operation that will run.
 * - What graphql-js validation spends time on: comparing fields that share a response name in
 *   one selection set (OverlappingFieldsCanBeMerged, quadratic in their number: 300 copies of
 *   `provinces { code }` took 28 ms, 500 `code: name`/`code: code` pairs 53 ms). A response name
 *   appearing more than `maxRepeats` times in one selection set, fragments included, is refused
 *   here, before validation, as is a document of more than `MAX_QUERY_TOKENS` tokens (parse).
 */
import {
  getNamedType,
  isListType,
  isNonNullType,
  Kind,
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  valueFromASTUntyped,
} from 'graphql';
import { MAX_SERIES_LENGTH, type PeriodUnit } from '../lib/periods';
import { seriesPeriods } from '../lib/relative-periods';
import { today } from '../lib/today';
import { areaByCode, areasOfLevel, childrenOf, communesIn, STRUCTURES, structureOn, type AreaLevel, type AreaStructure } from '../lib/areas';
import { personLevelTypes, personalIdsIn } from '../lib/person-level';


/** What an anonymous caller may read: the indicator catalogue and the names and codes of areas. */
const ANONYMOUS_ROOT_FIELDS = new Set(['indicatorCatalog', 'nation', 'provinces', 'province', 'districts', 'district', 'communes', 'commune', 'area', 'areaById', 'searchAreas', 'areaStructures', 'today', '__typename', '__schema', '__type']);
const ANONYMOUS_AREA_FIELDS = new Set(['id', 'code', 'name', 'kind', 'level', 'structure', 'validFrom', 'validTo', 'inForce', 'successors', 'predecessors', 'provinces', 'districts', 'communes', 'province', 'district', 'nation']);
const AREA_TYPES = new Set(['Nation', 'Province', 'District', 'Commune', 'Area']);
/** Types of reference data about the units, readable without a token. */
const PUBLIC_TYPES = new Set(['IndicatorDefinition', 'AreaChange', 'AreaStructureInfo']);

/** Typical list lengths, for the cost estimate: what one item of such a list multiplies by. */
const LIST_SIZES: Record<string, number> = { provinces: 63, districts: 11, communes: 100 };
const DEFAULT_LIST_SIZE = 10;

/** Selections and arguments one walk may visit: far above any real query (W1 has about 60). */
export const ANALYSIS_NODE_BUDGET = 20_000;

export interface AnalysisLimits {
  MAX_QUERY_DEPTH: number;
  MAX_ALIASES: number;
  MAX_ROOT_FIELDS: number;
  MAX_QUERY_FIELDS: number;
  MAX_FIELD_REPEATS: number;
  MAX_QUERY_COST: number;
  MAX_AREA_PERIODS: number;
  MAX_VARIABLES_DEPTH: number;
}

export type LimitName = keyof AnalysisLimits | 'ANALYSIS_NODE_BUDGET';

export interface OperationAnalysis {
  /** Nesting of selection sets in the operation that runs (`{ a }` is 1). */
  depth: number;
  aliases: number;
  rootFields: number;
  /** Fields once fragments are expanded (not multiplied by list lengths). */
  fields: number;
  /** Fields times the number of objects they are asked of, lists multiplying. */
  cost: number;
  /** AreaStats objects the operation asks for (areas × periods). */
  areaPeriods: number;
  personLevel: boolean;
  introspection: boolean;
  /** `Type.field` paths an anonymous caller may not read. */
  notForAnonymous: string[];
  /** Personal-ID-shaped values among the operation's arguments, variables substituted. */
  requestedPersonalIds: string[];
  /** Selections and arguments visited. */
  nodes: number;
  /** The first limit found exceeded: the walk stopped there and the other figures are partial. */
  exceeded?: { limit: LimitName; message: string };
}

/** What a selection set adds up to, per object it is asked of. */
interface Summary {
  depth: number;
  aliases: number;
  fields: number;
  cost: number;
  areaPeriods: number;
  /** How many times each response name is selected at this level, fragments included. */
  names: Map<string, number>;
}

type Parent = GraphQLObjectType | GraphQLInterfaceType | undefined;

class LimitExceeded {
  constructor(readonly limit: LimitName, readonly message: string) {}
}

const hasFields = (t: GraphQLNamedType | undefined | null): t is GraphQLObjectType | GraphQLInterfaceType => !!t && 'getFields' in t;

/**
 * Analyses `document` for the operation named `operationName` (or its only one), refusing at the
 * first limit exceeded. Never throws for a document graphql-js would reject: unknown fields and
 * fragments, cycles and a missing operation are left for validation to report.
 */
export function analyzeDocument(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>, limits: AnalysisLimits): OperationAnalysis {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION) operations.push(d);
  }
  const running = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  const result: OperationAnalysis = { depth: 0, aliases: 0, rootFields: 0, fields: 0, cost: 0, areaPeriods: 0, personLevel: false, introspection: false, notForAnonymous: [], requestedPersonalIds: [], nodes: 0 };
  const notForAnonymous = new Set<string>();
  const requested = new Set<string>();
  // Marked @personLevel in the SDL; the gateway's schema carries the marks (markPersonLevel).
  const personLevel = personLevelTypes(schema);
  const summaries = new Map<string, Summary | 'in progress'>();
  // What the operation that runs reads (its flags, its requested IDs) is collected while it is
  // walked; the rest of the document is walked for the limits alone.
  let collecting = false;

  const spend = () => {
    if (++result.nodes > ANALYSIS_NODE_BUDGET) throw new LimitExceeded('ANALYSIS_NODE_BUDGET', `Query is too large to analyse: more than ${ANALYSIS_NODE_BUDGET} selections and arguments`);
  };

  const argValue = (args: readonly ArgumentNode[] | undefined, name: string): unknown => {
    const arg = args?.find((a) => a.name.value === name);
    return arg ? valueFromASTUntyped(arg.value, variables) : undefined;
  };

  /** How many items one evaluation of this list field is expected to give. */
  const listSize = (args: readonly ArgumentNode[] | undefined, name: string): number => {
    if (name === 'series') {
      try {
        const text = (k: string) => (argValue(args, k) == null ? null : String(argValue(args, k)));
        return seriesPeriods({ from: text('from'), to: text('to'), every: text('every') as PeriodUnit | null, range: text('range') }, today()).length;
      } catch {
        return MAX_SERIES_LENGTH;
      }
    }
    const first = argValue(args, 'first');
    if (typeof first === 'number' && first >= 0) return first;
    return LIST_SIZES[name] ?? DEFAULT_LIST_SIZE;
  };

  /** How many units a `ranking` ranks (each one area-period), as geography will count them. */
  const rankedUnits = (args: readonly ArgumentNode[] | undefined): number => {
    const level = argValue(args, 'level') as AreaLevel;
    const asOf = argValue(args, 'asOf');
    const structure = (argValue(args, 'structure') as AreaStructure | undefined) ?? structureOn(typeof asOf === 'string' ? asOf : today());
    // Not a structure (an invalid document): validation refuses it; nothing to count here.
    if (!STRUCTURES.includes(structure)) return 0;
    const parentCode = argValue(args, 'parentCode');
    const parent = typeof parentCode === 'string' ? areaByCode(parentCode, structure) : undefined;
    if (level !== 'PROVINCE' && level !== 'DISTRICT' && level !== 'COMMUNE') return 0;
    if (!parent) return areasOfLevel(level, structure).length;
    return level === 'COMMUNE' ? communesIn(parent, structure).length : childrenOf(parent, structure).length;
  };

  /** Counts `n` more selections of a response name in a selection set, refusing past MAX_FIELD_REPEATS. */
  const select = (s: Summary, name: string, n: number, where: string) => {
    const total = (s.names.get(name) ?? 0) + n;
    if (total > limits.MAX_FIELD_REPEATS) {
      throw new LimitExceeded('MAX_FIELD_REPEATS', `Query selects "${name}" ${total} times in one selection set (${where}), fragments included: more than the limit of ${limits.MAX_FIELD_REPEATS} (MAX_FIELD_REPEATS)`);
    }
    s.names.set(name, total);
  };

  /** Adds what a fragment (spread or inline) selects to the selection set it stands in. */
  const add = (into: Summary, part: Summary, where: string) => {
    into.depth = Math.max(into.depth, part.depth);
    into.aliases += part.aliases;
    into.fields += part.fields;
    into.cost += part.cost;
    into.areaPeriods += part.areaPeriods;
    for (const [name, n] of part.names) select(into, name, n, where);
  };

  const check = (s: Summary, level: number) => {
    if (level + s.depth - 1 > limits.MAX_QUERY_DEPTH) throw new LimitExceeded('MAX_QUERY_DEPTH', `Query depth ${level + s.depth - 1} exceeds the limit of ${limits.MAX_QUERY_DEPTH} (MAX_QUERY_DEPTH)`);
    if (s.aliases > limits.MAX_ALIASES) throw new LimitExceeded('MAX_ALIASES', `Query uses ${s.aliases} aliases, more than the limit of ${limits.MAX_ALIASES} (MAX_ALIASES)`);
    if (s.fields > limits.MAX_QUERY_FIELDS) throw new LimitExceeded('MAX_QUERY_FIELDS', `Query selects ${s.fields} fields once its fragments are expanded, more than the limit of ${limits.MAX_QUERY_FIELDS} (MAX_QUERY_FIELDS)`);
    if (collecting && s.cost > limits.MAX_QUERY_COST) throw new LimitExceeded('MAX_QUERY_COST', `Query's estimated cost ${s.cost} exceeds the limit of ${limits.MAX_QUERY_COST} (MAX_QUERY_COST)`);
    if (collecting && s.areaPeriods > limits.MAX_AREA_PERIODS) {
      throw new LimitExceeded('MAX_AREA_PERIODS', `Query asks for about ${s.areaPeriods} area-periods, more than the limit of ${limits.MAX_AREA_PERIODS} (MAX_AREA_PERIODS): ask for fewer areas or periods`);
    }
  };

  const fragmentSummary = (name: string): Summary | undefined => {
    const known = summaries.get(name);
    if (known === 'in progress') return undefined; // a cycle: validation reports it
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment) return undefined;
    summaries.set(name, 'in progress');
    const type = schema.getType(fragment.typeCondition.name.value);
    // Walked from level 1: its depth is relative, and the spread adds it where it stands.
    const s = walk(hasFields(type) ? type : undefined, fragment.selectionSet, 1, `fragment ${name}`);
    summaries.set(name, s);
    return s;
  };

  /** Walks one selection set at nesting `level` (1 for an operation's or fragment's own). */
  const walk = (parent: Parent, set: SelectionSetNode, level: number, where: string): Summary => {
    const s: Summary = { depth: 1, aliases: 0, fields: 0, cost: 0, areaPeriods: 0, names: new Map() };
    // Nothing deeper is walked: the operation is refused whatever lies below.
    if (level > limits.MAX_QUERY_DEPTH) check(s, level);
    for (const sel of set.selections) {
      spend();
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragmentSummary(sel.name.value);
        if (f) add(s, f, where);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        add(s, walk(hasFields(type) ? type : undefined, sel.selectionSet, level, where), where);
      } else {
        const name = sel.name.value;
        const responseName = sel.alias?.value ?? name;
        select(s, responseName, 1, where);
        s.fields++;
        s.cost++;
        if (sel.alias) s.aliases++;
        for (const arg of sel.arguments ?? []) {
          spend();
          const nesting = valueNesting(arg.value, limits.MAX_VARIABLES_DEPTH);
          if (nesting > limits.MAX_VARIABLES_DEPTH) {
            throw new LimitExceeded('MAX_VARIABLES_DEPTH', `Argument ${name}(${arg.name.value}:) nests values deeper than the limit of ${limits.MAX_VARIABLES_DEPTH} levels (MAX_VARIABLES_DEPTH)`);
          }
          if (collecting) personalIdsIn(valueFromASTUntyped(arg.value, variables), requested);
        }
        // Meta fields (`__typename`, `__schema`, `__type`) are in no type's fields: no definition.
        const def: GraphQLField<unknown, unknown> | undefined = parent?.getFields()[name];
        const named = def ? getNamedType(def.type) : undefined;
        if (collecting) {
          if (name === '__schema' || name === '__type') result.introspection = true;
          if (parent && personLevel.has(parent.name)) result.personLevel = true;
          if (named && personLevel.has(named.name)) result.personLevel = true;
          const parentName = parent?.name ?? '?';
          const isRoot = parent === schema.getQueryType() && level === 1;
          const open = isRoot ? ANONYMOUS_ROOT_FIELDS.has(name) : (AREA_TYPES.has(parentName) && ANONYMOUS_AREA_FIELDS.has(name)) || parentName.startsWith('__') || PUBLIC_TYPES.has(parentName) || name === '__typename';
          if (!open) notForAnonymous.add(`${parentName}.${name}`);
        }
        if (sel.selectionSet) {
          const items = def && isList(def.type) ? listSize(sel.arguments, name) : 1;
          // Introspection's own types nest as deep as the schema's type wrappers (the standard
          // introspection query, which GraphiQL sends, is 15 deep): walked from level 1, like a
          // fragment, and not added to the operation's depth.
          const introspective = name === '__schema' || name === '__type';
          const childType = introspective ? schema.getType(name === '__schema' ? '__Schema' : '__Type') : named;
          const child = walk(hasFields(childType) ? childType : undefined, sel.selectionSet, introspective ? 1 : level + 1, `${where}, ${responseName}`);
          if (!introspective) s.depth = Math.max(s.depth, child.depth + 1);
          s.aliases += child.aliases;
          s.fields += child.fields;
          s.cost += items * child.cost;
          s.areaPeriods += items * child.areaPeriods;
          if (named?.name === 'AreaStats') s.areaPeriods += items;
          // A ranking fetches the figures of every unit it ranks, whatever it selects.
          if (named?.name === 'Ranking') s.areaPeriods += rankedUnits(sel.arguments);
        }
      }
      check(s, level);
    }
    return s;
  };

  try {
    if (running) {
      collecting = true;
      const root = running.operation === 'query' ? schema.getQueryType() : running.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      const s = walk(root ?? undefined, running.selectionSet, 1, running.name ? `operation ${running.name.value}` : 'the operation');
      result.depth = s.depth;
      result.aliases = s.aliases;
      result.fields = s.fields;
      result.cost = s.cost;
      result.areaPeriods = s.areaPeriods;
      result.rootFields = [...s.names.values()].reduce((a, b) => a + b, 0);
      if (result.rootFields > limits.MAX_ROOT_FIELDS) {
        throw new LimitExceeded('MAX_ROOT_FIELDS', `Query asks for ${result.rootFields} root fields, more than the limit of ${limits.MAX_ROOT_FIELDS} (MAX_ROOT_FIELDS)`);
      }
      collecting = false;
    }
    // The rest of the document, which validation will read too: fragments already walked are not
    // walked again. Only the limits that hold everywhere (depth, aliases, fields, repeats) apply
    // there, and none depends on the types: walked without them.
    for (const op of operations) if (op !== running) walk(undefined, op.selectionSet, 1, op.name ? `operation ${op.name.value}` : 'an operation');
    for (const name of fragments.keys()) fragmentSummary(name);
  } catch (err) {
    if (!(err instanceof LimitExceeded)) throw err;
    result.exceeded = { limit: err.limit, message: err.message };
  }
  result.notForAnonymous = [...notForAnonymous];
  result.requestedPersonalIds = [...requested].sort();
  return result;
}

/** How deep a literal value nests (a scalar is 0, `[]` and `{}` are 1), counted without recursion up to `max + 1`. */
function valueNesting(value: ValueNode, max: number): number {
  let deepest = 0;
  const stack: [ValueNode, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    const children = v.kind === Kind.LIST ? v.values : v.kind === Kind.OBJECT ? v.fields.map((f) => f.value) : undefined;
    if (!children) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > max) return deepest;
    for (const c of children) stack.push([c, depth + 1]);
  }
  return deepest;
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}
