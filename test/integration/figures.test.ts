/**
 * The figure loader (lib/figures.ts) over real summaries on SQLite: a small summary of its own
 * (people, protected; parcels, not) written with the summaries' own writer, then read for
 * each kind of caller. Expected figures are the deltas written, added up here; expected
 * published counts come from the documented perturbation table (test/helpers/disclosure-reference.ts)
 * applied to the sum of the record keys written; expected statuses from the README's rules.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { placeOf } from '../../lib/areas';
import { ANONYMOUS, type Identity } from '../../lib/auth';
import { loadConfig } from '../../lib/config';
import { openDb, type Db } from '../../lib/db';
import { createFigureLoader, figuresObject, requireStarted, type FigureRule } from '../../lib/figures';
import { parsePeriod } from '../../lib/periods';
import { addReformSummaryTables, applyDeltas, createSummaryTables, monthTotalsMigration, PLACED_BY_RULE, type FigureDelta, type SummarySpec } from '../../lib/summaries';
import { referencePublished } from '../helpers/disclosure-reference';

type M = 'people' | 'parcels';
const spec: SummarySpec<M> = { name: 'mt_summary', metrics: ['people', 'parcels'], protectedMetrics: ['people'] };
const TODAY = '2026-11-29';

const who = (roles: Identity['roles'], provinces: string[] = []): Identity => ({ sub: 'u', roles, provinces, clientAddress: null });
const admin = who(['admin']);
const analyst = who(['analyst']);

/**
 * Commune 10525 of Hải Dương city (district 288, province 30): three people registered on
 * 2024-03-10 (record keys 20,000, 30,000 and 10,000), one on 2024-05-02 (key 50,000), and two
 * parcels on 2024-03-10; a fact placed by rule in 10507, of the same district. Delivered
 * through 2024-06-30. Commune 00004 of Hà Nội: one parcel, delivered through today.
 */
const people = [
  { date: '2024-03-10', key: 20_000 },
  { date: '2024-03-10', key: 30_000 },
  { date: '2024-03-10', key: 10_000 },
  { date: '2024-05-02', key: 50_000 },
];

/** True counts and cell keys of the people registered in [start, end], or by `end` (stock). */
const count = (from: string, to: string) => {
  const counted = people.filter((p) => p.date >= from && p.date <= to);
  return { n: counted.length, key: counted.reduce((s, p) => s + p.key, 0) };
};

let db: Db;
beforeAll(async () => {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'p06-figures-')), DEMO_SCALE: '0' });
  db = await openDb(config, 'figures');
  await createSummaryTables(db, spec);
  await addReformSummaryTables(db, spec);
  // The summaries as every domain has them since: month-end running totals instead of year-end ones.
  await monthTotalsMigration(spec).up(db);
  const cell = (code: string, id: string) => placeOf(code, 'THREE_TIER', id, 'people').cell;
  const deltas: FigureDelta<M>[] = [
    ...people.map((p, i) => ({ place: cell('10525', `p${i}`), date: p.date, metric: 'people' as const, delta: 1, key: p.key })),
    { place: cell('10525', 'land'), date: '2024-03-10', metric: 'parcels', delta: 2 },
    { place: cell('10507', 'rule'), date: '2024-03-10', metric: PLACED_BY_RULE, delta: 1 },
  ];
  await db.transaction((trx) => applyDeltas(trx, spec, deltas, { deliveredThrough: '2024-06-30' }));
  // The second parcel is dated after today (a clock ahead somewhere): the period containing today is read up to today, without it.
  const hn = [
    { place: cell('00004', 'hn'), date: '2025-01-05', metric: 'parcels' as const, delta: 1 },
    { place: cell('00004', 'hn2'), date: '2026-12-15', metric: 'parcels' as const, delta: 1 },
  ];
  await db.transaction((trx) => applyDeltas(trx, spec, hn, { deliveredThrough: TODAY }));
});
afterAll(() => db?.destroy());

const load = (identity: Identity, refs: [string, string][], today = TODAY, s: SummarySpec<M> = spec) => {
  const rule: FigureRule = { identity, today };
  const loader = createFigureLoader(db, s, rule);
  return loader.loadMany(refs.map(([areaId, period]) => ({ areaId, period })));
};
const plain = (r: any) => (r instanceof Error ? { error: r.message, code: (r as any).extensions?.code } : { people: [r.stock.people, r.flow.people], parcels: [r.stock.parcels, r.flow.parcels], ...r.status });

test('a caller without a role gets an UNAUTHENTICATED error for every key', async () => {
  const out = await load(ANONYMOUS, [['THREE_TIER:10525', '2024'], ['VN', '2024']]);
  expect(out.map(plain)).toEqual(new Array(2).fill({ error: 'Authentication required to read figures: send a bearer token', code: 'UNAUTHENTICATED' }));
});

test('an admin reads exact stocks and flows, in the order asked, a bad key failing alone', async () => {
  const out = await load(admin, [
    ['THREE_TIER:10525', '2024-03'],
    ['THREE_TIER:77777', '2024-03'],
    ['THREE_TIER:288', '2024-05'],
    ['THREE_TIER:10525', '2024-3'],
    ['THREE_TIER:30', '2027'],
    ['TWO_TIER:31', '2024'],
  ]);
  const mar = count('2024-03-01', '2024-03-31');
  const byMay = count('1900-01-01', '2024-05-31');
  const may = count('2024-05-01', '2024-05-31');
  const whole = count('2024-01-01', '2024-12-31');
  const status = (figuresAsOf: string, complete: boolean, estimated: boolean) => ({ known: true, complete, figuresAsOf, deliveredThrough: '2024-06-30', estimated, protected: false });
  expect((out[4] as any).extensions).toMatchObject({ argumentName: 'period', value: '2027' });
  expect(out.map(plain)).toEqual([
    { people: [mar.n, mar.n], parcels: [2, 2], ...status('2024-03-31', true, false) },
    { error: expect.stringContaining('77777'), code: 'BAD_USER_INPUT' },
    { people: [byMay.n, may.n], parcels: [2, 0], ...status('2024-05-31', true, true) },
    { error: 'Invalid period "2024-3": expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD', code: 'BAD_USER_INPUT' },
    { error: 'Period "2027" starts after today (2026-11-29, Viet Nam): figures exist only up to today', code: 'BAD_USER_INPUT' },
    // The year runs past the delivery: it stands at 2024-06-30 and is not complete.
    { people: [whole.n, whole.n], parcels: [2, 2], ...status('2024-06-30', false, true) },
  ]);
});

test('a period is known up to its delivery date included, complete when it ended by then, and null beyond', async () => {
  const out = await load(admin, [['THREE_TIER:10525', '2024-06'], ['THREE_TIER:10525', '2024-06-30'], ['THREE_TIER:10525', '2024-07-01'], ['THREE_TIER:10525', '2024-Q3']]);
  const all = count('1900-01-01', '2024-06-30').n;
  const status = (known: boolean, complete: boolean, figuresAsOf: string) => ({ known, complete, figuresAsOf, deliveredThrough: '2024-06-30', estimated: false, protected: false });
  expect(out.map(plain)).toEqual([
    { people: [all, 0], parcels: [2, 0], ...status(true, true, '2024-06-30') },
    { people: [all, 0], parcels: [2, 0], ...status(true, true, '2024-06-30') },
    { people: [null, null], parcels: [null, null], ...status(false, false, '2024-06-30') },
    { people: [null, null], parcels: [null, null], ...status(false, false, '2024-06-30') },
  ]);
});

test('the period containing today is read up to today and is not complete even where delivered through today; a unit never delivered is known, never complete', async () => {
  const out = await load(admin, [['THREE_TIER:00004', '2026'], ['THREE_TIER:00004', TODAY], ['THREE_TIER:00004', '2026-11-28'], ['THREE_TIER:00001', '2024'], ['THREE_TIER:00001', TODAY], ['THREE_TIER:00001', '2026-11']]);
  const st = (complete: boolean, figuresAsOf: string, deliveredThrough: string | null) => ({ known: true, complete, figuresAsOf, deliveredThrough, estimated: false, protected: false });
  expect(out.map(plain)).toEqual([
    { people: [0, 0], parcels: [1, 0], ...st(false, TODAY, TODAY) },
    { people: [0, 0], parcels: [1, 0], ...st(false, TODAY, TODAY) },
    { people: [0, 0], parcels: [1, 0], ...st(true, '2026-11-28', TODAY) },
    { people: [0, 0], parcels: [0, 0], ...st(false, '2024-12-31', null) },
    { people: [0, 0], parcels: [0, 0], ...st(false, TODAY, null) },
    { people: [0, 0], parcels: [0, 0], ...st(false, TODAY, null) },
  ]);
});

test('analysts get perturbed counts of people in communes and districts, exact ones in provinces and the nation, and exact parcels', async () => {
  const refs: [string, string][] = [['THREE_TIER:10525', '2024-03'], ['THREE_TIER:288', '2024-05'], ['THREE_TIER:30', '2024-05'], ['VN', '2024-05'], ['TWO_TIER:10525', '2024-05'], ['TWO_TIER:31', '2024-05']];
  const out = (await load(analyst, refs)).map(plain);
  const mar = count('2024-03-01', '2024-03-31');
  const byMay = count('1900-01-01', '2024-05-31');
  const may = count('2024-05-01', '2024-05-31');
  const protectedPeople = [referencePublished(byMay.n, byMay.key), referencePublished(may.n, may.key)];
  const exactPeople = [byMay.n, may.n];
  expect(out.map((o: any) => [o.people, o.parcels, o.protected])).toEqual([
    [[referencePublished(mar.n, mar.key), referencePublished(mar.n, mar.key)], [2, 2], true],
    [protectedPeople, [2, 0], true],
    [exactPeople, [2, 0], false],
    [exactPeople, [2, 0], false],
    [protectedPeople, [2, 0], true],
    [exactPeople, [2, 0], false],
  ]);
  // The keys were chosen so that the noise shows: +2 in March, +1 for May's flow, 0 for the stock (sum past 2^16).
  expect(out[0].people).toEqual([5, 5]);
  expect(out[1].people).toEqual([4, 2]);
});

test('an officer sees exact counts in their provinces only; unknown periods stay null and unprotected', async () => {
  const refs: [string, string][] = [['THREE_TIER:10525', '2024-03'], ['THREE_TIER:10525', '2024-08']];
  const mine = (await load(who(['officer'], ['30']), refs)).map(plain);
  const other = (await load(who(['officer'], ['01']), refs)).map(plain);
  const mar = count('2024-03-01', '2024-03-31');
  expect(mine.map((o: any) => [o.people, o.protected])).toEqual([[[mar.n, mar.n], false], [[null, null], false]]);
  expect(other.map((o: any) => [o.people, o.protected])).toEqual([[[referencePublished(mar.n, mar.key), referencePublished(mar.n, mar.key)], true], [[null, null], false]]);
});

test('a summary without protected figures is published as read, and says it was protected for this caller', async () => {
  const [reading] = await load(analyst, [['THREE_TIER:10525', '2024-03']], TODAY, { name: 'mt_summary', metrics: ['people', 'parcels'] });
  expect([plain(reading)].map((o: any) => [o.people, o.protected])).toEqual([[[3, 3], true]]);
  // Nothing but the summary's own columns.
  expect(Object.keys((reading as any).stock).sort()).toEqual(['parcels', 'people', 'placed_by_rule']);
});

test('the same key asked twice in one batch reads once and answers both; different keys are not confused', async () => {
  const out = await load(admin, [['THREE_TIER:10525', '2024-03'], ['THREE_TIER:10525', '2024-05'], ['THREE_TIER:10525', '2024-03']]);
  expect(out.map((o: any) => o.flow.people)).toEqual([3, 1, 3]);
  expect(out[0]).toBe(out[2]);
});

test('figuresObject: each field from a stock, a flow or a sum of the reading, with the status; null where not known', async () => {
  const [known, unknown] = await load(admin, [['THREE_TIER:10525', '2024-05'], ['THREE_TIER:10525', '2025']]);
  const fields = { residents: ['stock', 'people'], newResidents: ['flow', 'people'], everything: (r: any) => r.stock.people + r.stock.parcels } as const;
  expect(figuresObject(known as any, fields as any)).toEqual({ residents: 4, newResidents: 1, everything: 6, suppressedFields: [], complete: true, figuresAsOf: '2024-05-31', deliveredThrough: '2024-06-30', estimated: false, protected: false });
  expect(figuresObject(unknown as any, fields as any)).toEqual({ residents: null, newResidents: null, everything: null, suppressedFields: [], complete: false, figuresAsOf: '2024-06-30', deliveredThrough: '2024-06-30', estimated: false, protected: false });
});

test('requireStarted: a period starting today is readable, one starting tomorrow is refused, naming the argument', () => {
  expect(() => requireStarted(parsePeriod(TODAY), TODAY)).not.toThrow();
  expect(() => requireStarted(parsePeriod('2026-11-30'), TODAY, 'from')).toThrow('Period "2026-11-30" starts after today (2026-11-29, Viet Nam)');
  try {
    requireStarted(parsePeriod('2026-12'), TODAY, 'from');
  } catch (err: any) {
    expect(err.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'from', value: '2026-12' });
  }
  expect.assertions(3);
});
