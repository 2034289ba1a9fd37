/**
 * The indicators this domain contributes: factor × numerator / denominator of its figures, each
 * summed over the unit first (the DHIS2 rule), so a province's rate is never an average of its
 * communes'. Both are stocks over stocks: shares of the year's workload as of the period's last
 * day (facts.ts).
 */
import type { IndicatorDefinition } from '../../lib/indicators';

export const PROJECT_TASK_INDICATORS: readonly IndicatorDefinition[] = [
  {
    id: 'completionRate',
    name: 'Project 06 task completion rate',
    nameVi: 'Tỷ lệ nhiệm vụ Đề án 06 đã hoàn thành',
    description:
      "Share of the year's Project 06 tasks done, as of the period's last day (stock over stock): tasks done this calendar year over the tasks assigned so far less those completed in an earlier year.",
    numerator: 'projectTasks.done',
    denominator: 'projectTasks.tasks',
    factor: 1,
    unit: 'fraction',
    sourceDomains: ['project-tasks'],
  },
  {
    id: 'overdueShare',
    name: 'Share of Project 06 tasks overdue',
    nameVi: 'Tỷ lệ nhiệm vụ Đề án 06 quá hạn',
    description:
      "Share of the year's Project 06 tasks overdue (past their deadline and not done), as of the period's last day (stock over stock).",
    numerator: 'projectTasks.overdue',
    denominator: 'projectTasks.tasks',
    factor: 1,
    unit: 'fraction',
    sourceDomains: ['project-tasks'],
  },
];
