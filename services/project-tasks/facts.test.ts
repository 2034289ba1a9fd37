/**
 * The task fact's own rules, without a database: the group columns, the deadline column (the one
 * date that may lie in the future), and the status history as deltas summed up to a day, against
 * the tests' reckoning of each status from the row (expected.ts).
 */
import { ParseContext, Invalid } from '../../lib/import/columns';
import { expected, type Row } from './expected';
import { dayAfter, LAST_DEADLINE, projectTaskFacts, type ProjectTask } from './facts';
import { GROUP_METRICS, TASK_GROUPS } from './groups';

test('13 task groups, two summary columns each, all different', () => {
  expect(TASK_GROUPS).toHaveLength(13);
  expect(new Set(GROUP_METRICS).size).toBe(26);
  expect(GROUP_METRICS.every((m) => projectTaskFacts.summary.metrics.includes(m))).toBe(true);
});

test('a deadline may lie in the future, up to the last day the figures hold, and must be a real day', () => {
  const column = projectTaskFacts.imports.columns.deadline;
  const ctx: ParseContext = { today: '2026-11-29', dataThrough: '2026-11-29', structure: 'TWO_TIER' };
  expect(column.parse('2027-12-31', ctx)).toBe('2027-12-31');
  expect(column.parse(LAST_DEADLINE, ctx)).toBe(LAST_DEADLINE);
  expect((column.parse(dayAfter(LAST_DEADLINE), ctx) as Invalid).reason).toMatch(/after 2079-06-04, the last deadline/);
  expect((column.parse('2027-02-29', ctx) as Invalid).reason).toMatch(/no such day/);
  // The other dates keep the kit's rule: nothing after the file's data-through day.
  expect(projectTaskFacts.imports.columns.done_on.parse('2027-01-05', ctx)).toBeInstanceOf(Invalid);
});

test("a task's deltas, summed up to each day, give the status in force that day", () => {
  const task: ProjectTask = {
    taskId: 'T1', title: 't', taskGroup: 'RESOURCES', level: 'PROVINCE', agency: 'Sở Tài chính',
    assignedOn: '2023-02-01', deadline: '2023-06-30', startedOn: '2023-03-01', doneOn: '2024-02-10',
    communeCode: '10507', communeStructure: 'THREE_TIER',
  };
  const row = projectTaskFacts.spec.toRow(task) as unknown as Row;
  const deltas = projectTaskFacts.spec.deltasOf(task);
  for (const day of ['2023-01-31', '2023-02-01', '2023-03-01', '2023-06-30', '2023-07-01', '2023-12-31', '2024-02-09', '2024-02-10', '2024-12-31', '2025-01-01']) {
    const stock = (metric: string) => deltas.filter((d) => d.metric === metric && d.date <= day).reduce((s, d) => s + d.delta, 0);
    const want = expected([row], day);
    expect([day, stock('tasks'), stock('not_started'), stock('in_progress'), stock('done'), stock('done_on_time'), stock('overdue'), stock('tasks_g12'), stock('done_g12')]).toEqual([
      day, want.tasks, want.notStarted, want.inProgress, want.done, want.doneOnTime, want.overdue, want.taskGroups[11].tasks, want.taskGroups[11].done,
    ]);
  }
});
