/**
 * The project's task groups. Provincial plans for Project 06 sort their tasks into groups (Thanh
 * Hóa's 2022 plan had 13: ../shared/DOMAIN.md). No national list of 13 names is published with
 * the figures, so these follow the headings of Decision 06/QĐ-TTg (its legal tasks, its five
 * groups of uses of population data, and the groups that enable them), split where provincial
 * plans split them (the police's essential services apart from the others). An import file gives
 * a task's group by its code.
 */

export const TASK_GROUPS = [
  { code: 'LEGAL_FRAMEWORK', name: 'Legal framework and policies', nameVi: 'Hoàn thiện thể chế, chính sách' },
  { code: 'POLICE_ESSENTIAL_SERVICES', name: 'Essential public services of the police', nameVi: 'Dịch vụ công thiết yếu của Công an' },
  { code: 'OTHER_ESSENTIAL_SERVICES', name: 'Other essential public services (commune, electricity, exams, unemployment benefit)', nameVi: 'Dịch vụ công thiết yếu khác' },
  { code: 'ADMINISTRATIVE_PROCEDURES', name: 'Administrative procedures simplified with population data', nameVi: 'Cắt giảm thủ tục hành chính, giấy tờ công dân' },
  { code: 'SOCIO_ECONOMIC_USES', name: 'Uses for socio-economic development (banking, social insurance, welfare)', nameVi: 'Phục vụ phát triển kinh tế, xã hội' },
  { code: 'DIGITAL_CITIZENS', name: 'Digital citizens: chip ID cards and VNeID accounts', nameVi: 'Phục vụ công dân số' },
  { code: 'POPULATION_DATA', name: 'Enriching and cleaning population data', nameVi: 'Làm giàu, làm sạch dữ liệu dân cư' },
  { code: 'SECTOR_DATABASES', name: 'Sector databases digitized and linked (land, civil status, health)', nameVi: 'Số hóa, kết nối cơ sở dữ liệu chuyên ngành' },
  { code: 'LEADERSHIP_DIRECTION', name: 'Serving the direction of leaders at every level', nameVi: 'Phục vụ chỉ đạo, điều hành của lãnh đạo các cấp' },
  { code: 'INFRASTRUCTURE', name: 'Information technology infrastructure and connections', nameVi: 'Hạ tầng công nghệ thông tin, kết nối' },
  { code: 'INFORMATION_SECURITY', name: 'Information security', nameVi: 'Bảo đảm an ninh, an toàn thông tin' },
  { code: 'RESOURCES', name: 'Staff and funding', nameVi: 'Nguồn lực, kinh phí' },
  { code: 'COMMUNICATION', name: 'Communication and training', nameVi: 'Tuyên truyền, tập huấn' },
] as const;

export type TaskGroup = (typeof TASK_GROUPS)[number]['code'];
export const TASK_GROUP_CODES: readonly TaskGroup[] = TASK_GROUPS.map((g) => g.code);

/** The summary columns of a group's figures: `tasks_g1` ... `tasks_g13`, `done_g1` ... (short: MySQL names stop at 64 characters). */
type GroupIndex = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13;
export type GroupMetric = `tasks_g${GroupIndex}` | `done_g${GroupIndex}`;
// The casts are checked by the unit test that every group's two columns are in GROUP_METRICS.
export const groupTasksMetric = (i: number) => `tasks_g${i + 1}` as GroupMetric;
export const groupDoneMetric = (i: number) => `done_g${i + 1}` as GroupMetric;
export const GROUP_METRICS: readonly GroupMetric[] = TASK_GROUPS.flatMap((_, i) => [groupTasksMetric(i), groupDoneMetric(i)]);
