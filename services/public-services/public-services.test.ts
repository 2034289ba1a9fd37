/**
 * The public-services domain end to end: an import file of cases in three communes of Hải Dương, then
 * the figures through the gateway, expected values counted from the file's rows here; a row
 * closed before it was opened is refused, naming its line and column. TEMPLATE: keep this shape
 * for the domain's own facts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { areasOfLevel, getArea } from '../../lib/areas';
import { importFile } from '../../lib/import/engine';
import { parsePeriod } from '../../lib/periods';
import { startGraph, testDatabases, type RunningGraph } from '../../test/helpers/graph';

// Three communes of old province 30 (commune → district → province).
const communes = areasOfLevel('COMMUNE', 'THREE_TIER').filter((c) => getArea(getArea(c.parentId!)!.parentId!)!.code === '30').slice(0, 3);
const rows = Array.from({ length: 30 }, (_, i) => ({
  case_id: `C${String(i).padStart(4, '0')}`,
  opened_on: `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}`,
  closed_on: i % 3 === 0 ? null : `2025-${String(1 + (i % 6)).padStart(2, '0')}-10`,
  commune_code: communes[i % 3].code,
  commune_structure: 'THREE_TIER',
}));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-public-services-'));
const csv = (file: string, lines: Array<Record<string, string | null>>) =>
  fs.writeFileSync(path.join(dir, file), ['case_id,opened_on,closed_on,commune_code,commune_structure', ...lines.map((r) => [r.case_id, r.opened_on, r.closed_on ?? '', r.commune_code, r.commune_structure].join(','))].join('\n'));

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

describe.each(testDatabases())('public-services on $label', (database) => {
  let graph: RunningGraph;
  const config = database.config('public-services');
  beforeAll(async () => {
    graph = await startGraph(config);
    csv('cases.csv', rows);
    const summary = await importFile({ config, domain: 'public-services', file: path.join(dir, 'cases.csv') });
    expect(summary.inserted).toBe(rows.length);
    await graph.dataChanged('public-services');
  });
  afterAll(() => graph?.stop());

  test.each(['2024', '2024-06', '2025-Q1'])('Hải Dương (old province 30) and its first communes in %s', async (period) => {
    const res = await graph.queryGateway(
      `query($p: String!) { province(code: "30", structure: THREE_TIER) { stats(period: $p) { publicServices { cases casesOpened closedCases casesClosed } } } }`,
      { p: period },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.province.stats.publicServices).toEqual(expected(period));
    for (const c of communes) {
      const one = await graph.queryGateway(`query($c: String!, $p: String!) { commune(code: $c, structure: THREE_TIER) { stats(period: $p) { publicServices { cases casesOpened closedCases casesClosed } } } }`, { c: c.code, p: period });
      expect(one.errors).toBeUndefined();
      expect([c.code, one.data.commune.stats.publicServices]).toEqual([c.code, expected(period, c.code)]);
    }
  });

  test('a case closed before it was opened is refused, naming the line and the column', async () => {
    csv('bad.csv', [{ ...rows[0], case_id: 'BAD1', opened_on: '2024-05-02', closed_on: '2024-05-01' }]);
    await expect(importFile({ config, domain: 'public-services', file: path.join(dir, 'bad.csv') })).rejects.toMatchObject({
      message: expect.stringMatching(/line 2.*closed_on.*is before opened_on 2024-05-02/s),
    });
  });
});
