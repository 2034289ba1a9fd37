/**
 * The project-tasks domain: Project 06 tasks the provincial working groups assign to provinces
 * and communes, with their group, agency, deadline and status history (facts.ts), and the
 * figures the monthly progress reports give: tasks, done, done on time, overdue, not started,
 * in progress, and per task group.
 */
import { databaseSubgraph, type DomainModule } from '../../lib/domain';
import type { Db } from '../../lib/db';
import { createFigureLoader, figuresObject, type AreaStatsRef, type FigureFields, type FigureReadingWithSuppression } from '../../lib/figures';
import type { Identity } from '../../lib/auth';
import { todayFor } from '../../lib/today';
import { demoPart } from '../../demo/seed';
import { projectTaskFacts, type ProjectTaskMetric } from './facts';
import { groupDoneMetric, groupTasksMetric, TASK_GROUPS } from './groups';
import { demoTasksOf } from './demo';
import { PROJECT_TASK_INDICATORS } from './indicators';

function createContext(db: Db, identity: Identity, today: string) {
  return { identity, figures: createFigureLoader(db, projectTaskFacts.summary, { identity, today }) };
}
type Context = ReturnType<typeof createContext>;
type Reading = FigureReadingWithSuppression<ProjectTaskMetric>;

/** Each group's progress as of the period's last day (stocks); null when the figures are not known. */
export function taskGroupsOf(reading: Reading) {
  if (!reading.status.known) return null;
  return TASK_GROUPS.map((g, i) => {
    const tasks = reading.stock[groupTasksMetric(i)]!;
    const done = reading.stock[groupDoneMetric(i)]!;
    return { group: g.code, name: g.name, nameVi: g.nameVi, tasks, done, allDone: tasks > 0 && done === tasks };
  });
}

const groupsWhere = (reading: Reading, test: (tasks: number, done: number) => boolean) =>
  TASK_GROUPS.filter((_, i) => test(reading.stock[groupTasksMetric(i)]!, reading.stock[groupDoneMetric(i)]!)).length;

/** Each GraphQL figure: a stock (as of the period's last day) or a flow (during the period) of a metric. */
export const FIGURES: FigureFields<ProjectTaskMetric> = {
  tasks: ['stock', 'tasks'],
  notStarted: ['stock', 'not_started'],
  inProgress: ['stock', 'in_progress'],
  done: ['stock', 'done'],
  doneOnTime: ['stock', 'done_on_time'],
  overdue: ['stock', 'overdue'],
  provinceLevelTasks: ['stock', 'province_level'],
  tasksAssigned: ['flow', 'assigned'],
  tasksCompleted: ['flow', 'completed'],
  tasksCompletedOnTime: ['flow', 'completed_on_time'],
  taskGroupsWithTasks: (r) => groupsWhere(r, (tasks) => tasks > 0),
  taskGroupsDone: (r) => groupsWhere(r, (tasks, done) => tasks > 0 && done === tasks),
};

const resolvers = {
  AreaStats: {
    __resolveReference: (ref: AreaStatsRef) => ref,
    projectTasks: async (ref: AreaStatsRef, _: unknown, ctx: Context) => {
      const reading = await ctx.figures.load(ref);
      return { ...figuresObject(reading, FIGURES), taskGroups: taskGroupsOf(reading) };
    },
  },
};

export const projectTasksModule: DomainModule = {
  name: 'project-tasks',
  port: 4010,
  migrations: projectTaskFacts.migrations,
  imports: projectTaskFacts.imports,
  createSubgraph: ({ db, config }) => databaseSubgraph('project-tasks', db!, resolvers, (identity) => createContext(db!, identity, todayFor(config))),
  // The figures (not the per-group list, which is no figure): what the benchmark's direct targets read too.
  figures: { field: 'projectTasks', summary: projectTaskFacts.summary, fields: FIGURES },
  // The tasks are generated from the areas alone: no other part of the demo world is needed.
  demo: demoPart(projectTaskFacts.spec, [], demoTasksOf),
  indicators: PROJECT_TASK_INDICATORS,
};
