/**
 * The public-services domain end to end, on SQLite and MariaDB: an import file of dossiers in
 * communes of old Hải Dương (30) and old Hải Phòng (31) before the reform, and of today's Hải
 * Phòng (31, which absorbed both) since, plus a few in Hà Nội that must count nowhere here; then
 * the figures and indicators through the gateway for old province 30 (three-tier) in April 2023
 * and new province 31 in October 2026, and for communes of both structures, every expected value
 * counted here from the file's rows. A file with bad rows is refused with each problem's line and
 * column, and changes nothing (rows counted in the database).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { areaByCode, areasOfLevel, getArea, linkedAreas, provinceOf, type Area } from '../../lib/areas';
import { importFile } from '../../lib/import/engine';
import { parsePeriod } from '../../lib/periods';
import { startGraph, testDatabases, type RunningGraph } from '../../test/helpers/graph';
import { importDefinition } from '../registry';
import { ESSENTIAL_SERVICES } from './catalogue';

const COLUMNS = ['dossier_id', 'service_code', 'channel', 'received_on', 'due_on', 'resolved_on', 'outcome', 'commune_code', 'commune_structure'] as const;
type Row = Record<(typeof COLUMNS)[number], string>;

/** Old communes of an old province that passed whole into one new commune (their figures are then exact in both structures). */
const wholeCommunesOf = (province: string, n: number): Area[] =>
  areasOfLevel('COMMUNE', 'THREE_TIER')
    .filter((c) => provinceOf(c)!.code === province && linkedAreas(c, 'successors').length === 1)
    .slice(0, n);
const old30 = wholeCommunesOf('30', 4);
const old31 = wholeCommunesOf('31', 2);
const new31 = old30.slice(0, 3).map((c) => linkedAreas(c, 'successors')[0]);
const hanoi = areasOfLevel('COMMUNE', 'TWO_TIER').find((c) => provinceOf(c)!.code === '01')!;

// A small deterministic stream, so the file is the same in every run.
let state = 7;
const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
const pickOf = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
const day = (month: string) => `${month}-${String(1 + Math.floor(next() * 28)).padStart(2, '0')}`;
const plus = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const TODAY = process.env.TODAY!;

function dossier(i: number, commune: Area, month: string): Row {
  const received = day(month);
  const due = plus(received, 1 + Math.floor(next() * 10));
  const fate = next();
  // About a fifth pending, a fifth resolved late, the rest on time; never after today.
  let resolved = fate < 0.2 ? '' : plus(fate < 0.4 ? due : received, fate < 0.4 ? 1 + Math.floor(next() * 20) : Math.floor(next() * 2));
  if (resolved > TODAY) resolved = '';
  return {
    dossier_id: `T${String(i).padStart(4, '0')}`,
    service_code: pickOf(ESSENTIAL_SERVICES).code,
    channel: pickOf(['NATIONAL_PORTAL', 'PROVINCIAL_PORTAL', 'COUNTER', 'COUNTER']),
    received_on: received,
    due_on: due,
    resolved_on: resolved,
    outcome: resolved ? pickOf(['GRANTED', 'GRANTED', 'REFUSED']) : '',
    commune_code: commune.code,
    commune_structure: commune.structure!,
  };
}

const rows: Row[] = [];
for (const month of ['2023-03', '2023-04', '2023-05']) for (const c of [...old30, ...old31]) for (let k = 0; k < 3; k++) rows.push(dossier(rows.length, c, month));
for (const month of ['2026-09', '2026-10', '2026-11']) for (const c of [...new31, hanoi]) for (let k = 0; k < 4; k++) rows.push(dossier(rows.length, c, month));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-public-services-'));
const csv = (file: string, lines: Row[]) => fs.writeFileSync(path.join(dir, file), [COLUMNS.join(','), ...lines.map((r) => COLUMNS.map((c) => r[c]).join(','))].join('\n'));

/** The rows a unit counts: three-tier rows by their old commune, two-tier ones by their new commune, each unit's territory in its own structure. */
function rowsIn(unit: Area): Row[] {
  const within = (commune: Area, u: Area) => {
    for (let a: Area | undefined = commune; a; a = a.parentId ? getArea(a.parentId) : undefined) if (a.id === u.id) return true;
    return false;
  };
  return rows.filter((r) => {
    const commune = areaByCode(r.commune_code, r.commune_structure as 'THREE_TIER' | 'TWO_TIER')!;
    if (commune.structure === unit.structure) return within(commune, unit);
    // A row of the other structure: through the crosswalk (the communes chosen pass whole into one).
    const other = commune.structure === 'THREE_TIER' ? linkedAreas(commune, 'successors') : linkedAreas(commune, 'predecessors');
    return other.length === 1 && within(other[0], unit);
  });
}

/** Every figure, counted from the rows. */
function expected(unit: Area, period: string) {
  const { start, end: last } = parsePeriod(period);
  // The current period is read as of today.
  const end = last < TODAY ? last : TODAY;
  const mine = rowsIn(unit);
  const during = (d: string) => d !== '' && d >= start && d <= end;
  const byEnd = (d: string) => d !== '' && d <= end;
  const count = (p: (r: Row) => boolean) => mine.filter(p).length;
  const pendingAtEnd = (r: Row) => byEnd(r.received_on) && !byEnd(r.resolved_on);
  const f = {
    dossiersReceived: count((r) => during(r.received_on)),
    dossiersReceivedOnline: count((r) => during(r.received_on) && r.channel !== 'COUNTER'),
    dossiersReceivedViaNationalPortal: count((r) => during(r.received_on) && r.channel === 'NATIONAL_PORTAL'),
    dossiersReceivedViaProvincialPortal: count((r) => during(r.received_on) && r.channel === 'PROVINCIAL_PORTAL'),
    dossiersReceivedAtCounter: count((r) => during(r.received_on) && r.channel === 'COUNTER'),
    dossiersResolved: count((r) => during(r.resolved_on)),
    dossiersResolvedOnTime: count((r) => during(r.resolved_on) && r.resolved_on <= r.due_on),
    dossiersResolvedLate: count((r) => during(r.resolved_on) && r.resolved_on > r.due_on),
    dossiersPending: count(pendingAtEnd),
    dossiersOverdue: count((r) => pendingAtEnd(r) && r.due_on < end),
    dossiersReceivedToDate: count((r) => byEnd(r.received_on)),
    dossiersReceivedOnlineToDate: count((r) => byEnd(r.received_on) && r.channel !== 'COUNTER'),
    dossiersResolvedToDate: count((r) => byEnd(r.resolved_on)),
    dossiersResolvedOnTimeToDate: count((r) => byEnd(r.resolved_on) && r.resolved_on <= r.due_on),
  };
  return { figures: f, indicators: { onlineDossierShare: f.dossiersReceivedOnline / f.dossiersReceived, onTimeResolutionRate: f.dossiersResolvedOnTime / f.dossiersResolved } };
}

const FIGURES = Object.keys(expected(old30[0], '2023-04').figures).join(' ');
const STATS = `publicServices { ${FIGURES} estimated protected } indicators { onlineDossierShare onTimeResolutionRate }`;

describe.each(testDatabases())('public-services on $label', (database) => {
  let graph: RunningGraph;
  const config = database.config('public-services');
  const countRows = async () => Number((await graph.dbs['public-services']('public_service_dossiers').count({ n: '*' }))[0].n);
  beforeAll(async () => {
    graph = await startGraph(config);
    csv('dossiers.csv', rows);
    const summary = await importFile({ config, definition: importDefinition('public-services'), file: path.join(dir, 'dossiers.csv') });
    expect(summary.inserted).toBe(rows.length);
    await graph.dataChanged('public-services');
  });
  afterAll(() => graph?.stop());

  test('the fixture exercises every figure', () => {
    const f = expected(areaByCode('31', 'TWO_TIER')!, '2026-10').figures;
    for (const [name, value] of Object.entries(f)) expect([name, value > 0]).toEqual([name, true]);
  });

  test('the catalogue: 25 essential services, 13 of the police, 6 at the commune, 6 others, each with its agency', async () => {
    const res = await graph.queryGateway('{ essentialPublicServices { code name nameVi group agency agencyVi } police: essentialPublicServices(group: POLICE) { code } }', undefined, { role: 'analyst' });
    expect(res.errors).toBeUndefined();
    const all = res.data.essentialPublicServices as Array<Record<string, string>>;
    expect(all).toHaveLength(25);
    expect(new Set(all.map((s) => s.code)).size).toBe(25);
    expect(['POLICE', 'COMMUNE', 'OTHER'].map((g) => all.filter((s) => s.group === g).length)).toEqual([13, 6, 6]);
    expect(res.data.police).toHaveLength(13);
    for (const s of all) for (const field of ['name', 'nameVi', 'agency', 'agencyVi']) expect(s[field].length).toBeGreaterThan(3);
    const bad = await graph.queryGateway('{ essentialPublicService(code: "PASSPORTS") { name } }');
    expect(bad.errors?.[0]).toMatchObject({ message: expect.stringContaining('Unknown essential public service "PASSPORTS"'), extensions: { code: 'BAD_USER_INPUT' } });
  });

  /** A province's figures and indicators through the gateway, against the rows. */
  async function expectProvince(code: string, structure: 'THREE_TIER' | 'TWO_TIER', period: string) {
    const res = await graph.queryGateway(`{ province(code: "${code}", structure: ${structure}) { stats(period: "${period}") { ${STATS} } } }`);
    expect(res.errors).toBeUndefined();
    const want = expected(areaByCode(code, structure)!, period);
    const { publicServices, indicators } = res.data.province.stats;
    expect(publicServices).toEqual({ ...want.figures, estimated: false, protected: false });
    expect(indicators.onlineDossierShare).toBeCloseTo(want.indicators.onlineDossierShare, 12);
    expect(indicators.onTimeResolutionRate).toBeCloseTo(want.indicators.onTimeResolutionRate, 12);
  }

  test('Hải Dương (old province 30, three-tier) in April 2023', () => expectProvince('30', 'THREE_TIER', '2023-04'));

  test('Hải Phòng (new province 31) in October 2026: its stocks include old 30 and old 31', () => expectProvince('31', 'TWO_TIER', '2026-10'));

  test('communes of both structures, read by an analyst: exact, though marked protected (dossiers are not people)', async () => {
    const units = [...old30.map((c) => [c, '2023-04'] as const), ...new31.map((c) => [c, '2026-10'] as const), ...new31.map((c) => [c, '2023-Q2'] as const)];
    for (const [unit, period] of units) {
      const res = await graph.queryGateway(
        `query($c: String!, $s: AreaStructure!, $p: String!) { commune(code: $c, structure: $s) { stats(period: $p) { publicServices { ${FIGURES} protected } } } }`,
        { c: unit.code, s: unit.structure, p: period },
        { role: 'analyst' },
      );
      expect(res.errors).toBeUndefined();
      expect([unit.id, period, res.data.commune.stats.publicServices]).toEqual([unit.id, period, { ...expected(unit, period).figures, protected: true }]);
    }
  });

  test('a file with bad rows is refused, each problem named by line and column, and nothing changes', async () => {
    const before = await countRows();
    const good = rows[0];
    csv('bad.csv', [
      { ...good, dossier_id: 'B1' },
      { ...good, dossier_id: 'B2', service_code: 'PASSPORTS' },
      { ...good, dossier_id: 'B3', resolved_on: plus(good.received_on, -1), outcome: 'GRANTED' },
      { ...good, dossier_id: 'B4', resolved_on: '', outcome: 'GRANTED' },
      { ...good, dossier_id: 'B5', received_on: '2026-10-02', due_on: '2026-10-09', resolved_on: '', outcome: '', commune_code: old30[0].code, commune_structure: 'THREE_TIER' },
      { ...good, dossier_id: 'B6', due_on: '2023-02-30' },
    ]);
    const refused = importFile({ config, definition: importDefinition('public-services'), file: path.join(dir, 'bad.csv') });
    await expect(refused).rejects.toMatchObject({ name: 'ImportRejected' });
    const message = ((await refused.catch((e: Error) => e)) as Error).message;
    expect(message).toMatch(/line 3, column service_code \(B\), value "PASSPORTS": must be one of CHIP_ID_CARD/);
    expect(message).toMatch(/line 4, column resolved_on \(F\).*is before received_on/);
    expect(message).toMatch(/line 5, column resolved_on \(F\).*a pending dossier has neither/);
    expect(message).toMatch(/line 6, column commune_code \(H\).*cannot locate a fact of 2026-10-02/);
    expect(message).toMatch(/line 7, column due_on \(E\), value "2023-02-30": no such day/);
    expect(message).not.toMatch(/line 2[,:]/);
    expect(await countRows()).toBe(before);
    expect(before).toBe(rows.length);
    const res = await graph.queryGateway(`{ province(code: "30", structure: THREE_TIER) { stats(period: "2023-04") { publicServices { dossiersReceived dossiersResolved } } } }`);
    const want = expected(areaByCode('30', 'THREE_TIER')!, '2023-04').figures;
    expect(res.data.province.stats.publicServices).toEqual({ dossiersReceived: want.dossiersReceived, dossiersResolved: want.dossiersResolved });
  });

  test('a due date after the data-through day is taken (a dossier received yesterday is due next week)', async () => {
    const res = await graph.queryGateway(`{ province(code: "31") { stats(period: "2026-11") { publicServices { dossiersPending dossiersOverdue complete } } } }`);
    expect(res.errors).toBeUndefined();
    expect(rows.some((r) => r.due_on > TODAY)).toBe(true);
    const want = expected(areaByCode('31', 'TWO_TIER')!, '2026-11').figures;
    expect(res.data.province.stats.publicServices).toEqual({ dossiersPending: want.dossiersPending, dossiersOverdue: want.dossiersOverdue, complete: false });
  });
});
