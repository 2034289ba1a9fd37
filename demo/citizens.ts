/**
 * The demo's citizens: who they are, where they have lived, and when they got their chip ID card
 * and eID accounts. Each citizen is generated in the commune they live in last (or last lived
 * in, for one who died or emigrated), so that the world still streams commune by commune; one
 * who moved carries the earlier commune in their residence history.
 */
import type { Area } from '../lib/areas';
import { centuryDigit, type Sex } from '../lib/personal-id';
import type { Citizen } from '../services/residency/facts';
import type { DistrictCalibration } from './calibration';
import { dayAtShare, isoOf } from './curves';
import { deliveredAs, provinceCodeOn } from './places';
import { drawBirthDay, drawEnding, drawRegistrationDay, HORIZON, MOVED_SHARE, type Ending } from './population';
import { pick, type Rng } from './draws';


const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE_M = ['Văn', 'Đức', 'Minh', 'Quang', 'Hữu', 'Thành', 'Công'];
const MIDDLE_F = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh', 'Hồng', 'Kim'];
const GIVEN_M = ['An', 'Bình', 'Cường', 'Dũng', 'Hải', 'Hùng', 'Khánh', 'Long', 'Nam', 'Phong', 'Quân', 'Sơn', 'Tuấn', 'Việt'];
const GIVEN_F = ['Anh', 'Chi', 'Dung', 'Giang', 'Hà', 'Hương', 'Lan', 'Linh', 'Mai', 'Ngọc', 'Phương', 'Thảo', 'Trang', 'Yến'];

/** A residence as the generator sees it: an old (three-tier) commune and the day it was registered. */
export interface DemoResidence {
  commune: Area;
  from: number;
}

/** A citizen with what the other domains need to know about their life, in day numbers. */
export interface DemoLife {
  citizen: Citizen;
  birth: number;
  /** Oldest first; the last is where the citizen was generated. */
  residences: DemoResidence[];
  /** The day the last residence ended (death or emigration); null while it lasts. */
  end: number | null;
  ending: Ending;
}

/** The old commune a citizen lived in on `day` (the first one before they registered anywhere); null once their residence ended. */
export function residenceOn(life: DemoLife, day: number): Area | null {
  if (life.end !== null && day >= life.end) return null;
  let here = life.residences[0].commune;
  for (const r of life.residences) if (r.from <= day) here = r.commune;
  return here;
}

/** The commune a citizen lived in last. */
export const lastResidence = (life: DemoLife): Area => life.residences[life.residences.length - 1].commune;

export interface CitizenContext {
  curves: DistrictCalibration;
  /** Every province code, for citizens born elsewhere. */
  provinces: readonly string[];
  /** Personal IDs given so far: they must be unique across the country. */
  usedIds: { has(id: string): boolean; add(id: string): unknown };
  /** An old commune other than `commune` that a citizen who moved here lived in before. */
  earlierCommune(rng: Rng, commune: Area): Area;
}

const fourteenth = (birth: number) => birth + Math.ceil(365.25 * 14);
const orNull = (day: number | null) => (day === null || day > HORIZON ? null : isoOf(day));
const notBefore = (day: number | null, floor: number) => (day === null ? null : Math.max(day, floor));
/** Nothing happens to a citizen after their residence ended. */
const before = (day: number | null, end: number | null) => (day === null || (end !== null && day >= end) ? null : day);

const deliveredResidence = (r: DemoResidence, personalId: string) => ({ ...deliveredAs(r.commune, r.from, personalId), registeredOn: isoOf(r.from) });

/** `count` citizens living (last) in `commune`, drawn from the citizens' stream `rng`. */
export function makeCitizens(rng: Rng, commune: Area, count: number, ctx: CitizenContext): DemoLife[] {
  const lives: DemoLife[] = [];
  const { curves } = ctx;
  for (let i = 0; i < count; i++) {
    const sex: Sex = rng() < 0.5 ? 'M' : 'F';
    const birth = drawBirthDay(rng);
    const registered = drawRegistrationDay(rng, birth);
    let residences: DemoResidence[] = [{ commune, from: registered }];
    if (rng() < MOVED_SHARE && registered < HORIZON) {
      const moved = registered + 1 + Math.floor(rng() * (HORIZON - registered));
      residences = [{ commune: ctx.earlierCommune(rng, commune), from: registered }, { commune, from: moved }];
    }
    const birthDate = isoOf(birth);
    const year = Number(birthDate.slice(0, 4));
    // Most were registered at birth where they first lived (in the province of that day); some were born in another province.
    const birthProvince = rng() < 0.85 ? provinceCodeOn(residences[0].commune, birth) : pick(rng, ctx.provinces);
    let personalId: string;
    do {
      const serial = String(Math.floor(rng() * 1_000_000)).padStart(6, '0');
      personalId = `0${birthProvince}${centuryDigit(year, sex)}${birthDate.slice(2, 4)}${serial}`;
    } while (ctx.usedIds.has(personalId));
    ctx.usedIds.add(personalId);
    const ending = drawEnding(rng, birth, residences[residences.length - 1].from);
    const end = ending?.day ?? null;
    const adult = fourteenth(birth);
    // One draw for both eID curves, so that level 2 never comes before the account.
    const uChip = rng();
    const uEid = rng();
    const chip = before(notBefore(dayAtShare(curves.chip, uChip, HORIZON), adult), end);
    const account = notBefore(dayAtShare(curves.eidAccount, uEid, HORIZON), adult);
    const level2 = notBefore(dayAtShare(curves.eidLevel2, uEid, HORIZON), adult);
    const eid2 = before(level2 !== null && account !== null && level2 <= HORIZON ? Math.max(level2, account) : null, end);
    const eid1 = before(account !== null && account <= HORIZON && (eid2 === null || account < eid2) ? account : null, end);
    const names = sex === 'M' ? [MIDDLE_M, GIVEN_M] : [MIDDLE_F, GIVEN_F];
    const fullName = `${pick(rng, FAMILY)} ${pick(rng, names[0])} ${pick(rng, names[1])}`;
    const delivered = residences.map((r) => deliveredResidence(r, personalId));
    const latest = delivered[delivered.length - 1];
    // A move between two communes that became one before the earlier residence was registered is no move.
    if (delivered.length > 1 && delivered[0].communeStructure === 'TWO_TIER' && delivered[0].communeCode === latest.communeCode) {
      residences = [{ commune, from: registered }];
      delivered.splice(0, delivered.length, deliveredResidence(residences[0], personalId));
    }
    const current = delivered[delivered.length - 1];
    lives.push({
      birth,
      residences,
      end,
      ending,
      citizen: {
        personalId,
        fullName,
        birthDate,
        sex,
        communeCode: current.communeCode,
        communeStructure: current.communeStructure,
        registeredOn: current.registeredOn,
        previousResidences: delivered.slice(0, -1),
        residenceEndedOn: end === null ? null : isoOf(end),
        residenceEndReason: ending?.reason ?? null,
        chipCardIssuedOn: orNull(chip),
        eidLevel1On: orNull(eid1),
        eidLevel2On: orNull(eid2),
      },
    });
  }
  return lives;
}
