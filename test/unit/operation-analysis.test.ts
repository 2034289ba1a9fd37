/**
 * The one-pass analysis against a naive one: every fragment spread replaced by its text, then
 * fields, aliases and depth counted on the expanded operation. The analysis must find the same
 * figures without ever expanding a fragment, and stop at the first limit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { getIntrospectionQuery, Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { analyzeDocument, type AnalysisLimits } from '../../gateway/operation-analysis';
import { loadConfig } from '../../lib/config';
import { markPersonLevel } from '../../lib/person-level';
import { fragmentBomb } from '../helpers/attacks';

const supergraphSdl = fs.readFileSync(path.join(__dirname, '../../schema/supergraph.graphql'), 'utf8');
// The API schema as the gateway uses it: with the SDL's @personLevel marks (lib/person-level.ts).
const schema = markPersonLevel(Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema(), supergraphSdl);
const generous: AnalysisLimits = { MAX_QUERY_DEPTH: 100, MAX_ALIASES: 1e9, MAX_ROOT_FIELDS: 1e9, MAX_QUERY_FIELDS: 1e15, MAX_FIELD_REPEATS: 1e15, MAX_QUERY_COST: 1e15, MAX_AREA_PERIODS: 1e15, MAX_VARIABLES_DEPTH: 10 };

/** Fields, aliases and depth of the operation with every spread expanded, the slow way. */
function naive(doc: DocumentNode) {
  const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const counts = { fields: 0, aliases: 0, depth: 0 };
  const visit = (set: SelectionSetNode, depth: number) => {
    counts.depth = Math.max(counts.depth, depth);
    for (const sel of set.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) visit(fragments.get(sel.name.value)!.selectionSet, depth);
      else if (sel.kind === Kind.INLINE_FRAGMENT) visit(sel.selectionSet, depth);
      else {
        counts.fields++;
        if (sel.alias) counts.aliases++;
        if (sel.selectionSet) visit(sel.selectionSet, depth + 1);
      }
    }
  };
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
  if (op.kind === Kind.OPERATION_DEFINITION) visit(op.selectionSet, 1);
  return counts;
}

describe('operation analysis', () => {
  test.each([
    ['a fragment bomb of 12 levels', fragmentBomb(12)],
    ['fragments spread at several depths', `{ province(code: "30") { ...A districts { ...A communes { ...B } } } } fragment A on Area { code name } fragment B on Commune { ...A x: name district { ...A province { ...A } } }`],
    ['nested fragment trees', `{ nation { ...N } } fragment N on Nation { provinces { ...P ...P } } fragment P on Province { code districts { ...D ...D ...D } } fragment D on District { a: code b: name communes { code } }`],
    ['inline fragments', `{ area(code: "30") { ... on Province { districts { code ... on District { name } } } code } }`],
  ])('%s: the same fields, aliases and depth as expanding every spread', (_name, text) => {
    const doc = parse(text);
    const a = analyzeDocument(schema, doc, undefined, {}, generous);
    expect(a.exceeded).toBeUndefined();
    expect({ fields: a.fields, aliases: a.aliases, depth: a.depth }).toEqual(naive(doc));
  });

  test('a fragment bomb of 40 levels (a trillion fields expanded) is walked in as many steps as it has selections', () => {
    const doc = parse(fragmentBomb(40));
    const a = analyzeDocument(schema, doc, undefined, {}, generous);
    expect(a.fields).toBe(2 ** 40 + 1);
    // 1 selection in the operation (nation), 1 in the operation's set (the spread), 1 + 2 × 40 in the fragments.
    expect(a.nodes).toBe(1 + 1 + 1 + 2 * 40);
  });

  test('the cost multiplies by list lengths, with series lengths from the variables', () => {
    const doc = parse('query($from: String!) { provinces { series(from: $from, to: "2024-12", every: MONTH) { period } } }');
    const a = analyzeDocument(schema, doc, undefined, { from: '2024-01' }, generous);
    // provinces (1) + 63 × (series (1) + 12 × period (1)); 63 × 12 area-periods.
    expect({ cost: a.cost, areaPeriods: a.areaPeriods }).toEqual({ cost: 1 + 63 * (1 + 12), areaPeriods: 63 * 12 });
  });

  test('it stops at the first limit, naming it', () => {
    const a = analyzeDocument(schema, parse(fragmentBomb(30)), undefined, {}, { ...generous, MAX_FIELD_REPEATS: 10 });
    expect(a.exceeded).toEqual({ limit: 'MAX_FIELD_REPEATS', message: expect.stringContaining('"code" 16 times') });
    // Down the chain of first spreads to F0, then back up to F4's second spread: not the 61 selections of its fragments.
    expect(a.nodes).toBe(2 + 30 + 1 + 4);
  });

  test("GraphiQL's introspection query (15 deep) passes the default limits; introspection nested deeper through fragments does not", () => {
    const limits = loadConfig({});
    const standard = analyzeDocument(schema, parse(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true })), undefined, {}, limits);
    expect(standard.exceeded).toBeUndefined();
    expect(standard.introspection).toBe(true);
    const chain = Array.from({ length: 20 }, (_, i) => `fragment T${i} on __Type { name ${i < 19 ? `ofType { ...T${i + 1} }` : ''} }`).join(' ');
    expect(analyzeDocument(schema, parse(`{ __schema { types { ...T0 } } } ${chain}`), undefined, {}, limits).exceeded?.limit).toBe('MAX_QUERY_DEPTH');
  });

  test('the personal IDs asked for, from literals and variables, in fragments too', () => {
    const doc = parse('query($id: String!) { citizen(id: $id) { fullName } ...More } fragment More on Query { b: citizen(id: "001090000002") { fullName } }');
    const a = analyzeDocument(schema, doc, undefined, { id: '001090000001' }, generous);
    expect(a.requestedPersonalIds).toEqual(['001090000001', '001090000002']);
    expect(a.personLevel).toBe(true);
  });

  test('a ranking counts every unit it ranks as an area-period, and a relative series its periods', () => {
    const count = (query: string) => analyzeDocument(schema, parse(query), undefined, {}, generous).areaPeriods;
    // Official counts: 10,051 three-tier communes, 34 two-tier provinces, 696 districts.
    expect(count('{ ranking(level: COMMUNE, structure: THREE_TIER, period: "2024") { entries(by: "residency.population") { rank } } }')).toBe(10051);
    expect(count('{ ranking(level: PROVINCE, period: "2024") { id } }')).toBe(34);
    expect(count('{ ranking(level: DISTRICT, asOf: "2024-01-01", period: "2024") { id } }')).toBe(696);
    expect(count('{ ranking(level: DISTRICT, structure: THREE_TIER, parentCode: "30", period: "2024") { id } }')).toBe(12);
    expect(count('{ nation { series(range: LAST_12_MONTHS) { period } } }')).toBe(12);
    expect(count('{ nation { series(from: "LAST_YEAR", to: "THIS_YEAR", every: QUARTER) { period } } }')).toBe(8);
  });
});

describe('operation analysis: each limit, what anonymous callers may read, and what is collected', () => {
  const analyze = (query: string, limits: Partial<AnalysisLimits> = {}, operationName?: string, variables: Record<string, unknown> = {}) => analyzeDocument(schema, parse(query), operationName, variables, { ...generous, ...limits });
  const limitOf = (query: string, limits: Partial<AnalysisLimits>, operationName?: string) => analyze(query, limits, operationName).exceeded;
  const threeDeep = '{ nation { provinces { code } } }';

  test('MAX_QUERY_DEPTH: a depth equal to the limit passes, one more is refused', () => {
    expect(analyze(threeDeep).depth).toBe(3);
    expect(limitOf(threeDeep, { MAX_QUERY_DEPTH: 3 })).toBeUndefined();
    expect(limitOf(threeDeep, { MAX_QUERY_DEPTH: 2 })).toEqual({ limit: 'MAX_QUERY_DEPTH', message: 'Query depth 3 exceeds the limit of 2 (MAX_QUERY_DEPTH)' });
    // Deeper through a fragment: the fragment's depth adds where it is spread.
    expect(limitOf('{ nation { ...P } } fragment P on Nation { provinces { code } }', { MAX_QUERY_DEPTH: 2 })?.limit).toBe('MAX_QUERY_DEPTH');
  });

  test('MAX_ALIASES, MAX_QUERY_FIELDS and MAX_ROOT_FIELDS: at the limit passes, above is refused with the count', () => {
    const q = '{ a: nation { code } b: nation { c: code name } today }';
    expect(analyze(q)).toMatchObject({ aliases: 3, fields: 6, rootFields: 3 });
    expect([limitOf(q, { MAX_ALIASES: 3 }), limitOf(q, { MAX_QUERY_FIELDS: 6 }), limitOf(q, { MAX_ROOT_FIELDS: 3 })]).toEqual([undefined, undefined, undefined]);
    expect(limitOf(q, { MAX_ALIASES: 2 })).toEqual({ limit: 'MAX_ALIASES', message: 'Query uses 3 aliases, more than the limit of 2 (MAX_ALIASES)' });
    expect(limitOf(q, { MAX_QUERY_FIELDS: 5 })).toEqual({ limit: 'MAX_QUERY_FIELDS', message: 'Query selects 6 fields once its fragments are expanded, more than the limit of 5 (MAX_QUERY_FIELDS)' });
    expect(limitOf(q, { MAX_ROOT_FIELDS: 2 })).toEqual({ limit: 'MAX_ROOT_FIELDS', message: 'Query asks for 3 root fields, more than the limit of 2 (MAX_ROOT_FIELDS)' });
  });

  test('MAX_FIELD_REPEATS counts one response name in one selection set, fragments included, and names where', () => {
    const q = 'query Q { nation { code code ...C } } fragment C on Nation { code }';
    expect(limitOf(q, { MAX_FIELD_REPEATS: 3 })).toBeUndefined();
    expect(limitOf(q, { MAX_FIELD_REPEATS: 2 })).toEqual({ limit: 'MAX_FIELD_REPEATS', message: 'Query selects "code" 3 times in one selection set (operation Q, nation), fragments included: more than the limit of 2 (MAX_FIELD_REPEATS)' });
    expect(limitOf('{ nation { code } nation { code } }', { MAX_FIELD_REPEATS: 1 })?.message).toContain('"nation" 2 times in one selection set (the operation)');
  });

  test('MAX_QUERY_COST and MAX_AREA_PERIODS: the cost multiplies by typical list lengths (63 provinces, 11 districts, 100 communes, 10 otherwise, or `first`)', () => {
    // province (1) + 1 × (districts (1) + 11 × (communes (1) + 100 × code (1))).
    expect(analyze('{ province(code: "30") { districts { communes { code } } } }').cost).toBe(1 + (1 + 11 * (1 + 100 * 1)));
    expect(analyze('{ searchAreas(text: "Hải") { code name } }').cost).toBe(1 + 10 * 2);
    expect(analyze('{ searchAreas(text: "Hải", first: 3) { code } }').cost).toBe(1 + 3 * 1);
    expect(analyze('{ searchAreas(text: "Hải", first: -1) { code } }').cost).toBe(1 + 10 * 1);
    expect(analyze('query($n: Int) { searchAreas(text: "Hải", first: $n) { code } }', {}, undefined, { n: 0 }).cost).toBe(1);
    const stats = '{ provinces { stats(period: "2024") { period } } }';
    expect(analyze(stats)).toMatchObject({ cost: 1 + 63 * 2, areaPeriods: 63 });
    expect([limitOf(stats, { MAX_QUERY_COST: 127 }), limitOf(stats, { MAX_AREA_PERIODS: 63 })]).toEqual([undefined, undefined]);
    expect(limitOf(stats, { MAX_QUERY_COST: 126 })).toEqual({ limit: 'MAX_QUERY_COST', message: "Query's estimated cost 127 exceeds the limit of 126 (MAX_QUERY_COST)" });
    expect(limitOf(stats, { MAX_AREA_PERIODS: 62 })).toEqual({ limit: 'MAX_AREA_PERIODS', message: 'Query asks for about 63 area-periods, more than the limit of 62 (MAX_AREA_PERIODS): ask for fewer areas or periods' });
  });

  test('a series whose arguments are not a valid series counts as the longest allowed', () => {
    expect(analyze('{ nation { series(from: "2024-13", to: "2025", every: MONTH) { period } } }').areaPeriods).toBe(600);
    expect(analyze('{ nation { series(from: "2024-01", to: "2024-03", every: MONTH) { period } } }').areaPeriods).toBe(3);
  });

  test('cost and area-periods count against the limits only in the operation that runs; depth and aliases everywhere', () => {
    const doc = 'query Cheap { today } query Dear { provinces { stats(period: "2024") { period } } }';
    expect(limitOf(doc, { MAX_QUERY_COST: 2, MAX_AREA_PERIODS: 1 }, 'Cheap')).toBeUndefined();
    expect(limitOf(doc, { MAX_QUERY_COST: 2 }, 'Dear')?.limit).toBe('MAX_QUERY_COST');
    expect(limitOf(doc, { MAX_QUERY_DEPTH: 2 }, 'Cheap')).toEqual({ limit: 'MAX_QUERY_DEPTH', message: 'Query depth 3 exceeds the limit of 2 (MAX_QUERY_DEPTH)' });
    expect(analyze(doc, {}, 'Cheap')).toMatchObject({ cost: 1, areaPeriods: 0, rootFields: 1, depth: 1 });
    // Several operations and no name: none runs, nothing is collected, the limits still apply.
    expect(analyze(doc)).toMatchObject({ cost: 0, rootFields: 0, depth: 0 });
    expect(analyze(doc).exceeded).toBeUndefined();
    expect(limitOf(doc, { MAX_ALIASES: 0 })).toBeUndefined();
    expect(limitOf('query A { today } query B { x: today }', { MAX_ALIASES: 0 })?.limit).toBe('MAX_ALIASES');
  });

  test('MAX_VARIABLES_DEPTH: literal arguments nested deeper than the limit are refused', () => {
    const q = (value: string) => `{ searchAreas(text: "a", level: ${value}) { code } }`;
    expect(limitOf(q('[[[1]]]'), { MAX_VARIABLES_DEPTH: 3 })).toBeUndefined();
    expect(limitOf(q('{a: {b: [1]}}'), { MAX_VARIABLES_DEPTH: 3 })).toBeUndefined();
    expect(limitOf(q('[[[[1]]]]'), { MAX_VARIABLES_DEPTH: 3 })).toEqual({ limit: 'MAX_VARIABLES_DEPTH', message: 'Argument searchAreas(level:) nests values deeper than the limit of 3 levels (MAX_VARIABLES_DEPTH)' });
    expect(limitOf(q('{a: {b: {c: [1]}}}'), { MAX_VARIABLES_DEPTH: 3 })?.limit).toBe('MAX_VARIABLES_DEPTH');
    expect(limitOf(q('[1, [2, [3, [4]]]]'), { MAX_VARIABLES_DEPTH: 3 })?.limit).toBe('MAX_VARIABLES_DEPTH');
    expect(limitOf(q('[1, 2, 3]'), { MAX_VARIABLES_DEPTH: 0 })?.limit).toBe('MAX_VARIABLES_DEPTH');
    expect(limitOf(q('"text"'), { MAX_VARIABLES_DEPTH: 0 })).toBeUndefined();
  });

  test('ANALYSIS_NODE_BUDGET: past 20,000 selections and arguments the walk stops', () => {
    const { ANALYSIS_NODE_BUDGET } = require('../../gateway/operation-analysis') as typeof import('../../gateway/operation-analysis');
    const many = (n: number) => `{ nation { ${Array.from({ length: n }, (_, i) => `f${i}: code`).join(' ')} } }`;
    expect(analyze(many(ANALYSIS_NODE_BUDGET - 1)).exceeded).toBeUndefined();
    expect(analyze(many(ANALYSIS_NODE_BUDGET))).toMatchObject({ nodes: ANALYSIS_NODE_BUDGET + 1, exceeded: { limit: 'ANALYSIS_NODE_BUDGET', message: 'Query is too large to analyse: more than 20000 selections and arguments' } });
  });

  test('what an anonymous caller may read: area names and codes, the catalogue, the structures, introspection', () => {
    const area = 'id code name kind level structure validFrom validTo inForce __typename successors { area { code } relation note } predecessors { relation }';
    const open = `{ nation { ${area} provinces { ${area} districts { ${area} communes { ${area} district { code } province { code nation { code } } } } } }
      provinces { code } province(code: "30") { code } districts(provinceCode: "30") { code } district(code: "288") { code } communes(districtCode: "288") { code }
      commune(code: "10525") { code } area(code: "30") { code ... on Province { name } } areaById(id: "VN") { code } searchAreas(text: "Hải") { code }
      areaStructures { structure description validFrom validTo inForce provinces districts communes } today indicatorCatalog { id name nameVi description formula numeratorFigures denominatorFigures }
      __typename __schema { types { name fields { name } } } __type(name: "Nation") { name } }`;
    expect(analyze(open).notForAnonymous).toEqual([]);
    const closed = analyze('{ nation { code stats(period: "2024") { residency { population } } } citizen(id: "030085001234") { fullName } auditLog { at } }').notForAnonymous;
    expect(closed.sort()).toEqual(['AreaStats.residency', 'Citizen.fullName', 'Nation.stats', 'Query.auditLog', 'Query.citizen', 'ResidencyFigures.population', 'AuditRecord.at'].sort());
  });

  test('root fields of mutations are read against the mutation type, and none is for anonymous callers', () => {
    const a = analyze('mutation { deleteIndicator(id: "x") }');
    expect([a.rootFields, a.notForAnonymous]).toEqual([1, ['Mutation.deleteIndicator']]);
    // The schema has no subscriptions: the root field has no parent type.
    expect(analyze('subscription { ticks }').notForAnonymous).toEqual(['?.ticks']);
  });

  test('an inline fragment without a type condition reads its parent type', () => {
    expect(analyze('{ nation { ... { code stats(period: "2024") { period } } } }')).toMatchObject({ notForAnonymous: ['Nation.stats', 'AreaStats.period'], areaPeriods: 1 });
  });

  test('introspection and person-level reads are flagged, only for the operation that runs; personal IDs likewise', () => {
    expect(analyze('{ __type(name: "Citizen") { name } }')).toMatchObject({ introspection: true, personLevel: false });
    expect(analyze('{ __schema { queryType { name } } }')).toMatchObject({ introspection: true });
    expect(analyze('{ nation { code } }')).toMatchObject({ introspection: false, personLevel: false, requestedPersonalIds: [] });
    // Person-level through the parent type (Citizen's fields) and through the field's own type.
    expect(analyze('{ citizen(id: "030085001234") { fullName } }')).toMatchObject({ personLevel: true, requestedPersonalIds: ['030085001234'] });
    const doc = 'query A { today } query B { citizen(id: "030085001234") { fullName } __schema { types { name } } }';
    expect(analyze(doc, {}, 'A')).toMatchObject({ personLevel: false, introspection: false, requestedPersonalIds: [] });
    expect(analyze(doc, {}, 'B')).toMatchObject({ personLevel: true, introspection: true, requestedPersonalIds: ['030085001234'] });
    expect(analyze('{ b: citizen(id: "079199999999") { id } a: citizen(id: "030085001234") { id } }').requestedPersonalIds).toEqual(['030085001234', '079199999999']);
  });

  test('a ranking of an unknown level counts nothing; communes of a province are counted from the reference data', () => {
    const { oldCommunesOfProvince } = require('../helpers/reference') as typeof import('../helpers/reference');
    const count = (query: string) => analyze(query).areaPeriods;
    expect(count('{ ranking(level: NATION, period: "2024") { id } }')).toBe(0);
    expect(count('{ ranking(level: COMMUNE, structure: THREE_TIER, parentCode: "30", period: "2024") { id } }')).toBe(oldCommunesOfProvince('30').length);
    expect(count('query($l: AreaLevel!) { ranking(level: $l, structure: THREE_TIER, parentCode: "30", period: "2024") { id } }')).toBe(0);
  });
});

describe('operation analysis: fragments, introspection and the rest of the document', () => {
  const analyze = (query: string, limits: Partial<AnalysisLimits> = {}, operationName?: string) => analyzeDocument(schema, parse(query), operationName, {}, { ...generous, ...limits });

  test('a fragment adds its cost and area-periods where it is spread, like the same fields written inline', () => {
    const inline = analyze('{ provinces { stats(period: "2024") { period } } }');
    const spread = analyze('{ provinces { ...S } } fragment S on Province { stats(period: "2024") { period } }');
    expect({ cost: spread.cost, areaPeriods: spread.areaPeriods }).toEqual({ cost: inline.cost, areaPeriods: inline.areaPeriods });
    expect(spread.areaPeriods).toBe(63);
  });

  test('unknown and cyclic fragments are left for validation: no error, no count', () => {
    const missing = analyze('{ nation { ...Missing code } }');
    expect([missing.fields, missing.exceeded]).toEqual([2, undefined]);
    const cyclic = analyze('{ nation { ...A } } fragment A on Nation { ...B code } fragment B on Nation { ...A name }');
    expect(cyclic.exceeded).toBeUndefined();
    expect(cyclic.fields).toBe(3);
    expect(analyze('{ nation { ...X } } fragment X on String { code }')).toMatchObject({ fields: 2, notForAnonymous: ['?.code'] });
  });

  test('the walk stops at the first level past the depth limit, without walking deeper', () => {
    const a = analyze('{ nation { provinces { districts { communes { code } } } } }', { MAX_QUERY_DEPTH: 2 });
    expect(a.exceeded?.limit).toBe('MAX_QUERY_DEPTH');
    // nation and provinces visited; districts, at level 3, is not.
    expect(a.nodes).toBe(2);
  });

  test('introspection lists cost like other lists, and its nesting is not the operation\'s depth', () => {
    expect(analyze('{ __schema { types { name } } }')).toMatchObject({ cost: 1 + (1 + 10 * 1), depth: 1 });
    expect(analyze('{ __type(name: "Nation") { fields { name } } }')).toMatchObject({ cost: 1 + (1 + 10 * 1), depth: 1 });
  });

  test('type-system definitions in the document are neither operations nor fragments: left for validation', () => {
    // graphql-js parses them; validation refuses them. The operation is still the only one.
    const a = analyze('{ today } scalar Extra type T { f: Int }');
    expect([a.rootFields, a.cost, a.exceeded]).toEqual([1, 1, undefined]);
  });

  test('when no operation runs (several and none named), nothing is collected from any of them', () => {
    const doc = 'query A { citizen(id: "030085001234") { fullName } } query B { __schema { types { name } } }';
    expect(analyze(doc)).toMatchObject({ personLevel: false, introspection: false, requestedPersonalIds: [], notForAnonymous: [] });
    expect(analyze(doc, { MAX_QUERY_COST: 1 }).exceeded).toBeUndefined();
  });

  test('a `first` that is not a number (an invalid document) counts the typical list size', () => {
    expect(analyze('{ searchAreas(text: "Hải", first: true) { code } }').cost).toBe(1 + 10 * 1);
    expect(analyze('{ searchAreas(text: "Hải", first: "3") { code } }').cost).toBe(1 + 10 * 1);
  });

  test('a repeat inside a fragment is named with the fragment', () => {
    expect(analyze('{ nation { ...F } } fragment F on Nation { code code }', { MAX_FIELD_REPEATS: 1 }).exceeded?.message).toContain('"code" 2 times in one selection set (fragment F)');
  });

  test('only a ranking counts the units of its level: another field with a level argument does not', () => {
    expect(analyze('{ searchAreas(text: "Hải", level: PROVINCE) { code } }').areaPeriods).toBe(0);
    expect(analyze('{ searchAreas(text: "Hải", level: COMMUNE, structure: THREE_TIER) { code } }').areaPeriods).toBe(0);
  });

  test('a ranking with a structure that is none (an invalid document) counts nothing and does not throw', () => {
    expect(analyze('{ ranking(level: PROVINCE, structure: FOO, period: "2024") { id } }')).toMatchObject({ areaPeriods: 0 });
    expect(analyze('{ ranking(level: PROVINCE, structure: FOO, parentCode: "30", period: "2024") { id } }')).toMatchObject({ areaPeriods: 0 });
  });

  test('a nullable list costs like a non-null one', () => {
    expect(analyze('{ citizen(id: "030085001234") { parcels { parcelId } } }').cost).toBe(1 + 1 * (1 + 10 * 1));
  });

  test('person-level through the parent type alone, or through the field\'s type alone', () => {
    expect(analyze('{ ... on Citizen { fullName } }').personLevel).toBe(true);
    expect(analyze('{ citizen(id: "030085001234") }').personLevel).toBe(true);
    expect(analyze('{ citizen(id: "030085001234") { __typename } }').notForAnonymous).toEqual(['Query.citizen']);
  });

  test('an operation named among anonymous ones runs; the others and every fragment, used or not, are walked for the limits and named in refusals', () => {
    expect(analyze('{ today } query B { nation { code } }', {}, 'B')).toMatchObject({ rootFields: 1, depth: 2 });
    expect(analyze('query A { today } query B { nation { code code } }', { MAX_FIELD_REPEATS: 1 }, 'A').exceeded?.message).toContain('"code" 2 times in one selection set (operation B, nation)');
    expect(analyze('query A { today } { nation { code code } }', { MAX_FIELD_REPEATS: 1 }, 'A').exceeded?.message).toContain('"code" 2 times in one selection set (an operation, nation)');
    expect(analyze('{ today } fragment U on Nation { provinces { districts { code } } }', { MAX_QUERY_DEPTH: 2 }).exceeded).toEqual({ limit: 'MAX_QUERY_DEPTH', message: 'Query depth 3 exceeds the limit of 2 (MAX_QUERY_DEPTH)' });
    expect(analyze('{ today } fragment U on Nation { a: code b: code }', { MAX_ALIASES: 1 }).exceeded?.message).toBe('Query uses 2 aliases, more than the limit of 1 (MAX_ALIASES)');
  });
});
