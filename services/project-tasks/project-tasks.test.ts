/**
 * The project-tasks domain end to end, on SQLite and (with MYSQL_URL) MariaDB: an import file of
 * tasks in three communes of old Hải Dương (province 30) and two communes of new Hải Phòng
 * (province 31, which took Hải Dương in on 1 July 2025), then the figures through the gateway,
 * in both structures. The expected values are counted here from the file's rows by each task's
 * status on the day (not through the figures' deltas); a bad file is refused line by line and
 * column by column and leaves the table and the figures as they were.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { areaByCode, communesIn, linkedAreas } from '../../lib/areas';
import { importFile } from '../../lib/import/engine';
import { importDefinition } from '../registry';
import { startGraph, testDatabases, type RunningGraph } from '../../test/helpers/graph';
import { TASK_GROUP_CODES } from './groups';
import { expected, SELECTION, type Row } from './expected';

// Three communes of old province 30 that passed whole into one new commune, and two new communes of province 31.
const old30 = communesIn(areaByCode('30', 'THREE_TIER')!, 'THREE_TIER').filter((c) => linkedAreas(c, 'successors').length === 1).slice(0, 3);
const new31 = communesIn(areaByCode('31', 'TWO_TIER')!, 'TWO_TIER').slice(0, 2);

const COLUMNS = ['task_id', 'title', 'task_group', 'level', 'agency', 'assigned_on', 'deadline', 'started_on', 'done_on', 'commune_code', 'commune_structure'] as const;

// [assigned, deadline, started, done]: every status, on time and late, a task done without a start,
// one done the day after its deadline, tasks carried over a new year, a deadline still to come.
const SCHEDULES: Array<[string, string, string | null, string | null]> = [
  ['2022-03-01', '2022-06-30', '2022-03-10', '2022-06-30'],
  ['2022-03-01', '2022-12-31', '2022-04-01', '2023-02-15'],
  ['2022-03-01', '2022-09-30', null, '2022-09-01'],
  ['2022-03-01', '2022-12-31', '2022-05-01', null],
  ['2023-01-20', '2023-03-31', '2023-02-01', '2023-04-01'],
  ['2023-01-20', '2023-06-30', null, null],
  ['2023-01-20', '2023-06-30', '2023-05-10', '2023-06-20'],
  ['2023-01-20', '2023-12-31', '2023-03-01', '2023-04-30'],
  ['2023-01-20', '2023-04-30', '2023-04-29', null],
  ['2023-02-10', '2023-09-30', '2023-05-04', '2024-01-05'],
  ['2024-02-01', '2024-06-30', '2024-02-10', '2024-06-01'],
  ['2024-02-01', '2024-06-30', null, null],
  ['2025-02-01', '2025-12-31', '2025-03-01', '2025-10-10'],
  ['2025-02-01', '2025-06-30', '2025-06-01', null],
];
const POST_REFORM: Array<[string, string, string | null, string | null]> = [
  ['2025-08-10', '2025-12-31', '2025-09-01', '2025-12-20'],
  ['2025-08-10', '2026-06-30', '2025-10-01', '2026-08-01'],
  ['2026-01-15', '2026-09-30', '2026-02-01', null],
  ['2026-01-15', '2027-03-31', null, null],
  ['2026-01-15', '2026-06-30', '2026-03-01', '2026-05-05'],
];

const rows: Row[] = [
  ...SCHEDULES.flatMap(([assigned, deadline, started, done], i) =>
    old30.map((c, j) => ({
      task_id: `T30-${i}-${j}`,
      title: `Nhiệm vụ ${i}`,
      task_group: TASK_GROUP_CODES[(i + j) % 5],
      // The first commune stands for the provincial seat: the province's own tasks lie there.
      level: j === 0 && i % 2 === 0 ? 'PROVINCE' : 'COMMUNE',
      agency: j === 0 ? 'Công an tỉnh' : `UBND ${c.name.trim()}`,
      assigned_on: assigned,
      deadline,
      started_on: started,
      done_on: done,
      commune_code: c.code,
      commune_structure: 'THREE_TIER',
    })),
  ),
  ...POST_REFORM.flatMap(([assigned, deadline, started, done], i) =>
    new31.map((c, j) => ({
      task_id: `T31-${i}-${j}`,
      title: `Nhiệm vụ sau sáp nhập ${i}`,
      task_group: TASK_GROUP_CODES[(i * 2 + j) % 13],
      level: j === 0 ? 'PROVINCE' : 'COMMUNE',
      agency: 'Sở Khoa học và Công nghệ',
      assigned_on: assigned,
      deadline,
      started_on: started,
      done_on: done,
      commune_code: c.code,
      commune_structure: 'TWO_TIER',
    })),
  ),
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-project-tasks-'));
const quote = (v: string | null) => (v === null ? '' : /[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (file: string, lines: Array<Partial<Record<(typeof COLUMNS)[number], string | null>>>) =>
  fs.writeFileSync(path.join(dir, file), [COLUMNS.join(','), ...lines.map((r) => COLUMNS.map((k) => quote(r[k] ?? null)).join(','))].join('\n'));

describe.each(testDatabases())('project-tasks on $label', (database) => {
  let graph: RunningGraph;
  const config = database.config('project-tasks');
  const figuresOf = async (level: 'province' | 'commune', code: string, structure: string, period: string) => {
    const res = await graph.queryGateway(`query($c: String!, $p: String!) { ${level}(code: $c, structure: ${structure}) { stats(period: $p) { ${SELECTION} } } }`, { c: code, p: period });
    expect(res.errors).toBeUndefined();
    return res.data[level].stats.projectTasks;
  };
  const count = async () => Number((await graph.dbs['project-tasks']('project_tasks').count({ n: '*' }))[0].n);

  beforeAll(async () => {
    graph = await startGraph(config);
    csv('tasks.csv', rows);
    const summary = await importFile({ config, definition: importDefinition('project-tasks'), file: path.join(dir, 'tasks.csv') });
    expect(summary.inserted).toBe(rows.length);
    await graph.dataChanged('project-tasks');
  });
  afterAll(() => graph?.stop());

  test('the file imported every row', async () => {
    expect(await count()).toBe(rows.length);
  });

  test.each(['2022-06', '2022', '2023-04', '2023-05-04', '2023', '2024-01', '2024-Q3', '2025-06'])('old province 30 (three-tier) and its communes in %s', async (period) => {
    const pre = rows.filter((r) => r.commune_structure === 'THREE_TIER');
    expect(await figuresOf('province', '30', 'THREE_TIER', period)).toEqual(expected(pre, period));
    for (const c of old30) {
      expect([c.code, await figuresOf('commune', c.code, 'THREE_TIER', period)]).toEqual([c.code, expected(pre.filter((r) => r.commune_code === c.code), period)]);
    }
  });

  test('4 May 2023 in old province 30, counted by hand from SCHEDULES', async () => {
    // Per commune: 8 tasks of the year (2022's done in 2022 have left it); not started: the task not
    // begun and the one starting 10 May; in progress: 2022's carried over, the one due 30 April, the one
    // started that day; done: 2022's finished in February, two of 2023's (one late); overdue: the two
    // in progress past their deadline. The province's own: 3 tasks of the seat's commune.
    expect(await figuresOf('province', '30', 'THREE_TIER', '2023-05-04')).toMatchObject({ tasks: 24, notStarted: 6, inProgress: 9, done: 9, doneOnTime: 3, overdue: 6, provinceLevelTasks: 3 });
  });

  test('the indicators: completion rate and overdue share of old province 30 on 4 May 2023 (9 and 6 of 24 tasks)', async () => {
    const res = await graph.queryGateway('{ province(code: "30", structure: THREE_TIER) { stats(period: "2023-05-04") { indicators { completionRate overdueShare } } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data.province.stats.indicators).toEqual({ completionRate: 9 / 24, overdueShare: 6 / 24 });
  });

  test.each(['2023-04', '2025-12', '2026-10', '2026'])('new province 31 (two-tier) in %s: old Hải Dương re-aggregated with its own tasks', async (period) => {
    // Province 31 is a union of whole old provinces: every row of the file lies in it.
    expect(await figuresOf('province', '31', 'TWO_TIER', period)).toEqual(expected(rows, period));
  });

  test('an analyst reads a commune\'s task counts exactly: tasks are not people, nothing is perturbed', async () => {
    const c = old30[2];
    const res = await graph.queryGateway(`{ commune(code: "${c.code}", structure: THREE_TIER) { stats(period: "2023-05-04") { ${SELECTION} } } }`, undefined, { role: 'analyst' });
    expect(res.errors).toBeUndefined();
    expect(res.data.commune.stats.projectTasks).toEqual(expected(rows.filter((r) => r.commune_code === c.code), '2023-05-04'));
  });

  test('a bad file is refused, naming each line and column, and changes nothing', async () => {
    const before = await figuresOf('province', '30', 'THREE_TIER', '2023');
    const good = rows[0];
    csv('bad.csv', [
      { ...good, task_id: 'NEW-OK' },
      { ...good, task_id: 'BAD-1', deadline: '2022-02-01' },
      { ...good, task_id: 'BAD-2', started_on: '2022-05-01', done_on: '2022-04-01' },
      { ...good, task_id: 'BAD-3', task_group: 'LANDSCAPING' },
      { ...good, task_id: 'BAD-4', level: 'DISTRICT' },
      { ...good, task_id: 'BAD-5', assigned_on: '2025-08-01', deadline: '2025-12-31', started_on: null, done_on: null },
      { ...good, task_id: 'BAD-6', done_on: '2027-01-05' },
      { ...good, task_id: 'BAD-7', deadline: '2023-02-30' },
    ]);
    const refused = importFile({ config, definition: importDefinition('project-tasks'), file: path.join(dir, 'bad.csv') });
    await expect(refused).rejects.toThrow(/nothing was written/);
    const message = await refused.catch((e: Error) => e.message);
    expect(message).toMatch(/line 3, column deadline \(G\).*is before assigned_on 2022-03-01/);
    expect(message).toMatch(/line 4, column done_on \(I\).*is before started_on 2022-05-01/);
    expect(message).toMatch(/line 5, column task_group \(C\).*must be one of LEGAL_FRAMEWORK/);
    expect(message).toMatch(/line 6, column level \(D\).*must be one of PROVINCE, COMMUNE/);
    expect(message).toMatch(/line 7, column commune_code \(J\).*three-tier commune cannot locate a fact of 2025-08-01/);
    expect(message).toMatch(/line 8, column done_on \(I\).*in the future/);
    expect(message).toMatch(/line 9, column deadline \(G\).*no such day/);
    expect(message).not.toMatch(/line 2\b/);
    expect(await count()).toBe(rows.length);
    expect(await figuresOf('province', '30', 'THREE_TIER', '2023')).toEqual(before);
  });

  test('a later delivery moves a task on: the earlier days keep the status then in force', async () => {
    // T30-5-1 was not started (deadline 2023-06-30); now it started on 2023-07-01 and was done on 2023-07-15.
    const moved = rows.map((r) => (r.task_id === 'T30-5-1' ? { ...r, started_on: '2023-07-01', done_on: '2023-07-15' } : r));
    csv('update.csv', [moved.find((r) => r.task_id === 'T30-5-1')!]);
    const summary = await importFile({ config, definition: importDefinition('project-tasks'), file: path.join(dir, 'update.csv') });
    expect([summary.inserted, summary.updated]).toEqual([0, 1]);
    await graph.dataChanged('project-tasks');
    const commune = old30[1].code;
    const mine = moved.filter((r) => r.commune_code === commune);
    for (const period of ['2023-06', '2023-07-10', '2023-07-20', '2023', '2024']) {
      expect([period, await figuresOf('commune', commune, 'THREE_TIER', period)]).toEqual([period, expected(mine, period)]);
    }
    // Overdue either way on 10 July (not started, then in progress); on 20 July done, no longer overdue.
    const before = rows.filter((r) => r.commune_code === commune);
    expect(expected(mine, '2023-07-10').overdue).toBe(expected(before, '2023-07-10').overdue);
    expect(expected(mine, '2023-07-20').overdue).toBe(expected(before, '2023-07-20').overdue - 1);
  });
});
