/**
 * The processes under test: every subgraph and each gateway in a process of its own, started
 * as `npm start` starts them (node with tsx, LOG_LEVEL=warn, <DOMAIN>_URL), with bench/lib/probe.cjs
 * preloaded to count SQL statements and GraphQL requests inside them. Also their memory, from
 * /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
const PROBE = path.join(__dirname, 'probe.cjs');

export interface ProbeCounts {
  sql: Record<string, number>;
  fetches: number;
}

export interface Service {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  pid: number;
  /** Reads (and with reset, zeroes) the probe's counts. */
  probe(op: 'read' | 'reset'): Promise<ProbeCounts>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

let probeIds = 0;

export interface LaunchOptions {
  name: string;
  entry: string;
  port: number;
  env: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** How readiness is checked: GET /ready (our services: migrated, and the gateway's subgraphs all ready) or a `{ __typename }` POST. */
  ready: 'health' | 'graphql';
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function launch(o: LaunchOptions): Promise<Service> {
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), '--require', PROBE, '--import', 'tsx', path.join(ROOT, o.entry)], {
    cwd: ROOT,
    env: { ...o.env, PORT: String(o.port), SERVICE_NAME: o.name },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  // Keep the last lines of stderr: when a process dies, they say why.
  let tail = '';
  child.stderr!.on('data', (b: Buffer) => {
    tail = (tail + b.toString()).slice(-4000);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${o.name}] ${b}`);
  });
  let exited: string | null = null;
  child.once('exit', (code, signal) => (exited = `${o.name} exited (${signal ?? code})`));
  const url = `http://127.0.0.1:${o.port}/graphql`;
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  for (;;) {
    if (exited) throw new Error(`${exited} while starting:\n${tail}`);
    try {
      const res =
        o.ready === 'health'
          ? await fetch(`http://127.0.0.1:${o.port}/ready`)
          : await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...o.headers }, body: JSON.stringify({ query: '{ __typename }' }) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${o.name} not ready on port ${o.port} after ${(o.timeoutMs ?? 120_000) / 1000} s:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  const probe = (op: 'read' | 'reset') =>
    new Promise<ProbeCounts>((resolve, reject) => {
      const id = ++probeIds;
      const timer = setTimeout(() => reject(new Error(`${o.name}: probe did not answer`)), 5000);
      const onMessage = (msg: { probe?: string; id?: number; sql: Record<string, number>; fetches: number }) => {
        if (msg?.id !== id) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve({ sql: msg.sql, fetches: msg.fetches });
      };
      child.on('message', onMessage);
      child.send({ probe: op, id });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return { name: o.name, url, port: o.port, child, pid: child.pid!, probe, stop };
}

/** Resident memory of a process in MiB: current (VmRSS) and peak since the last reset (VmHWM). */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in ms: from /proc/<pid>/stat, in clock ticks of 10 ms. */
export function cpuMsOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * Peak RSS of each process over a window: VmHWM after resetting it (writing 5 to clear_refs,
 * Linux ≥ 4.0), which catches peaks between samples; where that is refused, the highest of the
 * samples taken every 100 ms.
 */
export class RssWatch {
  private peaks = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private hwmReset = new Set<string>();
  private cpuAtStart = new Map<string, number>();
  private cpuAtStop = new Map<string, number>();
  constructor(private readonly procs: { name: string; pid: number }[]) {}

  start(): void {
    for (const p of this.procs) this.cpuAtStart.set(p.name, cpuMsOf(p.pid) ?? NaN);
    for (const p of this.procs) {
      try {
        fs.writeFileSync(`/proc/${p.pid}/clear_refs`, '5');
        this.hwmReset.add(p.name);
      } catch {
        // not permitted: sampling alone
      }
      this.peaks.set(p.name, memoryOf(p.pid)?.rssMb ?? 0);
    }
    this.timer = setInterval(() => this.sample(), 100);
  }

  private sample(): void {
    for (const p of this.procs) {
      const m = memoryOf(p.pid);
      if (m) this.peaks.set(p.name, Math.max(this.peaks.get(p.name) ?? 0, m.rssMb));
    }
  }

  /** CPU time each process used between start and stop, in ms. */
  cpuMs(): Record<string, number> {
    return Object.fromEntries(this.procs.map((p) => [p.name, (this.cpuAtStop.get(p.name) ?? NaN) - (this.cpuAtStart.get(p.name) ?? NaN)]));
  }

  stop(): Record<string, number> {
    for (const p of this.procs) this.cpuAtStop.set(p.name, cpuMsOf(p.pid) ?? NaN);
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const out: Record<string, number> = {};
    for (const p of this.procs) {
      const m = memoryOf(p.pid);
      const sampled = this.peaks.get(p.name) ?? 0;
      out[p.name] = Math.round(this.hwmReset.has(p.name) && m ? Math.max(sampled, m.hwmMb) : sampled);
    }
    return out;
  }
}
