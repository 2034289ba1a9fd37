/**
 * An answer as one table: the rule behind the gateway's CSV and XLSX answers (README, "CSV and
 * Excel").
 *
 * - **Columns**: one per leaf field path of the operation, in the order of its selection
 *   (`province.districts.stats.residency.population`; aliases are used where given). They come
 *   from the operation and the schema, not from the data, so every answer of an operation has
 *   the same columns, even when a list is empty or an object null. Fields that `@skip` or
 *   `@include` leave out are not columns; fragments add their fields where they are spread.
 * - **Rows**: one per item of the innermost lists, with the fields of every object above it
 *   (its parents' scalars) repeated on each row: provinces → districts → stats gives one row
 *   per district, the province's name on each. A field with one value where it stands (no
 *   list between it and its object) is repeated on every row of that object, including the
 *   rows of a sibling's list. A list that is empty or null still leaves its parent one row,
 *   with its own columns empty; an answer without lists is one row.
 * - **Two lists side by side** (siblings under one object, e.g. `searchAreas` and
 *   `indicatorCatalog`): their rows come one list after the other, each filling its own
 *   columns, never a cross product; the fields of the objects above are repeated on all of them.
 * - **A list of scalars** (`suppressedFields`) is one cell, its items joined by `; `.
 * - **Null** (a suppressed figure, a missing object) is an empty cell.
 */
import {
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getDirectiveValues,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type DocumentNode,
  type FieldNode,
  type FragmentSpreadNode,
  type InlineFragmentNode,
} from 'graphql';

/** A field of the answer's tree: a leaf (one column) or an object with fields of its own. */
export interface TableNode {
  /** The field's response key (its alias, else its name). */
  key: string;
  /** A scalar or enum, or a list of them: one column. */
  leaf: boolean;
  /** The field's type has a list in it: its value is a list (of lists...) of items. */
  list: boolean;
  children: TableNode[];
  /** This field, or one below it, is a list of objects: it can give several rows (or none). */
  repeats: boolean;
  /** The columns of this subtree: [first, end). A leaf's own column is `first`. */
  first: number;
  end: number;
}

export interface TableShape {
  root: TableNode;
  /** Column headers: the leaf field paths, dot-separated. */
  columns: string[];
}

/** The table an operation's answers are flattened into, read from the operation and the schema. */
export function tableShape(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}): TableShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) throw new Error(`The schema has no ${operation.operation} type`);
  const root = newNode('', false, false);

  const included = (node: FieldNode | FragmentSpreadNode | InlineFragmentNode) => {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  };

  const collect = (selectionSet: SelectionSetNode, parentType: GraphQLNamedType, into: TableNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const def = fieldDefinition(parentType, selection.name.value, parentType === rootType);
        if (!def) continue; // Validation has refused the operation already; nothing to lay out.
        const key = selection.alias?.value ?? selection.name.value;
        const named = getNamedType(def.type);
        let child = into.children.find((c) => c.key === key);
        if (!child) {
          child = newNode(key, isLeafType(named), hasList(def.type));
          into.children.push(child);
        }
        if (selection.selectionSet && !child.leaf) collect(selection.selectionSet, named, child, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        if (type) collect(selection.selectionSet, type, into, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A fragment spread inside itself is refused by validation; `seen` only guards the walk.
        if (!fragment || seen.has(name)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type) collect(fragment.selectionSet, type, into, new Set([...seen, name]));
      }
    }
  };
  collect(operation.selectionSet, rootType, root, new Set());

  const columns: string[] = [];
  const number = (node: TableNode, path: string[]) => {
    node.first = columns.length;
    if (node.leaf) columns.push(path.join('.'));
    for (const child of node.children) number(child, [...path, child.key]);
    node.end = columns.length;
    node.repeats = (node.list && !node.leaf) || node.children.some((c) => c.repeats);
  };
  number(root, []);
  return { root, columns };
}

function newNode(key: string, leaf: boolean, list: boolean): TableNode {
  return { key, leaf, list, children: [], repeats: false, first: 0, end: 0 };
}

function fieldDefinition(parentType: GraphQLNamedType, name: string, isRoot: boolean): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (isRoot && name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
  if (isRoot && name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  return 'getFields' in parentType ? (parentType.getFields() as Record<string, GraphQLField<unknown, unknown>>)[name] : undefined;
}

function hasList(type: GraphQLType): boolean {
  return isListType(getNullableType(type));
}

/** A value that may be a list of lists, as the flat list of its items. */
function* itemsOf(value: unknown): Generator<unknown> {
  if (!Array.isArray(value)) {
    yield value;
    return;
  }
  for (const item of value) yield* itemsOf(item);
}

/** A leaf's cell: the value, or a list of scalars joined by `; `; null for nothing. */
function leafCell(node: TableNode, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (!node.list) return value;
  return [...itemsOf(value)].map((v) => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))).join('; ');
}

/**
 * The rows of an answer's `data`, each an array of cells in the order of `shape.columns`
 * (values as the JSON answer has them: numbers, strings, booleans, null). A generator, so that
 * a large answer is written out as its rows are made.
 */
export function* tableRows(shape: TableShape, data: Record<string, unknown>): Generator<unknown[]> {
  const row: unknown[] = new Array(shape.columns.length).fill(null);
  yield* objectRows(shape.root, data, row);
}

/** Writes the cells of the fields that give one row (no list of objects below them). */
function fill(node: TableNode, value: unknown, row: unknown[]): void {
  if (node.leaf) {
    row[node.first] = leafCell(node, value);
    return;
  }
  const object = value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  for (const child of node.children) fill(child, object?.[child.key], row);
}

function clear(node: TableNode, row: unknown[]): void {
  row.fill(null, node.first, node.end);
}

function* objectRows(node: TableNode, object: Record<string, unknown>, row: unknown[]): Generator<unknown[]> {
  for (const child of node.children) if (!child.repeats) fill(child, object[child.key], row);
  let produced = false;
  for (const child of node.children) {
    if (!child.repeats) continue;
    const value = object[child.key];
    if (value === null || value === undefined) continue;
    for (const item of child.list ? itemsOf(value) : [value]) {
      if (!item || typeof item !== 'object') continue;
      for (const r of objectRows(child, item as Record<string, unknown>, row)) {
        produced = true;
        yield r;
      }
      clear(child, row);
    }
  }
  if (!produced) yield row.slice();
}
