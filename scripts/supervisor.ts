/**
 * A small process supervisor, for `npm start` and the soak: each service in a child process of
 * its own (as in production, where each is a container).
 *
 * - Start: a child says it is ready, or why it could not start, over Node's IPC channel
 *   (lib/process-events.ts); a child that exits before either is reported with its exit code and
 *   the last lines of its stderr. No waiting for a timeout to learn that a port was taken.
 * - Supervision: once started, a child that exits is started again after a backoff (1 s, doubling
 *   up to 30 s; back to 1 s after a minute of running); the others keep serving meanwhile.
 * - Stop: SIGTERM to every child, SIGKILL to those still there after 10 s.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { ServiceEvent } from '../lib/process-events';

export interface ServiceSpec {
  name: string;
  /** Module path without extension; `.ts` (through tsx) or `.js` is added. */
  entry: string;
  env: NodeJS.ProcessEnv;
}

export interface SupervisorOptions {
  /** Run children from TypeScript source through tsx (npm start) or from the build (`.js`). */
  fromSource: boolean;
  /** First restart delay; doubles per consecutive crash. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A run at least this long resets the backoff. */
  stableAfterMs?: number;
  /** Where the supervisor says what it does. */
  log?: (line: string) => void;
  /** Children's stdout/stderr: inherited (npm start) or ignored (soak), stderr kept either way for failure reports. */
  quiet?: boolean;
}

interface Managed {
  spec: ServiceSpec;
  child?: ChildProcess;
  startedAt: number;
  crashes: number;
  restartTimer?: NodeJS.Timeout;
  stderrTail: string;
  restarts: number;
}

export class Supervisor extends EventEmitter {
  private readonly managed = new Map<string, Managed>();
  private stopping = false;
  private readonly log: (line: string) => void;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.log = options.log ?? ((line) => console.error(line));
  }

  /** Starts every service; resolves when all are ready, rejects with the first failure's reason. */
  async startAll(specs: ServiceSpec[]): Promise<void> {
    await Promise.all(specs.map((spec) => this.start(spec)));
  }

  /** Starts one service and resolves when it says it is ready. */
  start(spec: ServiceSpec): Promise<void> {
    const m: Managed = { spec, startedAt: Date.now(), crashes: 0, stderrTail: '', restarts: 0 };
    this.managed.set(spec.name, m);
    return this.launch(m, true);
  }

  pidOf(name: string): number | undefined {
    return this.managed.get(name)?.child?.pid;
  }

  restartsOf(name: string): number {
    return this.managed.get(name)?.restarts ?? 0;
  }

  private launch(m: Managed, first: boolean): Promise<void> {
    const { spec } = m;
    const extension = this.options.fromSource ? '.ts' : '.js';
    const child = fork(spec.entry + extension, [], {
      env: { ...spec.env, SERVICE_NAME: spec.name },
      stdio: ['ignore', this.options.quiet ? 'ignore' : 'inherit', 'pipe', 'ipc'],
      execArgv: this.options.fromSource ? ['--import', 'tsx'] : [],
    });
    m.child = child;
    m.startedAt = Date.now();
    m.stderrTail = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      if (!this.options.quiet) process.stderr.write(chunk);
      m.stderrTail = (m.stderrTail + chunk.toString()).slice(-2000);
    });
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let reason: string | undefined;
      child.on('message', (msg: ServiceEvent) => {
        if (msg?.event === 'ready' && !settled) {
          settled = true;
          this.emit('ready', spec.name);
          resolve();
        } else if (msg?.event === 'failed') {
          reason = msg.reason;
        }
      });
      child.once('exit', (code, signal) => {
        const how = signal ?? `code ${code}`;
        if (!settled) {
          settled = true;
          const why = reason ?? (lastLines(m.stderrTail) || `exited (${how}) before it was ready`);
          if (first || this.stopping) return reject(new Error(`${spec.name} failed to start: ${why}`));
          // A restart that failed: try again later, like any other crash.
          resolve();
        }
        this.emit('exit', spec.name, how);
        if (this.stopping) return;
        this.scheduleRestart(m, how);
      });
    });
  }

  private scheduleRestart(m: Managed, how: string): void {
    const initial = this.options.initialBackoffMs ?? 1000;
    const max = this.options.maxBackoffMs ?? 30_000;
    if (Date.now() - m.startedAt >= (this.options.stableAfterMs ?? 60_000)) m.crashes = 0;
    const delay = Math.min(max, initial * 2 ** m.crashes);
    m.crashes++;
    this.log(`${m.spec.name} exited (${how}); restarting in ${(delay / 1000).toFixed(1)} s (attempt ${m.crashes}); the other services keep serving`);
    m.restartTimer = setTimeout(() => {
      m.restarts++;
      this.launch(m, false).then(
        () => this.log(`${m.spec.name} is back`),
        () => {},
      );
    }, delay);
  }

  /** Stops every child: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const waits: Promise<void>[] = [];
    for (const m of this.managed.values()) {
      clearTimeout(m.restartTimer);
      const child = m.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      waits.push(
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
      );
    }
    await Promise.all(waits);
  }
}

/** The last meaningful line of a stderr tail (a stack trace's first line, not its last frame). */
function lastLines(tail: string): string {
  const lines = tail.split('\n').map((l) => l.trim()).filter(Boolean);
  const failed = lines.reverse().find((l) => /failed to start|Error|error/.test(l) && !l.startsWith('at '));
  return failed ?? lines[0] ?? '';
}
