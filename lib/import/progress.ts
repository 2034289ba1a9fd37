/**
 * Progress of an import on a terminal: a bar with rows done, rows per second and time left.
 * The row count is not known before the end (the file is read once), so the bar follows the
 * bytes read. Off a terminal (a pipe, a log file, CI) nothing is drawn: the command prints its
 * summary line at the end instead.
 */
import cliProgress from 'cli-progress';
import type { ImportProgress } from './engine';

export function terminalProgress(stream: NodeJS.WriteStream = process.stdout): { onProgress: (p: ImportProgress) => void; stop(): void } {
  if (!stream.isTTY) return { onProgress: () => {}, stop: () => {} };
  let bar: cliProgress.SingleBar | null = null;
  let started = 0;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  const onProgress = (p: ImportProgress) => {
    if (!bar) {
      started = performance.now();
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `importing {bar} {percentage}% | {rows} rows | {speed} rows/s | {eta_formatted} left`,
          barsize: 30,
          hideCursor: true,
          etaBuffer: 50,
          formatValue: (v, _options, type) => (type === 'value' || type === 'total' ? v.toLocaleString('en-US') : String(v)),
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(p.totalBytes, 1), 0, { rows: '0', speed: '0' });
    }
    const seconds = (performance.now() - started) / 1000;
    const speed = seconds > 0 ? Math.round(p.rows / seconds) : 0;
    bar.update(p.bytes, { rows: p.rows.toLocaleString('en-US'), speed: speed.toLocaleString('en-US') });
  };
  return { onProgress, stop };
}
