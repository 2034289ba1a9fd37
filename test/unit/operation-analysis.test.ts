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
