/**
 * The files `npm run new-domain` writes (scripts/new-domain.ts): a domain with one example fact, a
 * case opened on a day in a commune and perhaps closed later, and its figures. Each file says
 * what to change; what the template writes composes, and its test passes, as it is.
 */
export interface DomainNames {
  /** `public-services`: the folder, the subgraph, the import's name. */
  name: string;
  /** `publicServices`: the field on AreaStats. */
  camel: string;
  /** `PublicServices`: the GraphQL type names. */
  pascal: string;
  port: number;
}

export function domainTemplate(n: DomainNames): Record<string, string> {
  const table = `${n.name.replace(/-/g, '_')}_cases`;
  return {
    [`services/${n.name}/facts.ts`]: `/**
 * ${n.pascal} facts, declared once (lib/fact-kit.ts): from these fields follow the fact's type,
 * its table (migration), its rows and its import file's columns (each field's name in snake
 * case, plus commune_code and commune_structure). TEMPLATE: rename the example "case" and its
 * figures to this domain's own.
 */
import { defineFacts, field, type FactOf } from '../../lib/fact-kit';
import { notBefore } from '../../lib/import/columns';

const fields = {
  /** The case's identifier in the source records. */
  caseId: field.text(40),
  /** The day the case was opened. */
  openedOn: field.date(),
  /** The day it was closed; empty while it is open. */
  closedOn: field.optional(field.date()),
};

export type ${n.pascal}Case = FactOf<typeof fields>;

export const ${n.camel}Facts = defineFacts({
  domain: '${n.name}',
  table: '${table}',
  fields,
  id: 'caseId',
  // The day the case's commune applies: a three-tier commune cannot locate a case opened after the reform.
  locatedOn: 'openedOn',
  metrics: ['cases', 'closed_cases'],
  // Cases are not people: no figure is perturbed. A count of people is listed in protectedMetrics.
  placedBy: 'land',
  placementKey: 'caseId',
  figures: (c) => [{ metric: 'cases', date: c.openedOn }, ...(c.closedOn ? [{ metric: 'closed_cases' as const, date: c.closedOn }] : [])],
  checkRow: (row, fail) => notBefore(row, fail, 'closed_on', 'opened_on'),
});
`,
    [`services/${n.name}/module.ts`]: `/** The ${n.name} domain: TEMPLATE, say what its facts are. */
import { databaseSubgraph, type DomainModule } from '../../lib/domain';
import type { Db } from '../../lib/db';
import { createFigureLoader, figuresObject, type AreaStatsRef, type FigureFields } from '../../lib/figures';
import type { Identity } from '../../lib/auth';
import { todayFor } from '../../lib/today';
import { ${n.camel}Facts } from './facts';
import { ${n.camel}Indicators } from './indicators';

type Metric = (typeof ${n.camel}Facts.summary.metrics)[number];

function createContext(db: Db, identity: Identity, today: string) {
  return { identity, figures: createFigureLoader(db, ${n.camel}Facts.summary, { identity, today }) };
}
type Context = ReturnType<typeof createContext>;

/** Each GraphQL figure: a stock (as of the period's last day) or a flow (during the period) of a metric. */
export const FIGURES: FigureFields<Metric> = {
  cases: ['stock', 'cases'],
  casesOpened: ['flow', 'cases'],
  closedCases: ['stock', 'closed_cases'],
  casesClosed: ['flow', 'closed_cases'],
};

const resolvers = {
  AreaStats: {
    __resolveReference: (ref: AreaStatsRef) => ref,
    ${n.camel}: async (ref: AreaStatsRef, _: unknown, ctx: Context) => figuresObject(await ctx.figures.load(ref), FIGURES),
  },
};

export const ${n.camel}Module: DomainModule = {
  name: '${n.name}',
  port: ${n.port},
  migrations: ${n.camel}Facts.migrations,
  imports: ${n.camel}Facts.imports,
  indicators: ${n.camel}Indicators,
  figures: { field: '${n.camel}', summary: ${n.camel}Facts.summary, fields: FIGURES },
  createSubgraph: ({ db, config }) => databaseSubgraph('${n.name}', db!, resolvers, (identity) => createContext(db!, identity, todayFor(config))),
};
`,
    [`services/${n.name}/indicators.ts`]: `/**
 * The indicators the ${n.name} domain contributes to the catalogue (lib/indicators.ts): each is
 * factor × numerator / denominator over figure paths of AreaStats (\`${n.camel}.closedCases\`). One
 * reading another domain's figures (a denominator of \`residency.population\`) lives here too, in
 * its numerator's domain, and lists both in \`sourceDomains\`. \`npm run generate\` adds each to
 * \`AreaStats.indicators\` in the indicators subgraph's SDL. TEMPLATE: the example's to be renamed.
 */
import type { IndicatorDefinition } from '../../lib/indicators';

export const ${n.camel}Indicators: readonly IndicatorDefinition[] = [
  {
    id: '${n.camel}ClosedShare',
    name: 'Share of ${n.name} cases closed',
    nameVi: 'TEMPLATE: tên tiếng Việt',
    description: 'Share of the cases opened so far that have been closed, as of the period\\'s last day (stock over stock).',
    numerator: '${n.camel}.closedCases',
    denominator: '${n.camel}.cases',
    factor: 1,
    unit: 'fraction',
    sourceDomains: ['${n.name}'],
  },
];
`,
    [`services/${n.name}/index.ts`]: `/** Runs the ${n.name} subgraph alone. */
import { runService } from '../../lib/service-runtime';
import { ${n.camel}Module } from './module';

void runService(${n.camel}Module);
`,
    [`services/${n.name}/schema.graphql`]: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

# ${n.pascal}: TEMPLATE, say what this domain's facts are and where they come from. Its own
# lookups go in a \`type Query\`; a type holding person-level data is marked @personLevel
# (see services/land/schema.graphql for the directive's declaration).

"One administrative unit in one period (see the geography subgraph); ${n.name} adds its figures."
type AreaStats @key(fields: "areaId period") {
  "Id of the unit (see the geography subgraph's \`Area.id\`)."
  areaId: String!
  "The period in canonical form."
  period: String!
  "${n.pascal} figures of every commune in the unit, for the period. Null only when the ${n.name} subgraph cannot answer (an error names it)."
  ${n.camel}: ${n.pascal}Figures
}

"${n.pascal} figures of one unit in one period. Unit: cases. A figure is null only where it is not yet known (a period after \`deliveredThrough\`)."
type ${n.pascal}Figures {
  "Stock, as of the period's last day: cases opened so far. Cases."
  cases: Int
  "Flow, during the period: cases opened. Cases."
  casesOpened: Int
  "Stock, as of the period's last day: cases closed so far. Cases."
  closedCases: Int
  "Flow, during the period: cases closed. Cases."
  casesClosed: Int
  "False while the figures are not final: the period has not ended, or the unit's data has been delivered only up to a day before the period's end."
  complete: Boolean!
  "The day these figures stand at, \`YYYY-MM-DD\`: the earliest of the period's last day, today and \`deliveredThrough\`."
  figuresAsOf: String!
  "The day up to which this domain's data for the unit has been delivered, \`YYYY-MM-DD\`; null when none has been."
  deliveredThrough: String
  "True when some facts counted here were placed in the unit by rule, where the crosswalk between the two structures leaves it open: the figures are then estimates (README, \\"Two structures\\")."
  estimated: Boolean!
  "True when this object's counts of people are protected for the caller (README, \\"Disclosure control\\"); false for figures that count no people."
  protected: Boolean!
}
`,
    [`services/${n.name}/${n.name}.test.ts`]: `/**
 * The ${n.name} domain end to end: an import file of cases in three communes of Hải Dương, then
 * the figures through the gateway, expected values counted from the file's rows here; a row
 * closed before it was opened is refused, naming its line and column. TEMPLATE: keep this shape
 * for the domain's own facts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { areasOfLevel, getArea } from '../../lib/areas';
import { importFile } from '../../lib/import/engine';
import { importDefinition } from '../registry';
import { parsePeriod } from '../../lib/periods';
import { startGraph, testDatabases, type RunningGraph } from '../../test/helpers/graph';

// Three communes of old province 30 (commune → district → province).
const communes = areasOfLevel('COMMUNE', 'THREE_TIER').filter((c) => getArea(getArea(c.parentId!)!.parentId!)!.code === '30').slice(0, 3);
const rows = Array.from({ length: 30 }, (_, i) => ({
  case_id: \`C\${String(i).padStart(4, '0')}\`,
  opened_on: \`2024-\${String(1 + (i % 12)).padStart(2, '0')}-\${String(1 + (i % 27)).padStart(2, '0')}\`,
  closed_on: i % 3 === 0 ? null : \`2025-\${String(1 + (i % 6)).padStart(2, '0')}-10\`,
  commune_code: communes[i % 3].code,
  commune_structure: 'THREE_TIER',
}));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-${n.name}-'));
const csv = (file: string, lines: Array<Record<string, string | null>>) =>
  fs.writeFileSync(path.join(dir, file), ['case_id,opened_on,closed_on,commune_code,commune_structure', ...lines.map((r) => [r.case_id, r.opened_on, r.closed_on ?? '', r.commune_code, r.commune_structure].join(','))].join('\\n'));

/** The figures, counted from the rows. */
function expected(period: string, communeCode?: string) {
  const { start, end } = parsePeriod(period);
  const mine = rows.filter((r) => !communeCode || r.commune_code === communeCode);
  const on = (d: string | null) => d !== null && d <= end;
  const during = (d: string | null) => d !== null && d >= start && d <= end;
  return {
    cases: mine.filter((r) => on(r.opened_on)).length,
    casesOpened: mine.filter((r) => during(r.opened_on)).length,
    closedCases: mine.filter((r) => on(r.closed_on)).length,
    casesClosed: mine.filter((r) => during(r.closed_on)).length,
  };
}

describe.each(testDatabases())('${n.name} on $label', (database) => {
  let graph: RunningGraph;
  const config = database.config('${n.name}');
  beforeAll(async () => {
    graph = await startGraph(config);
    csv('cases.csv', rows);
    const summary = await importFile({ config, definition: importDefinition('${n.name}'), file: path.join(dir, 'cases.csv') });
    expect(summary.inserted).toBe(rows.length);
    await graph.dataChanged('${n.name}');
  });
  afterAll(() => graph?.stop());

  test.each(['2024', '2024-06', '2025-Q1'])('Hải Dương (old province 30) and its first communes in %s', async (period) => {
    const res = await graph.queryGateway(
      \`query($p: String!) { province(code: "30", structure: THREE_TIER) { stats(period: $p) { ${n.camel} { cases casesOpened closedCases casesClosed } indicators { ${n.camel}ClosedShare } } } }\`,
      { p: period },
    );
    expect(res.errors).toBeUndefined();
    const province = expected(period);
    expect(res.data.province.stats.${n.camel}).toEqual(province);
    // The domain's own indicator (indicators.ts), computed by the indicators subgraph from these figures.
    expect(res.data.province.stats.indicators.${n.camel}ClosedShare).toBe(province.cases ? province.closedCases / province.cases : null);
    for (const c of communes) {
      const one = await graph.queryGateway(\`query($c: String!, $p: String!) { commune(code: $c, structure: THREE_TIER) { stats(period: $p) { ${n.camel} { cases casesOpened closedCases casesClosed } } } }\`, { c: c.code, p: period });
      expect(one.errors).toBeUndefined();
      expect([c.code, one.data.commune.stats.${n.camel}]).toEqual([c.code, expected(period, c.code)]);
    }
  });

  test('a case closed before it was opened is refused, naming the line and the column', async () => {
    csv('bad.csv', [{ ...rows[0], case_id: 'BAD1', opened_on: '2024-05-02', closed_on: '2024-05-01' }]);
    await expect(importFile({ config, definition: importDefinition('${n.name}'), file: path.join(dir, 'bad.csv') })).rejects.toMatchObject({
      message: expect.stringMatching(/line 2.*closed_on.*is before opened_on 2024-05-02/s),
    });
  });
});
`,
  };
}
