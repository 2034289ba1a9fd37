/**
 * The demo's tasks tell the story the reports published (../shared/DOMAIN.md), read through the
 * gateway as an analyst would: Hải Dương (old province 30) had 55 tasks in 2023, 6 not started on
 * 4 May 2023; Thanh Hóa (old 38) had done 10 of its 13 task groups in June 2022, its police 7 of
 * 11 essential services. Figures published before the reform are read in the three-tier
 * structure. Only this domain is seeded: its tasks are generated from the areas alone
 * (demo.ts), the same at every scale, so a small scale gives the figures `npm start` gives.
 * SQLite only: this checks the data, not the database.
 */
import { areaByCode, areasOfLevel, getArea, oldProvincesOf, provinceOf } from '../../lib/areas';
import { loadConfig } from '../../lib/config';
import { startGraph, testDatabases, type RunningGraph } from '../../test/helpers/graph';
import { allDemoTasks, demoTasksOf, HAI_DUONG, THANH_HOA } from './demo';
import { expected, SELECTION, type Row } from './expected';
import { projectTaskFacts } from './facts';
import { projectTasksModule } from './module';

let graph: RunningGraph;
const rows = allDemoTasks().map((t) => projectTaskFacts.spec.toRow(t) as unknown as Row);

beforeAll(async () => {
  const config = testDatabases()[0].config('project-tasks-calibration');
  graph = await startGraph(config, async (dbs) => {
    const written = await projectTasksModule.demo!.seed(dbs['project-tasks'], { seed: loadConfig({}).DEMO_SEED, scale: 0.02 });
    expect(written).toBe(rows.length);
  });
}, 300_000);
afterAll(() => graph?.stop());

async function figures(code: string, structure: 'THREE_TIER' | 'TWO_TIER', period: string) {
  const res = await graph.queryGateway(`query($c: String!, $p: String!) { province(code: $c, structure: ${structure}) { stats(period: $p) { ${SELECTION} } } }`, { c: code, p: period });
  expect(res.errors).toBeUndefined();
  return res.data.province.stats.projectTasks;
}

/** The demo's rows in a province of either structure (a new province is a union of whole old ones). */
function rowsIn(code: string, structure: 'THREE_TIER' | 'TWO_TIER'): Row[] {
  const olds = structure === 'THREE_TIER' ? [code] : oldProvincesOf(areaByCode(code, 'TWO_TIER')!).map((id) => getArea(id)!.code);
  return rows.filter((r) => {
    const province = provinceOf(areaByCode(r.commune_code, r.commune_structure as 'THREE_TIER' | 'TWO_TIER')!)!.code;
    return r.commune_structure === 'THREE_TIER' ? olds.includes(province) : structure === 'TWO_TIER' && province === code;
  });
}

test('every demo task is handed out with one old commune of the demo world', () => {
  const handed = new Set<string>();
  for (const commune of areasOfLevel('COMMUNE', 'THREE_TIER')) for (const t of demoTasksOf({ commune })) handed.add(t.taskId);
  expect(handed.size).toBe(rows.length);
});

test('Hải Dương, 2023: 55 tasks, 6 of them not started on 4 May 2023 (exact)', async () => {
  const year = await figures(HAI_DUONG.province, 'THREE_TIER', '2023');
  expect(year.tasksAssigned).toBe(55);
  const may4 = await figures(HAI_DUONG.province, 'THREE_TIER', '2023-05-04');
  expect([may4.tasks, may4.notStarted]).toEqual([55, 6]);
  expect(may4).toEqual(expected(rowsIn('30', 'THREE_TIER'), '2023-05-04'));
});

test('Thanh Hóa, June 2022: 10 of 13 task groups done; the police 7 of 11 essential services (exact)', async () => {
  const june = await figures(THANH_HOA.province, 'THREE_TIER', '2022-06');
  expect([june.taskGroupsDone, june.taskGroupsWithTasks]).toEqual([10, 13]);
  const police = june.taskGroups.find((g: { group: string }) => g.group === 'POLICE_ESSENTIAL_SERVICES');
  expect([police.tasks, police.done]).toEqual([11, 7]);
  expect(june).toEqual(expected(rowsIn('38', 'THREE_TIER'), '2022-06'));
});

test('the Done-when queries: old province 30 in 2023-04 and new province 31 in 2026-10, figures and indicators', async () => {
  for (const [code, structure, period] of [['30', 'THREE_TIER', '2023-04'], ['31', 'TWO_TIER', '2026-10']] as const) {
    const res = await graph.queryGateway(`{ province(code: "${code}", structure: ${structure}) { stats(period: "${period}") { projectTasks { tasks done overdue } indicators { completionRate overdueShare } } } }`);
    expect(res.errors).toBeUndefined();
    const want = expected(rowsIn(code, structure), period);
    expect(res.data.province.stats).toEqual({
      projectTasks: { tasks: want.tasks, done: want.done, overdue: want.overdue },
      indicators: { completionRate: want.done / want.tasks, overdueShare: want.overdue / want.tasks },
    });
  }
});

test.each([
  ['30', 'THREE_TIER', '2023-04'],
  ['31', 'TWO_TIER', '2026-10'],
  ['31', 'TWO_TIER', '2023-04'],
  ['38', 'TWO_TIER', '2025-12'],
] as const)('province %s (%s) in %s: the figures counted from the demo rows', async (code, structure, period) => {
  const got = await figures(code, structure, period);
  expect(got.tasks).toBeGreaterThan(0);
  expect(got).toEqual(expected(rowsIn(code, structure), period));
});
