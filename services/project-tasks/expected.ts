/**
 * The tests' own reckoning of the figures: each task's status on a day read from its import row
 * (the status history in force that day), counted directly, never through the figures' deltas
 * (facts.ts), so that the tests compare two independent computations.
 */
import { parsePeriod } from '../../lib/periods';
import { TASK_GROUP_CODES } from './groups';

/** A task as its import file's row gives it. */
export interface Row {
  task_id: string;
  title: string;
  task_group: string;
  level: string;
  agency: string;
  assigned_on: string;
  deadline: string;
  started_on: string | null;
  done_on: string | null;
  commune_code: string;
  commune_structure: string;
}

/** The tests' today (test/helpers/today.ts): a period's figures stand at it when it has not ended. */
const TODAY = '2026-11-29';

/** Each task's status on `day`, read from its row: the status history in force then. */
export function statusOn(r: Row, day: string): 'none' | 'notStarted' | 'inProgress' | 'done' {
  if (r.assigned_on > day) return 'none';
  if (r.done_on !== null && r.done_on <= day) return 'done';
  if (r.started_on !== null && r.started_on <= day) return 'inProgress';
  return 'notStarted';
}

/** In the year's workload on `day`: assigned by then, and not completed in an earlier calendar year. */
const inWorkload = (r: Row, day: string) => r.assigned_on <= day && !(r.done_on !== null && r.done_on.slice(0, 4) < day.slice(0, 4));

/** The figures of a set of rows for a period, counted from the rows. */
export function expected(mine: Row[], period: string) {
  const { start, end: periodEnd } = parsePeriod(period);
  const end = periodEnd < TODAY ? periodEnd : TODAY;
  const year = mine.filter((r) => inWorkload(r, end));
  const during = (d: string | null) => d !== null && d >= start && d <= end;
  const groups = TASK_GROUP_CODES.map((g) => {
    const of = year.filter((r) => r.task_group === g);
    return { tasks: of.length, done: of.filter((r) => statusOn(r, end) === 'done').length };
  });
  return {
    tasks: year.length,
    notStarted: year.filter((r) => statusOn(r, end) === 'notStarted').length,
    inProgress: year.filter((r) => statusOn(r, end) === 'inProgress').length,
    done: year.filter((r) => statusOn(r, end) === 'done').length,
    doneOnTime: year.filter((r) => statusOn(r, end) === 'done' && r.done_on! <= r.deadline).length,
    overdue: year.filter((r) => statusOn(r, end) !== 'done' && r.deadline < end).length,
    provinceLevelTasks: year.filter((r) => r.level === 'PROVINCE').length,
    tasksAssigned: mine.filter((r) => during(r.assigned_on)).length,
    tasksCompleted: mine.filter((r) => during(r.done_on)).length,
    tasksCompletedOnTime: mine.filter((r) => during(r.done_on) && r.done_on! <= r.deadline).length,
    taskGroupsWithTasks: groups.filter((g) => g.tasks > 0).length,
    taskGroupsDone: groups.filter((g) => g.tasks > 0 && g.done === g.tasks).length,
    taskGroups: groups.map((g, i) => ({ group: TASK_GROUP_CODES[i], tasks: g.tasks, done: g.done, allDone: g.tasks > 0 && g.done === g.tasks })),
  };
}

/** The figures the tests ask for, in the order `expected` gives them. */
export const SELECTION = `projectTasks { tasks notStarted inProgress done doneOnTime overdue provinceLevelTasks tasksAssigned tasksCompleted tasksCompletedOnTime
  taskGroupsWithTasks taskGroupsDone taskGroups { group tasks done allDone } }`;

