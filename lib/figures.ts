/**
 * The per-request loader behind every domain's `AreaStats.<domain>` field: it collects the
 * (area, period) keys of one subgraph fetch and reads them with one SQL statement. A key with an
 * unknown area or a malformed period fails alone, with a BAD_USER_INPUT error naming it.
 */
import DataLoader from 'dataloader';
import { requireArea } from './admin-units';
import type { Db } from './db';
import { parsePeriod } from './periods';
import { readFigures, type FigureReading, type SummaryKey, type SummarySpec } from './summary-store';

export interface AreaStatsRef {
  areaCode: string;
  period: string;
}

export function createFigureLoader<M extends string>(db: Db, spec: SummarySpec<M>): DataLoader<AreaStatsRef, FigureReading<M>, string> {
  return new DataLoader<AreaStatsRef, FigureReading<M>, string>(
    async (refs) => {
      const valid: SummaryKey[] = [];
      const slots: (number | Error)[] = refs.map((ref) => {
        try {
          requireArea(ref.areaCode, undefined, 'areaCode');
          valid.push({ areaCode: ref.areaCode, period: parsePeriod(ref.period) });
          return valid.length - 1;
        } catch (err) {
          return err as Error;
        }
      });
      const readings = await readFigures(db, spec, valid);
      return slots.map((s) => (typeof s === 'number' ? readings[s] : s));
    },
    { cacheKeyFn: (ref) => `${ref.areaCode}|${ref.period}`, maxBatchSize: 5000 },
  );
}
