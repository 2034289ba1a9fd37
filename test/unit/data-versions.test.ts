/**
 * The data versions behind the response cache's invalidation, in their file form: what one
 * process bumps, another reads at once (no delay, no missed bump), per domain and per dataset.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../lib/config';
import { datasetId, openDataVersions } from '../../lib/data-versions';

const configIn = (dir: string) => loadConfig({ NODE_ENV: 'test', DATA_DIR: dir });

describe('data versions in a file', () => {
  test('a bump by one opener is seen by another at its next read, for that domain only', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-versions-'));
    const reader = openDataVersions(configIn(dir));
    const writer = openDataVersions(configIn(dir));
    expect(await reader.read(['land', 'health'])).toEqual(['0', '0']);
    await writer.bump('land');
    const [land1, health1] = await reader.read(['land', 'health']);
    expect(land1).not.toBe('0');
    expect(health1).toBe('0');
    // Bumps in quick succession all count: each read after a bump sees a new token.
    const seen = new Set([land1]);
    for (let i = 0; i < 50; i++) {
      await writer.bump('land');
      const [land] = await reader.read(['land']);
      expect(seen.has(land)).toBe(false);
      seen.add(land);
    }
    expect(await reader.read(['health'])).toEqual(['0']);
  });

  test('a data directory emptied and started again is read afresh', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-versions-'));
    const versions = openDataVersions(configIn(dir));
    for (let i = 0; i < 5; i++) await versions.bump('residency');
    const before = await versions.read(['residency']);
    fs.rmSync(path.join(dir, 'data-versions.log'));
    expect(await versions.read(['residency'])).toEqual(['0']);
    await versions.bump('residency');
    const [after] = await versions.read(['residency']);
    expect(after).not.toBe('0');
    expect(after).not.toBe(before[0]);
  });

  test('datasets are told apart by their folder or their MySQL server and prefix', () => {
    expect(datasetId(configIn('/tmp/a'))).not.toBe(datasetId(configIn('/tmp/b')));
    const mysql = (prefix: string) => loadConfig({ NODE_ENV: 'test', DB_CLIENT: 'mysql2', MYSQL_URL: 'mysql://root@db:3306', MYSQL_DATABASE_PREFIX: prefix });
    expect(datasetId(mysql('p06_'))).not.toBe(datasetId(mysql('other_')));
    expect(datasetId(mysql('p06_'))).toBe(datasetId(mysql('p06_')));
  });
});
