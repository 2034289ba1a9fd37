/**
 * The 25 essential public services of Project 06 (Đề án 06, "25 dịch vụ công thiết yếu"), the
 * reference list every dossier names its service from. ../shared/DOMAIN.md gives the groups as
 * reported in 2025: 13 handled by the police (among them the chip ID card, permanent and
 * temporary residence, the criminal record certificate), 6 at the commune (birth, death and
 * marriage registration, the under-6 bundle, the death bundle, land and house change
 * registration) and 6 others (electricity, exams and admissions, unemployment benefit). The
 * services of each group that DOMAIN.md does not name are those the project's reports list
 * alongside them; the agencies are those that handle each service.
 *
 * `demoDueDays` and `demoWeight` are the demo world's assumptions (demo.ts), not law: an imported
 * dossier brings its own due date.
 */
export const SERVICE_GROUPS = ['POLICE', 'COMMUNE', 'OTHER'] as const;
export type ServiceGroup = (typeof SERVICE_GROUPS)[number];

export interface EssentialService {
  /** The code a dossier names the service by (the import's `service_code`). */
  code: string;
  name: string;
  nameVi: string;
  group: ServiceGroup;
  /** The agency that receives and resolves its dossiers. */
  agency: string;
  agencyVi: string;
  /** Days from receipt to the due date in the demo world. */
  demoDueDays: number;
  /** Relative share of the demo's dossiers. */
  demoWeight: number;
}

/** A service of `group`, written as one row of the list below. */
const inGroup =
  (group: ServiceGroup) =>
  (code: string, name: string, nameVi: string, agency: string, agencyVi: string, demoDueDays: number, demoWeight: number): EssentialService => ({
    code, name, nameVi, group, agency, agencyVi, demoDueDays, demoWeight,
  });
const police = inGroup('POLICE');
const commune = inGroup('COMMUNE');
const other = inGroup('OTHER');

const COMMUNE_POLICE = ['Commune police', 'Công an cấp xã'] as const;
const PROVINCIAL_POLICE = ['Provincial police', 'Công an cấp tỉnh'] as const;
const TRAFFIC_POLICE = ['Traffic police', 'Cảnh sát giao thông'] as const;
const COMMUNE_COMMITTEE = ["Commune People's Committee (justice and civil status officer)", 'Ủy ban nhân dân cấp xã (công chức tư pháp - hộ tịch)'] as const;

export const ESSENTIAL_SERVICES: readonly EssentialService[] = [
  police('CHIP_ID_CARD', 'Issuance, renewal and reissue of the chip ID card', 'Cấp, đổi, cấp lại thẻ căn cước', ...PROVINCIAL_POLICE, 7, 12),
  police('FORMER_ID_CONFIRMATION', 'Confirmation of the former 9-digit ID number', 'Xác nhận số chứng minh nhân dân 9 số', ...COMMUNE_POLICE, 3, 4),
  police('PERMANENT_RESIDENCE', 'Permanent residence registration', 'Đăng ký thường trú', ...COMMUNE_POLICE, 7, 8),
  police('TEMPORARY_RESIDENCE', 'Temporary residence registration', 'Đăng ký tạm trú', ...COMMUNE_POLICE, 3, 10),
  police('TEMPORARY_RESIDENCE_EXTENSION', 'Extension of temporary residence', 'Gia hạn tạm trú', ...COMMUNE_POLICE, 3, 3),
  police('TEMPORARY_ABSENCE', 'Declaration of temporary absence', 'Khai báo tạm vắng', ...COMMUNE_POLICE, 1, 2),
  police('NOTICE_OF_STAY', 'Notice of stay', 'Thông báo lưu trú', ...COMMUNE_POLICE, 1, 12),
  police('PASSPORT', 'Issuance of an ordinary passport in the country', 'Cấp hộ chiếu phổ thông ở trong nước', 'Provincial police, immigration office', 'Phòng Quản lý xuất nhập cảnh, Công an cấp tỉnh', 8, 4),
  police('VEHICLE_REGISTRATION', 'Vehicle registration and number plates', 'Đăng ký, cấp biển số xe', ...TRAFFIC_POLICE, 2, 6),
  police('VEHICLE_DEREGISTRATION', 'Withdrawal of a vehicle registration and its plates', 'Thu hồi đăng ký, biển số xe', ...TRAFFIC_POLICE, 2, 2),
  police('TRAFFIC_FINE', 'Payment of a traffic fine', 'Nộp phạt vi phạm hành chính trong lĩnh vực giao thông', ...TRAFFIC_POLICE, 1, 6),
  police('CRIMINAL_RECORD_CERTIFICATE', 'Criminal record certificate', 'Cấp phiếu lý lịch tư pháp', ...PROVINCIAL_POLICE, 10, 3),
  police('DRIVING_LICENCE_RENEWAL', 'Renewal of a driving licence', 'Đổi giấy phép lái xe', ...TRAFFIC_POLICE, 5, 3),
  commune('BIRTH_REGISTRATION', 'Birth registration', 'Đăng ký khai sinh', ...COMMUNE_COMMITTEE, 1, 4),
  commune('DEATH_REGISTRATION', 'Death registration', 'Đăng ký khai tử', ...COMMUNE_COMMITTEE, 1, 1.5),
  commune('MARRIAGE_REGISTRATION', 'Marriage registration', 'Đăng ký kết hôn', ...COMMUNE_COMMITTEE, 1, 2),
  commune('UNDER_SIX_BUNDLE', 'Birth registration, permanent residence and health insurance card for a child under 6, in one dossier', 'Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi', ...COMMUNE_COMMITTEE, 7, 3),
  commune('DEATH_BUNDLE', 'Death registration, removal from permanent residence and funeral allowance, in one dossier', 'Liên thông đăng ký khai tử, xóa đăng ký thường trú, hưởng mai táng phí', ...COMMUNE_COMMITTEE, 10, 1),
  commune('LAND_CHANGE_REGISTRATION', 'Registration of a change of land and house rights', 'Đăng ký biến động quyền sử dụng đất, quyền sở hữu nhà ở', 'Land registration office (received at the commune)', 'Văn phòng đăng ký đất đai (tiếp nhận tại cấp xã)', 10, 5),
  other('NEW_ELECTRICITY_CONNECTION', 'New connection to the low-voltage grid', 'Cấp điện mới từ lưới điện hạ áp', 'Power company (EVN)', 'Công ty Điện lực (EVN)', 4, 1.5),
  other('ELECTRICITY_CONTRACT_CHANGE', 'Change of the holder of an electricity contract', 'Thay đổi chủ thể hợp đồng mua bán điện', 'Power company (EVN)', 'Công ty Điện lực (EVN)', 3, 1),
  other('GRADUATION_EXAM_REGISTRATION', 'Registration for the upper-secondary graduation exam', 'Đăng ký dự thi tốt nghiệp trung học phổ thông', 'Provincial department of education and training', 'Sở Giáo dục và Đào tạo', 2, 2),
  other('UNIVERSITY_ADMISSION', 'Application for university admission', 'Đăng ký xét tuyển đại học', 'Ministry of Education and Training (admissions system)', 'Bộ Giáo dục và Đào tạo (hệ thống tuyển sinh)', 2, 2),
  other('UNEMPLOYMENT_BENEFIT', 'Unemployment benefit', 'Giải quyết hưởng trợ cấp thất nghiệp', 'Provincial employment service centre', 'Trung tâm Dịch vụ việc làm cấp tỉnh', 20, 1.5),
  other('HEALTH_INSURANCE_RENEWAL', 'Renewal of household health insurance', 'Gia hạn thẻ bảo hiểm y tế theo hộ gia đình', 'Social security office', 'Cơ quan Bảo hiểm xã hội', 5, 3),
];

export const SERVICE_CODES = ESSENTIAL_SERVICES.map((s) => s.code) as [string, ...string[]];

const byCode = new Map(ESSENTIAL_SERVICES.map((s) => [s.code, s]));
export const serviceByCode = (code: string): EssentialService | undefined => byCode.get(code);
