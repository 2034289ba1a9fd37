/**
 * Relative periods through the gateway: `LAST_MONTH`, `LAST_12_MONTHS` and the like resolved
 * against the graph's today (TODAY = 2026-11-29 in the tests), the resolved labels in the answer
 * and the figures those periods' rows give, counted from the fixture.
 */
import { upsertFacts } from '../../lib/fact-store';
import { citizenFacts } from '../../services/residency/facts';
import { requestFacts } from '../../services/justice-records/facts';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';
import { countJustice, countResidency, makeFixture, TEST_TODAY, type AreaName } from '../helpers/fixture';

const fixture = makeFixture();
const HAI_PHONG: AreaName = { structure: 'TWO_TIER', code: '31' };

// Written out by hand for TEST_TODAY, 2026-11-29 (a Sunday in the fourth quarter).
const LAST_12_MONTHS = ['2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];
const monthEnd = (label: string) => new Date(Date.UTC(Number(label.slice(0, 4)), Number(label.slice(5, 7)), 0)).toISOString().slice(0, 10);

describe.each(testDatabases())('relative periods on $label', (database) => {
  let graph: RunningGraph;

  beforeAll(async () => {
    expect(TEST_TODAY).toBe('2026-11-29');
    graph = await startGraph(database.config('relper'), async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      await dbs['justice-records'].transaction((trx) => upsertFacts(trx, requestFacts, fixture.requests));
    });
  });
  afterAll(() => graph?.stop());

  test('a relative period of one period, wherever a period is asked for, answers with its label and its figures', async () => {
    const res = await graph.queryGateway(`{
      lastMonth: stats(areaCode: "31", period: "LAST_MONTH") { period periodStart periodEnd complete residency { population eidLevel2 } }
      thisQuarter: province(code: "31") { stats(period: "THIS_QUARTER") { period complete justiceRecords { requests requestsViaVneid } } }
      lastYear: province(code: "31") { stats(period: "LAST_YEAR") { period justiceRecords { requests } } }
      thisYear: area(code: "31") { stats(period: "THIS_YEAR") { period figuresAsOf } }
    }`);
    expect(res.errors).toBeUndefined();
    const r = countResidency(fixture, HAI_PHONG, '2026-10-01', '2026-10-31');
    expect(r.population).toBeGreaterThan(0);
    expect(res.data.lastMonth).toEqual({ period: '2026-10', periodStart: '2026-10-01', periodEnd: '2026-10-31', complete: true, residency: { population: r.population, eidLevel2: r.eidLevel2 } });
    const q = countJustice(fixture, HAI_PHONG, '2026-10-01', '2026-12-31');
    expect(res.data.thisQuarter.stats).toEqual({ period: '2026-Q4', complete: false, justiceRecords: { requests: q.requests, requestsViaVneid: q.requestsViaVneid } });
    expect(res.data.lastYear.stats).toEqual({ period: '2025', justiceRecords: { requests: countJustice(fixture, HAI_PHONG, '2025-01-01', '2025-12-31').requests } });
    expect(res.data.thisYear.stats).toEqual({ period: '2026', figuresAsOf: TEST_TODAY });
  });

  test('a series over LAST_12_MONTHS is the 12 whole months before this one, each with its own figures', async () => {
    const res = await graph.queryGateway(`{ province(code: "31") { series(range: LAST_12_MONTHS) { period residency { population newRegistrations } justiceRecords { requests } } } }`);
    expect(res.errors).toBeUndefined();
    const series = res.data.province.series;
    expect(series.map((s: any) => s.period)).toEqual(LAST_12_MONTHS);
    for (const s of series) {
      const start = `${s.period}-01`;
      const end = monthEnd(s.period);
      const r = countResidency(fixture, HAI_PHONG, start, end);
      expect(s).toEqual({ period: s.period, residency: { population: r.population, newRegistrations: r.newRegistrations }, justiceRecords: { requests: countJustice(fixture, HAI_PHONG, start, end).requests } });
    }
    // Not the same figure twelve times: the months differ.
    expect(new Set(series.map((s: any) => s.residency.population)).size).toBeGreaterThan(1);
  });

  test('LAST_4_QUARTERS, THIS_YEAR by month, and relative ends of a series', async () => {
    const res = await graph.queryGateway(`{ nation {
      quarters: series(range: LAST_4_QUARTERS) { period }
      months: series(range: THIS_YEAR, every: MONTH) { period complete }
      span: series(from: "LAST_YEAR", to: "THIS_MONTH", every: QUARTER) { period }
    } }`);
    expect(res.errors).toBeUndefined();
    const n = res.data.nation;
    expect(n.quarters.map((s: any) => s.period)).toEqual(['2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3']);
    expect(n.months.map((s: any) => s.period)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
    expect(n.months.map((s: any) => s.complete)).toEqual([...Array(10).fill(true), false]);
    expect(n.span.map((s: any) => s.period)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
  });

  test('a relative period of several periods as one period, or a range with from, is a BAD_USER_INPUT naming it', async () => {
    const one = await graph.queryGateway(`{ stats(areaCode: "31", period: "LAST_12_MONTHS") { period } }`);
    expect(one.errors?.[0]).toMatchObject({ message: expect.stringContaining('Invalid period "LAST_12_MONTHS": it names 12 periods (2025-11 to 2026-10 today)'), extensions: { code: 'BAD_USER_INPUT' } });
    const both = await graph.queryGateway(`{ nation { series(range: LAST_MONTH, from: "2024") { period } } }`);
    expect(both.errors?.[0]).toMatchObject({ message: 'Give either range or from and to, not both', extensions: { code: 'BAD_USER_INPUT' } });
  });

  test('the answer follows the date: the cached answer of one day is not served the next month', async () => {
    const query = `{ stats(areaCode: "31", period: "LAST_MONTH") { period residency { population } } }`;
    const before = await graph.queryGateway(query);
    expect(before.data.stats.period).toBe('2026-10');
    const saved = process.env.TODAY;
    process.env.TODAY = '2026-12-02';
    try {
      const after = await graph.queryGateway(query);
      expect(after.errors).toBeUndefined();
      expect(after.data.stats).toEqual({ period: '2026-11', residency: { population: countResidency(fixture, HAI_PHONG, '2026-11-01', '2026-11-30').population } });
    } finally {
      process.env.TODAY = saved;
    }
    expect((await graph.queryGateway(query)).data.stats.period).toBe('2026-10');
  });
});
