/**
 * The parts of this subgraph's SDL that follow from the other domains (`npm run generate` writes
 * them between markers, `npm test` checks them):
 * - `AreaStats`'s figures objects, `@external`, and their types, copied from each domain's SDL
 *   (figures.ts) with their descriptions;
 * - the `@requires` selections: the catalogue's figures for `indicators`, every figure for
 *   `indicator`, `customIndicator` and `Ranking.entries` (their formulas may name any);
 * - the fields of `Indicators`: one per indicator of the catalogue (services/registry.ts
 *   `INDICATOR_CATALOG`), described by its definition.
 */
import { print, type FieldDefinitionNode, type ObjectTypeDefinitionNode, type StringValueNode } from 'graphql';
import type { IndicatorDefinition } from '../../lib/indicators';
import { FIGURE_FLAGS, type FigureObject } from './figures';

export interface SdlRegion {
  /** Named in the region's markers. */
  name: string;
  /** Indentation of the marker lines, `#` included. */
  comment: string;
  text: string;
}

const external = { kind: 'Directive', name: { kind: 'Name', value: 'external' }, arguments: [] } as const;

/** A description on one line when it fits on one (the domain's schema as built gives block strings). */
const compact = (d: StringValueNode | undefined): StringValueNode | undefined => d && { ...d, block: d.value.includes('\n') };

/** A domain's field as an `@external` copy: its description and type, no arguments or directives of its own. */
function externalField(node: FieldDefinitionNode): FieldDefinitionNode {
  return { ...node, description: compact(node.description), arguments: [], directives: [external as never] };
}

const indent = (text: string, by: string) => text.split('\n').map((l) => (l ? by + l : l)).join('\n');

function figureTypes(objects: readonly FigureObject[]): string {
  return objects
    .map((o) => {
      const node = o.type.astNode as ObjectTypeDefinitionNode;
      const wanted = new Set([...o.figures.map((f) => f.name), ...FIGURE_FLAGS]);
      const fields = (node.fields ?? []).filter((f) => wanted.has(f.name.value));
      // Figures first, in the domain's order, then the flags in FIGURE_FLAGS order.
      const rank = (f: FieldDefinitionNode) => FIGURE_FLAGS.indexOf(f.name.value as never);
      fields.sort((a, b) => rank(a) - rank(b));
      return print({ ...node, description: compact(node.description), directives: [], interfaces: [], fields: fields.map(externalField) });
    })
    .join('\n\n');
}

function areaStatsFields(objects: readonly FigureObject[]): string {
  return objects.map((o) => indent(print(externalField(o.areaStatsField.astNode as FieldDefinitionNode)), '  ')).join('\n');
}

/** A selection of figures by object: `residency { population chipIdCards estimated complete }`, one line each. */
function selection(objects: readonly FigureObject[], names: (o: FigureObject) => readonly string[], flags: readonly string[]): string[] {
  return objects.map((o) => ({ o, names: names(o) })).filter((x) => x.names.length).map(({ o, names }) => `${o.field} { ${[...names, ...flags].join(' ')} }`);
}

function requires(lines: string[], by: string): string {
  return [`${by}@requires(`, `${by}  fields: """`, ...lines.map((l) => `${by}  ${l}`), `${by}  """`, `${by})`].join('\n');
}

/** `1 × a / b` as the catalogue writes it: `a / b` for a factor of 1. */
const formulaOf = (d: IndicatorDefinition) => `${d.factor === 1 ? '' : `${d.factor} × `}${d.numerator} / ${d.denominator}`;

function indicatorFields(catalogue: readonly IndicatorDefinition[]): string {
  return catalogue
    .map((d) => {
      const description: StringValueNode = { kind: 'StringValue' as never, value: `${d.name}. ${d.description} Formula: ${formulaOf(d)}; unit: ${d.unit}.`, block: false };
      return indent(print({ kind: 'FieldDefinition', description, name: { kind: 'Name', value: d.id }, arguments: [], type: { kind: 'NamedType', name: { kind: 'Name', value: 'Float' } }, directives: [] } as never), '  ');
    })
    .join('\n');
}

/** Every generated region of this subgraph's SDL. */
export function indicatorsSdlRegions(objects: readonly FigureObject[], catalogue: readonly IndicatorDefinition[]): SdlRegion[] {
  // The catalogue's figures of an object: its denominators, then its numerators (the order the
  // selection had when it was written by hand, kept so that the supergraph did not change).
  const used = (o: FigureObject) => [...new Set([...catalogue.map((d) => d.denominator), ...catalogue.map((d) => d.numerator)].filter((p) => p.split('.')[0] === o.field).map((p) => p.split('.')[1]))];
  const unknown = catalogue.flatMap((d) => [d.numerator, d.denominator]).filter((p) => !objects.some((o) => o.field === p.split('.')[0] && o.figures.some((f) => f.name === p.split('.')[1])));
  if (unknown.length) throw new Error(`Indicators read figures no domain's SDL declares: ${[...new Set(unknown)].join(', ')}`);
  const all = selection(objects, (o) => o.figures.map((f) => f.name), FIGURE_FLAGS);
  return [
    { name: 'figures objects', comment: '  #', text: areaStatsFields(objects) },
    { name: 'AreaStats.indicators', comment: '    #', text: requires(selection(objects, used, ['estimated', 'complete']), '    ') },
    { name: 'AreaStats.indicator', comment: '    #', text: requires(all, '    ') },
    { name: 'AreaStats.customIndicator', comment: '    #', text: requires(all, '    ') },
    { name: 'Ranking.entries', comment: '    #', text: requires(['units { areaId period', ...all.map((l) => `  ${l}`), '}'], '    ') },
    { name: 'figure types', comment: '#', text: figureTypes(objects) },
    { name: 'Indicators', comment: '  #', text: indicatorFields(catalogue) },
  ];
}
