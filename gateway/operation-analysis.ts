/**
 * One walk over an operation, against the API schema, that measures what the limits and the
 * access rules need: depth, aliases, root fields, an estimated cost and number of area-periods,
 * whether it reads person-level data, and which fields an anonymous caller may not read.
 */
import {
  getNamedType,
  isListType,
  isNonNullType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type GraphQLObjectType,
  type GraphQLInterfaceType,
  valueFromASTUntyped,
} from 'graphql';
import { MAX_SERIES_LENGTH, periodSeries, type PeriodUnit } from '../lib/periods';

/** Types whose fields are person-level data: reading any of them is audited. */
export const PERSON_LEVEL_TYPES = new Set(['Citizen', 'CitizenPage', 'CivilStatusRecord', 'CriminalRecordRequest', 'EHealthRecord', 'Parcel', 'AuditRecord']);

/** What an anonymous caller may read: the indicator catalogue and the names and codes of areas. */
const ANONYMOUS_ROOT_FIELDS = new Set(['indicatorCatalog', 'nation', 'provinces', 'province', 'districts', 'district', 'communes', 'commune', 'area', 'areaById', 'searchAreas', 'areaStructures', 'today', '__typename', '__schema', '__type']);
const ANONYMOUS_AREA_FIELDS = new Set(['id', 'code', 'name', 'kind', 'level', 'structure', 'validFrom', 'validTo', 'inForce', 'successors', 'predecessors', 'provinces', 'districts', 'communes', 'province', 'district', 'nation', '__typename']);
const AREA_TYPES = new Set(['Nation', 'Province', 'District', 'Commune', 'Area']);
/** Types of reference data about the units, readable without a token. */
const PUBLIC_TYPES = new Set(['IndicatorDefinition', 'AreaChange', 'AreaStructureInfo']);

/**
 * Typical list lengths, for the cost estimate: what one item of such a list multiplies by (the
 * larger of the two structures: 63 provinces of the three-tier one, about 100 communes per
 * province of the two-tier one).
 */
const LIST_SIZES: Record<string, number> = { provinces: 63, districts: 11, communes: 100 };
const DEFAULT_LIST_SIZE = 10;

export interface OperationAnalysis {
  depth: number;
  aliases: number;
  rootFields: number;
  /** Fields times the number of objects they are asked of, lists multiplying. */
  cost: number;
  /** AreaStats objects the operation asks for (areas × periods). */
  areaPeriods: number;
  personLevel: boolean;
  introspection: boolean;
  /** `Type.field` paths an anonymous caller may not read. */
  notForAnonymous: string[];
}

export function analyzeOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}): OperationAnalysis {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const result: OperationAnalysis = { depth: 0, aliases: 0, rootFields: 0, cost: 0, areaPeriods: 0, personLevel: false, introspection: false, notForAnonymous: [] };
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return result;

  const argValue = (field: FieldNode, name: string): unknown => {
    const arg = field.arguments?.find((a) => a.name.value === name);
    return arg ? valueFromASTUntyped(arg.value, variables) : undefined;
  };

  /** How many items one evaluation of this list field is expected to give. */
  const listSize = (field: FieldNode, name: string): number => {
    if (name === 'series') {
      try {
        return periodSeries(String(argValue(field, 'from')), String(argValue(field, 'to')), String(argValue(field, 'every')) as PeriodUnit).length;
      } catch {
        return MAX_SERIES_LENGTH;
      }
    }
    const first = argValue(field, 'first');
    if (typeof first === 'number') return first;
    return LIST_SIZES[name] ?? DEFAULT_LIST_SIZE;
  };

  // Fragment cycles are rejected by validation before this runs; `seen` guards anyway.
  const walk = (parent: GraphQLObjectType | GraphQLInterfaceType, set: SelectionSetNode, depth: number, multiplier: number, seen: Set<string>, isRoot: boolean) => {
    result.depth = Math.max(result.depth, depth);
    for (const sel of set.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        if (!frag || seen.has(frag.name.value)) continue;
        const type = schema.getType(frag.typeCondition.name.value) as GraphQLObjectType | undefined;
        if (type && 'getFields' in type) walk(type, frag.selectionSet, depth, multiplier, new Set([...seen, frag.name.value]), isRoot);
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = (sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent) as GraphQLObjectType | undefined;
        if (type && 'getFields' in type) walk(type, sel.selectionSet, depth, multiplier, seen, isRoot);
        continue;
      }
      const name = sel.name.value;
      if (sel.alias) result.aliases++;
      if (isRoot) result.rootFields++;
      if (name === '__schema' || name === '__type') result.introspection = true;
      if (PERSON_LEVEL_TYPES.has(parent.name)) result.personLevel = true;
      if (isRoot ? !ANONYMOUS_ROOT_FIELDS.has(name) : !(AREA_TYPES.has(parent.name) && ANONYMOUS_AREA_FIELDS.has(name)) && !isIntrospection(parent.name) && !PUBLIC_TYPES.has(parent.name)) {
        result.notForAnonymous.push(`${parent.name}.${name}`);
      }
      result.cost += multiplier;
      const def: GraphQLField<unknown, unknown> | undefined = name.startsWith('__') ? undefined : parent.getFields()[name];
      if (!def || !sel.selectionSet) continue;
      const named = getNamedType(def.type);
      if (PERSON_LEVEL_TYPES.has(named.name)) result.personLevel = true;
      const items = isList(def.type) ? listSize(sel, name) : 1;
      if (named.name === 'AreaStats') result.areaPeriods += multiplier * items;
      if ('getFields' in named) walk(named as GraphQLObjectType, sel.selectionSet, depth + 1, multiplier * items, seen, false);
    }
  };
  walk(root, operation.selectionSet, 1, 1, new Set(), true);
  return result;
}

const isIntrospection = (typeName: string) => typeName.startsWith('__');

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}
