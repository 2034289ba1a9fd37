/**
 * The demo's Project 06 tasks: each province's plan for each year, generated from the areas alone
 * (no citizen is involved), so they are the same at every demo scale and seed.
 *
 * - Plans of the 63 old provinces for 2022 (issued February-March, after Decision 06 of 6 January
 *   2022) to 2025, with three-tier commune codes; since the reform, the 34 new provinces issue a
 *   plan for the second half of 2025 (August) and one for 2026, with two-tier codes.
 * - A plan has 40 to 60 tasks (every group has one at least); about a quarter are assigned to a
 *   commune, the rest to the province's departments, located in the province's seat commune (the
 *   demo takes its first commune in code order that passed whole into one new commune).
 * - Each province has a pace: the share of tasks done by their deadline. Tasks start a few weeks
 *   after they are assigned; late ones are done months after the deadline, or not yet.
 *
 * Calibrated to ../shared/DOMAIN.md: Hải Dương (old 30) has 55 tasks in its 2023 plan, 6 of them
 * not started on 4 May 2023 (its 2022 plan was done within 2022); Thanh Hóa (old 38) had done 10
 * of its 13 task groups by 30 June 2022, its police 7 of the 11 tasks of their essential services.
 */
import seedrandom from 'seedrandom';
import { areaByCode, areasOfLevel, communesIn, linkedAreas, type Area, type AreaStructure } from '../../lib/areas';
import { dayNumber, isoOf } from '../../demo/curves';
import { DEMO_HORIZON } from '../../demo/population';
import type { DemoCommune } from '../../demo/world';
import type { ProjectTask, TaskLevel } from './facts';
import { TASK_GROUP_CODES, TASK_GROUPS, type TaskGroup } from './groups';

type Rng = () => number;
const HORIZON = dayNumber(DEMO_HORIZON);

export const HAI_DUONG = { province: '30', year: 2023, tasks: 55, notStartedOn: '2023-05-04', notStarted: 6 } as const;
export const THANH_HOA = {
  province: '38',
  year: 2022,
  asOf: '2022-06-30',
  groupsDone: 10,
  police: { group: 'POLICE_ESSENTIAL_SERVICES', tasks: 11, done: 7 },
  /** The three groups not done by 30 June 2022: the police's services, and two the demo chooses. */
  openGroups: ['POLICE_ESSENTIAL_SERVICES', 'SECTOR_DATABASES', 'INFRASTRUCTURE'] as readonly TaskGroup[],
} as const;

/** The agency in charge of a group's provincial tasks; departments merged on 1 March 2025 take their new names. */
function agencyOf(group: TaskGroup, year: number): string {
  const since2025 = year >= 2025;
  switch (group) {
    case 'LEGAL_FRAMEWORK':
      return 'Sở Tư pháp';
    case 'POLICE_ESSENTIAL_SERVICES':
    case 'DIGITAL_CITIZENS':
    case 'POPULATION_DATA':
    case 'INFORMATION_SECURITY':
      return 'Công an tỉnh';
    case 'SOCIO_ECONOMIC_USES':
      return since2025 ? 'Sở Nội vụ' : 'Sở Lao động - Thương binh và Xã hội';
    case 'SECTOR_DATABASES':
      return since2025 ? 'Sở Nông nghiệp và Môi trường' : 'Sở Tài nguyên và Môi trường';
    case 'INFRASTRUCTURE':
    case 'COMMUNICATION':
      return since2025 ? 'Sở Khoa học và Công nghệ' : 'Sở Thông tin và Truyền thông';
    case 'RESOURCES':
      return 'Sở Tài chính';
    default:
      return 'Văn phòng UBND tỉnh';
  }
}

const POLICE_WORK = new Set<TaskGroup>(['POLICE_ESSENTIAL_SERVICES', 'DIGITAL_CITIZENS', 'POPULATION_DATA', 'INFORMATION_SECURITY']);

interface Plan {
  province: Area;
  structure: AreaStructure;
  /** `2023`, or `2025b` for the new provinces' plan of the second half of 2025. */
  label: string;
  year: number;
  /** The first day the plan may be issued, and how many days later it may be. */
  issuedFrom: string;
  issueSpread: number;
  deadlines: readonly string[];
  /** The calibration's number of tasks, instead of 40 to 60 drawn. */
  count?: number;
  /** The calibration's plans assign every task on the day they are issued (no task added during the year). */
  allAtOnce?: boolean;
  /** The calibration's choice of group for the i-th task, instead of the drawn one. */
  groupOf?(i: number, drawn: TaskGroup): TaskGroup;
  /** The calibration's tasks that must be the province's own. */
  provinceLevel?(i: number): boolean;
}

const between = (rng: Rng, from: number, to: number) => from + Math.floor(rng() * (to - from + 1));
const upTo = (day: number | null) => (day === null || day > HORIZON ? null : day);

/**
 * The communes of a province tasks may be assigned in: in the two-tier structure, those made from
 * an old commune at least (not only from an island district that had none), since the demo world
 * hands its facts out with the old communes.
 */
function communesOf(province: Area, structure: AreaStructure): Area[] {
  const all = communesIn(province, structure);
  return structure === 'THREE_TIER' ? all : all.filter((c) => linkedAreas(c, 'predecessors').some((a) => a.level === 'COMMUNE'));
}

/** The commune a province's own tasks are located in: its first commune that passed whole into one new commune. */
function seatOf(communes: Area[], structure: AreaStructure): Area {
  return communes.find((c) => linkedAreas(c, structure === 'THREE_TIER' ? 'successors' : 'predecessors').length === 1) ?? communes[0];
}

function planTasks(plan: Plan, pace: number): ProjectTask[] {
  const rng = seedrandom.alea(`project-tasks:${plan.structure}:${plan.province.code}:${plan.label}`);
  const communes = communesOf(plan.province, plan.structure);
  const seat = seatOf(communes, plan.structure);
  const count = plan.count ?? between(rng, 40, 60);
  const issued = dayNumber(plan.issuedFrom) + between(rng, 0, plan.issueSpread);
  const yearEnd = dayNumber(`${plan.year}-12-31`);
  const tasks: ProjectTask[] = [];
  for (let i = 0; i < count; i++) {
    const drawn = i < TASK_GROUP_CODES.length ? TASK_GROUP_CODES[i] : TASK_GROUP_CODES[Math.floor(rng() * TASK_GROUP_CODES.length)];
    const group = plan.groupOf?.(i, drawn) ?? drawn;
    const drawnLevel: TaskLevel = rng() < 0.25 ? 'COMMUNE' : 'PROVINCE';
    const level = plan.provinceLevel?.(i) ? 'PROVINCE' : drawnLevel;
    const commune = level === 'PROVINCE' ? seat : communes[Math.floor(rng() * communes.length)];
    // A tenth of the tasks are added to the plan during the year.
    const assigned = !plan.allAtOnce && rng() < 0.1 ? Math.min(issued + between(rng, 30, 120), yearEnd - 60) : issued;
    const deadlines = plan.deadlines.map(dayNumber).filter((d) => d >= assigned + 30);
    const deadline = deadlines[Math.floor(rng() * deadlines.length)] ?? yearEnd;
    // A few tasks are reported done without an "in progress" report before.
    const skipsProgress = rng() < 0.08;
    const started = assigned + 3 + Math.floor(-25 * Math.log(1 - rng()));
    const onTime = rng() < pace;
    const done = onTime ? between(rng, Math.min(started + 5, deadline), deadline) : deadline + between(rng, 10, 260);
    const startedOn = upTo(skipsProgress ? null : Math.min(started, done));
    const doneOn = startedOn === null && !skipsProgress ? null : upTo(done);
    const police = POLICE_WORK.has(group);
    tasks.push({
      taskId: `P06-${plan.structure === 'THREE_TIER' ? 'O' : 'N'}${plan.province.code}-${plan.label}-${String(i + 1).padStart(3, '0')}`,
      title: `${TASK_GROUPS[TASK_GROUP_CODES.indexOf(group)].nameVi}: nhiệm vụ ${i + 1} của kế hoạch ${plan.label}`,
      taskGroup: group,
      level,
      agency: level === 'PROVINCE' ? agencyOf(group, plan.year) : `${police ? 'Công an' : 'UBND'} ${commune.name.trim()}`,
      assignedOn: isoOf(assigned),
      deadline: isoOf(deadline),
      startedOn: startedOn === null ? null : isoOf(startedOn),
      doneOn: doneOn === null ? null : isoOf(doneOn),
      communeCode: commune.code,
      communeStructure: plan.structure,
    });
  }
  return tasks;
}

/** Moves a task's progress so that it was done between `from` and `to` (day numbers), started before. */
function doneBetween(rng: Rng, t: ProjectTask, from: number, to: number): void {
  const assigned = dayNumber(t.assignedOn);
  const done = between(rng, Math.max(from, assigned), to);
  t.startedOn = isoOf(between(rng, assigned, done));
  t.doneOn = isoOf(done);
}

/**
 * Hải Dương: its 2022 plan done within 2022 (so that its 2023 workload is the 55 tasks of the 2023
 * plan), and every 2023 task started by 4 May 2023 but six, which start later.
 */
function calibrateHaiDuong(tasks2022: ProjectTask[], tasks2023: ProjectTask[]): void {
  const rng = seedrandom.alea('project-tasks:calibration:30');
  const yearEnd = dayNumber('2022-12-31');
  for (const t of tasks2022) if (t.doneOn === null || dayNumber(t.doneOn) > yearEnd) doneBetween(rng, t, yearEnd - 60, yearEnd);
  const cutoff = dayNumber(HAI_DUONG.notStartedOn);
  const late = new Set(tasks2023.filter((_, i) => i % 9 === 4).slice(0, HAI_DUONG.notStarted));
  for (const t of tasks2023) {
    const assigned = dayNumber(t.assignedOn);
    if (late.has(t)) {
      const started = cutoff + between(rng, 5, 60);
      t.startedOn = isoOf(started);
      if (t.doneOn !== null && dayNumber(t.doneOn) <= started) t.doneOn = isoOf(started + between(rng, 20, 120));
    } else if ((t.startedOn ?? t.doneOn) === null || dayNumber((t.startedOn ?? t.doneOn)!) > cutoff) {
      t.startedOn = isoOf(between(rng, assigned, cutoff));
    }
  }
}

/**
 * Thanh Hóa's 2022 plan: its first eleven tasks are the police's essential services, the next
 * twelve one of each other group, the rest drawn (a drawn police service task becomes a resources
 * one: the police had eleven).
 */
const THANH_HOA_OTHER_GROUPS = TASK_GROUP_CODES.filter((g) => g !== THANH_HOA.police.group);
const thanhHoaGroupOf = (i: number, drawn: TaskGroup): TaskGroup => {
  const n = THANH_HOA.police.tasks;
  if (i < n) return THANH_HOA.police.group;
  if (i < n + THANH_HOA_OTHER_GROUPS.length) return THANH_HOA_OTHER_GROUPS[i - n];
  return drawn === THANH_HOA.police.group ? 'RESOURCES' : drawn;
};

/** Thanh Hóa's 2022 progress: ten groups wholly done by 30 June 2022; of the police's eleven service tasks, seven. */
function calibrateThanhHoa(tasks: ProjectTask[]): void {
  const rng = seedrandom.alea('project-tasks:calibration:38');
  const asOf = dayNumber(THANH_HOA.asOf);
  const open = new Set<TaskGroup>();
  tasks.forEach((t, i) => {
    if (dayNumber(t.assignedOn) > asOf) return;
    if (i < THANH_HOA.police.tasks) {
      if (i < THANH_HOA.police.done) doneBetween(rng, t, asOf - 60, asOf);
      else doneBetween(rng, t, asOf + 20, asOf + 180);
    } else if (!THANH_HOA.openGroups.includes(t.taskGroup)) {
      doneBetween(rng, t, asOf - 90, asOf);
    } else if (!open.has(t.taskGroup)) {
      // One task at least of each other open group is still open on 30 June.
      open.add(t.taskGroup);
      doneBetween(rng, t, asOf + 30, asOf + 200);
    }
  });
}

let byCommune: Map<string, ProjectTask[]> | undefined;

/** Every demo task, once: generated on first use, then handed out commune by commune. */
export function allDemoTasks(): ProjectTask[] {
  const plans: Plan[] = [];
  for (const province of areasOfLevel('PROVINCE', 'THREE_TIER')) {
    const thanhHoa = province.code === THANH_HOA.province;
    plans.push({
      province,
      structure: 'THREE_TIER',
      label: '2022',
      year: 2022,
      issuedFrom: '2022-02-10',
      issueSpread: 30,
      deadlines: ['2022-06-30', '2022-09-30', '2022-12-31'],
      ...(thanhHoa ? { allAtOnce: true, groupOf: thanhHoaGroupOf, provinceLevel: (i: number) => i < THANH_HOA.police.tasks } : {}),
    });
    for (const year of [2023, 2024, 2025]) {
      const haiDuong = province.code === HAI_DUONG.province && year === HAI_DUONG.year;
      plans.push({
        province,
        structure: 'THREE_TIER',
        label: String(year),
        year,
        issuedFrom: `${year}-01-10`,
        issueSpread: 45,
        deadlines: [`${year}-03-31`, `${year}-06-30`, `${year}-09-30`, `${year}-12-31`],
        ...(haiDuong ? { count: HAI_DUONG.tasks, allAtOnce: true } : {}),
      });
    }
  }
  for (const province of areasOfLevel('PROVINCE', 'TWO_TIER')) {
    plans.push({ province, structure: 'TWO_TIER', label: '2025b', year: 2025, issuedFrom: '2025-08-05', issueSpread: 20, deadlines: ['2025-12-31', '2026-06-30'] });
    plans.push({ province, structure: 'TWO_TIER', label: '2026', year: 2026, issuedFrom: '2026-01-10', issueSpread: 45, deadlines: ['2026-03-31', '2026-06-30', '2026-09-30', '2026-12-31'] });
  }
  const all: ProjectTask[] = [];
  const byPlan = new Map<string, ProjectTask[]>();
  for (const plan of plans) {
    const pace = 0.6 + 0.35 * seedrandom.alea(`project-tasks:pace:${plan.structure}:${plan.province.code}`)();
    const tasks = planTasks(plan, pace);
    byPlan.set(`${plan.structure}:${plan.province.code}:${plan.label}`, tasks);
    all.push(...tasks);
  }
  calibrateHaiDuong(byPlan.get('THREE_TIER:30:2022')!, byPlan.get('THREE_TIER:30:2023')!);
  calibrateThanhHoa(byPlan.get('THREE_TIER:38:2022')!);
  return all;
}

/**
 * The old commune a task is handed out with (the demo world streams the old communes): its own,
 * or for a two-tier commune the first old commune it was made from.
 */
function demoCommuneOf(t: ProjectTask): string {
  if (t.communeStructure === 'THREE_TIER') return t.communeCode;
  return linkedAreas(areaByCode(t.communeCode, 'TWO_TIER')!, 'predecessors').find((a) => a.level === 'COMMUNE')!.code;
}

/** The demo tasks handed out with one old commune of the demo world (module.ts `demo`). */
export function demoTasksOf(c: Pick<DemoCommune, 'commune'>): ProjectTask[] {
  if (!byCommune) {
    byCommune = new Map();
    for (const t of allDemoTasks()) {
      const key = demoCommuneOf(t);
      const list = byCommune.get(key);
      if (list) list.push(t);
      else byCommune.set(key, [t]);
    }
  }
  return byCommune.get(c.commune.code) ?? [];
}
