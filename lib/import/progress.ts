/**
 * Progress of an import on a terminal: one bar per pass with rows done, rows per second and
 * time left. Validation does not know the row count yet, so its bar follows the bytes read;
 * writing knows it from the validation. Off a terminal (a pipe, a log file, CI) nothing is drawn:
 * the command prints its summary line at the end instead.
 */
import cliProgress from 'cli-progress';
import type { ImportProgress } from './engine';

const LABELS = { validate: 'validating', write: 'writing   ' } as const;

export function terminalProgress(stream: NodeJS.WriteStream = process.stdout): { onProgress: (p: ImportProgress) => void; stop(): void } {
  if (!stream.isTTY) return { onProgress: () => {}, stop: () => {} };
  let bar: cliProgress.SingleBar | null = null;
  let phase: ImportProgress['phase'] | null = null;
  let phaseStarted = 0;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  const onProgress = (p: ImportProgress) => {
    if (p.phase !== phase) {
      stop();
      phase = p.phase;
      phaseStarted = performance.now();
      const byBytes = p.phase === 'validate';
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${LABELS[p.phase]} {bar} {percentage}% | {rows} rows | {speed} rows/s | {eta_formatted} left`,
          barsize: 30,
          hideCursor: true,
          etaBuffer: 50,
          formatValue: (v, _options, type) => (type === 'value' || type === 'total' ? v.toLocaleString('en-US') : String(v)),
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(byBytes ? Math.max(p.totalBytes, 1) : Math.max(p.totalRows ?? 0, 1), 0, { rows: '0', speed: '0' });
    }
    const seconds = (performance.now() - phaseStarted) / 1000;
    const speed = seconds > 0 ? Math.round(p.rows / seconds) : 0;
    bar!.update(p.phase === 'validate' ? p.bytes : p.rows, { rows: p.rows.toLocaleString('en-US'), speed: speed.toLocaleString('en-US') });
  };
  return { onProgress, stop };
}
