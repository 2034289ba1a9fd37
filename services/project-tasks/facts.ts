/**
 * Project 06 tasks, declared once (lib/fact-kit.ts): from these fields follow the fact's type, its
 * table, its rows and its import file's columns (task_id, title, task_group, level, agency,
 * assigned_on, deadline, started_on, done_on, commune_code, commune_structure).
 *
 * A task is assigned to a province or to a commune by the provincial working group's plan. Every
 * fact of the kit lies in a commune, so a province-level task lies in the commune the file gives
 * for it (the provincial seat's): it counts in that commune's figures too (`level` tells them
 * apart). Its status history is the three days it moves on: assigned (not started), started (in
 * progress), done; a stock as of a day therefore counts the status in force that day, never the
 * latest. Overdue follows from the deadline: a task not done by the end of its deadline day is
 * overdue from the next day until it is done.
 *
 * The stocks are a year's workload, as the provinces report it each month: the tasks assigned
 * so far, less those completed in an earlier calendar year. A task done in 2023 counts among the
 * tasks (and the done) until 31 December 2023; one still open on 1 January carries over into the
 * next year's figures. So notStarted + inProgress + done = tasks on every day.
 */
import { defineFacts, field, type FactField, type FactOf } from '../../lib/fact-kit';
import { col, Invalid, notBefore, type Column } from '../../lib/import/columns';
import { LAST_DAY } from '../../lib/summaries/days';
import { groupDoneMetric, groupTasksMetric, GROUP_METRICS, TASK_GROUP_CODES } from './groups';

export const TASK_LEVELS = ['PROVINCE', 'COMMUNE'] as const;
export type TaskLevel = (typeof TASK_LEVELS)[number];

/** A deadline moves the figures the day after it, which the summaries must hold (lib/summaries/days.ts). */
export const LAST_DEADLINE = dayAfter(LAST_DAY, -1);

/**
 * A deadline: a day like the others, except that it may lie in the future (a plan sets deadlines
 * to come), up to LAST_DEADLINE. The kit's dates refuse the future, so the check is the kit's
 * with its bounds lifted, plus ours.
 */
const deadlineColumn: Column<string> = {
  required: true,
  parse: (text, ctx) => {
    const day = col.date().parse(text, { ...ctx, today: '9999-12-31', dataThrough: '9999-12-31' });
    if (day instanceof Invalid) return day;
    return day > LAST_DEADLINE ? new Invalid(`after ${LAST_DEADLINE}, the last deadline the figures can hold`) : day;
  },
};
const deadline: FactField<string> = { ...field.date(), importColumn: deadlineColumn as Column<unknown> };

const fields = {
  /** The task's identifier in the provincial plan's records. */
  taskId: field.text(40),
  /** What is to be done, as the plan words it. */
  title: field.text(300),
  /** Its task group (groups.ts). */
  taskGroup: field.oneOf(TASK_GROUP_CODES),
  /** Assigned to the province (its departments) or to a commune. */
  level: field.oneOf(TASK_LEVELS),
  /** The agency in charge, as the plan names it (Công an tỉnh, Sở Tư pháp, UBND xã ...). */
  agency: field.text(150),
  /** The day the plan assigned it: from then on it is not started. */
  assignedOn: field.date(),
  /** The last day it is due; it may be in the future. */
  deadline,
  /** The day work on it began (in progress); empty while it has not, or when it went straight to done. */
  startedOn: field.optional(field.date()),
  /** The day it was done; empty while it is not. */
  doneOn: field.optional(field.date()),
};

export type ProjectTask = FactOf<typeof fields>;

/** The ISO day `days` after `iso` (UTC calendar arithmetic: no time zone can shift a day). */
export function dayAfter(iso: string, days = 1): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** 1 January of the year after `iso`'s: the day a task completed on `iso` leaves the year's workload. */
export const nextNewYear = (iso: string) => `${Number(iso.slice(0, 4)) + 1}-01-01`;

const METRICS = ['tasks', 'not_started', 'in_progress', 'done', 'done_on_time', 'overdue', 'province_level', 'assigned', 'completed', 'completed_on_time', ...GROUP_METRICS] as const;
export type ProjectTaskMetric = (typeof METRICS)[number];

export const projectTaskFacts = defineFacts({
  domain: 'project-tasks',
  table: 'project_tasks',
  fields,
  id: 'taskId',
  // The commune the task is assigned in applies from its assignment: a three-tier code cannot
  // locate a task assigned since the reform.
  locatedOn: 'assignedOn',
  metrics: METRICS,
  // Tasks are not people: no figure is perturbed.
  placedBy: 'land',
  placementKey: 'taskId',
  figures: (t) => {
    const out: Array<{ metric: ProjectTaskMetric; date: string; delta?: number }> = [];
    const group = TASK_GROUP_CODES.indexOf(t.taskGroup);
    const done = t.doneOn;
    /** In the workload from `from` until the year after its completion. */
    const workload = (metric: ProjectTaskMetric, from: string) => {
      out.push({ metric, date: from });
      if (done) out.push({ metric, date: nextNewYear(done), delta: -1 });
    };
    workload('tasks', t.assignedOn);
    workload(groupTasksMetric(group), t.assignedOn);
    if (t.level === 'PROVINCE') workload('province_level', t.assignedOn);
    out.push({ metric: 'assigned', date: t.assignedOn });
    // Status history: not started from assignment, in progress from the start, done from the end.
    out.push({ metric: 'not_started', date: t.assignedOn });
    const leftNotStarted = t.startedOn ?? done;
    if (leftNotStarted) out.push({ metric: 'not_started', date: leftNotStarted, delta: -1 });
    if (t.startedOn) {
      out.push({ metric: 'in_progress', date: t.startedOn });
      if (done) out.push({ metric: 'in_progress', date: done, delta: -1 });
    }
    const late = !done || done > t.deadline;
    if (done) {
      workload('done', done);
      workload(groupDoneMetric(group), done);
      out.push({ metric: 'completed', date: done });
      if (!late) {
        workload('done_on_time', done);
        out.push({ metric: 'completed_on_time', date: done });
      }
    }
    // Overdue from the day after the deadline until it is done (the same day when done then).
    if (late) {
      out.push({ metric: 'overdue', date: dayAfter(t.deadline) });
      if (done) out.push({ metric: 'overdue', date: done, delta: -1 });
    }
    return out;
  },
  checkRow: (row, fail) => {
    notBefore(row, fail, 'deadline', 'assigned_on');
    notBefore(row, fail, 'started_on', 'assigned_on');
    notBefore(row, fail, 'done_on', 'assigned_on');
    notBefore(row, fail, 'done_on', 'started_on');
  },
});
