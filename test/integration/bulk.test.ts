/**
 * The bulk write path (lib/bulk.ts) on real databases: rows of awkward text (tabs, newlines,
 * backslashes, quotes, Vietnamese, NULL) come back exactly as written, whether they went as
 * statements or, on MySQL, as one LOAD DATA LOCAL; a duplicate key among plain inserts fails the
 * write and the transaction leaves the table as it was; `add` adds and `replace` overwrites.
 */
import { bulkUpsertFlat, type UpsertShape } from '../../lib/bulk';
import { openDb, type Db } from '../../lib/db';
import { testDatabases } from '../helpers/graph';

const AWKWARD = ['plain', 'tab\there', 'line\nbreak', 'back\\slash', "quote's \"double\"", 'Thành phố Hải Dương', '\\N', 'cr\rlf', ''];

describe.each(testDatabases())('bulk writes on $label', (database) => {
  let db: Db;
  const shape = (onConflict: UpsertShape['onConflict']): UpsertShape => ({ table: 'bulk_probe', key: ['code', 'n'], columns: ['code', 'n', 'label', 'amount'], onConflict });

  /** 2,500 rows (enough for MySQL's LOAD DATA path, below it too with `rows`), each value derived from its index. */
  function rowsOf(count: number, amount: (i: number) => number): unknown[] {
    const values: unknown[] = [];
    for (let i = 0; i < count; i++) values.push(`c${i % 7}`, i, i % 10 === 9 ? null : `${AWKWARD[i % AWKWARD.length]}#${i}`, amount(i));
    return values;
  }
  const stored = async () => (await db('bulk_probe').orderBy(['n'])).map((r: Record<string, unknown>) => ({ code: r.code, n: Number(r.n), label: r.label, amount: Number(r.amount) }));
  const expectedRows = (count: number, amount: (i: number) => number) =>
    Array.from({ length: count }, (_, i) => ({ code: `c${i % 7}`, n: i, label: i % 10 === 9 ? null : `${AWKWARD[i % AWKWARD.length]}#${i}`, amount: amount(i) }));

  beforeAll(async () => {
    db = await openDb(database.config('bulk'), 'residency');
    await db.schema.dropTableIfExists('bulk_probe');
    await db.raw('CREATE TABLE bulk_probe (code VARCHAR(16) NOT NULL, n INTEGER NOT NULL, label VARCHAR(64), amount BIGINT NOT NULL, PRIMARY KEY (code, n))');
  });
  afterAll(async () => {
    await db?.schema.dropTableIfExists('bulk_probe');
    await db?.destroy();
  });

  test.each([2500, 30])('%d plain inserts come back exactly as written', async (count) => {
    await db('bulk_probe').delete();
    await db.transaction((trx) => bulkUpsertFlat(trx, shape('fail'), rowsOf(count, (i) => i * 3 - 1000)));
    expect(await stored()).toEqual(expectedRows(count, (i) => i * 3 - 1000));
  });

  test('a duplicate key among plain inserts fails the write and changes nothing', async () => {
    await db('bulk_probe').delete();
    await db.transaction((trx) => bulkUpsertFlat(trx, shape('fail'), rowsOf(2500, () => 1)));
    const before = await stored();
    // 2,400 new rows (n from 2,500 on) and, last, one whose key (c0, 0) is already stored:
    // LOAD DATA LOCAL would skip it with a warning and keep the rest, unless the write refuses.
    const fresh = rowsOf(2400, () => 5).map((v, i) => (i % 4 === 1 ? (v as number) + 2500 : v));
    const duplicated = [...fresh, 'c0', 0, 'again', 5];
    await expect(db.transaction((trx) => bulkUpsertFlat(trx, shape('fail'), duplicated))).rejects.toMatchObject({
      message: expect.stringMatching(/duplicate|UNIQUE|bulk write/i),
    });
    expect(await stored()).toEqual(before);
  });

  test('add adds to the stored values and replace overwrites them', async () => {
    await db('bulk_probe').delete();
    await db.transaction((trx) => bulkUpsertFlat(trx, shape('fail'), rowsOf(2500, (i) => i)));
    // `add` adds every column outside the key: figures only, as summaries are.
    const sums = rowsOf(2500, () => 10).filter((_, i) => i % 4 !== 2);
    await db.transaction((trx) => bulkUpsertFlat(trx, { table: 'bulk_probe', key: ['code', 'n'], columns: ['code', 'n', 'amount'], onConflict: 'add' }, sums));
    expect((await stored()).map((r) => r.amount)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 10));
    await db.transaction((trx) => bulkUpsertFlat(trx, shape('replace'), rowsOf(2500, () => 7)));
    expect(await stored()).toEqual(expectedRows(2500, () => 7));
  });
});
