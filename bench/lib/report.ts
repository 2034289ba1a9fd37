/**
 * The benchmark's results: one row per workload and target, the Markdown table of a run, and
 * the verdicts on the targets of issue 17 (they replaced issue 5's) (the scaling one reads earlier runs' JSON).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TargetName } from './system';
import { DB_SUBGRAPHS } from './shape';
import { workloads, type WorkloadName } from './workloads';

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

export interface Row {
  workload: WorkloadName;
  /** What the workload asked when measured (its definition changes: the reform of 1 July 2025 changed W2 and W3). */
  workloadDescription?: string;
  target: TargetName;
  factRows: number;
  p50Ms: number | null;
  p95Ms: number | null;
  rps: number | null;
  sqlPerFetch: number | null;
  /** Peak RSS of the target's own process (the gateway, the monolith); null for in-process sql. */
  rssMb: number | null;
  /** Peak RSS of each subgraph process while this target was measured (gateways only). */
  subgraphRssMb?: Record<string, number>;
  /** rssMb plus every subgraph's: the memory the whole deployment needs. */
  totalRssMb?: number | null;
  /**
   * CPU time per request (warm-up included) of each process: the target's, each subgraph's, and
   * `client`, the benchmark's own process (the load generator; for sql, the work itself).
   * Unlike latency, it does not grow when other work shares the machine.
   */
  cpuMsPerRequest?: Record<string, number>;
  fetches?: Record<string, number>;
  sqlStatements?: Record<string, number>;
  requests?: number;
  seconds?: number;
  concurrency: number;
  /** The run's settings: warm-up and timed window in seconds, and rounds. */
  warmupS?: number;
  durationS?: number;
  rounds?: number;
  scale: string;
  demoScale: number;
  /** The machine's 1-minute load average after the measurement: other work on it shows here. */
  loadAvg1m?: number;
  note?: string;
}

export const fmt = (n: number | null | undefined, digits = 1) => (n === null || n === undefined ? '–' : n.toFixed(digits));
export const fmtRps = (n: number | null | undefined) => fmt(n, n !== null && n !== undefined && n < 100 ? 1 : 0);

export function markdownTable(rows: Row[]): string {
  const lines = [
    '| workload | target | p50 ms | p95 ms | req/s | SQL / fetch | fetches (SQL statements) per request | CPU ms / request: front + subgraphs | RSS MB: front | subgraphs (sum) | total |',
    '|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    if (r.note) {
      lines.push(`| ${r.workload} | ${r.target} | ${r.note} | | | | | | | | |`);
      continue;
    }
    const detail =
      r.target === 'monolith' || r.target === 'sql'
        ? Object.entries(r.sqlStatements ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')
        : Object.entries(r.fetches ?? {}).map(([k, v]) => `${k} ${v}${r.sqlStatements?.[k] ? ` (${r.sqlStatements[k]})` : ''}`).join(', ') +
          (r.sqlStatements?.[r.target] ? `; ${r.target} itself (${r.sqlStatements[r.target]})` : '');
    const subs = r.subgraphRssMb ? sum(r.subgraphRssMb) : null;
    const cpu = r.cpuMsPerRequest ?? {};
    const front = r.target === 'sql' ? cpu.client : cpu[r.target];
    const subCpu = Object.entries(cpu).filter(([k]) => k !== r.target && k !== 'client').reduce((a, [, v]) => a + v, 0);
    const cpuCell = front === undefined ? '–' : r.target === 'sql' || r.target === 'monolith' ? fmt(front, 1) : `${fmt(front, 1)} + ${fmt(subCpu, 1)} = ${fmt(front + subCpu, 1)}`;
    lines.push(
      `| ${r.workload} | ${r.target} | ${fmt(r.p50Ms)} | ${fmt(r.p95Ms)} | ${fmtRps(r.rps)} | ${fmt(r.sqlPerFetch, 2)} | ${detail} | ${cpuCell} | ${fmt(r.rssMb, 0)} | ${fmt(subs, 0)} | ${fmt(r.totalRssMb, 0)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The targets of issue 17 this run can judge (uncached means the `gateway` target: response cache
 * off, asked as an analyst and an officer); the scaling one compares with other scales' latest results.
 */
export function targetChecks(rows: Row[], resultsDir: string): string {
  const get = (w: WorkloadName, t: TargetName) => rows.find((r) => r.workload === w && r.target === t && !r.note);
  const verdict = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? '**met**' : '**not met**');
  const out: string[] = [];
  const concurrency = rows.find((r) => r.concurrency !== undefined)?.concurrency ?? 4;
  const gw1 = get('W1', 'gateway');
  // 100 ms one request at a time, 200 ms with four in flight (on two cores).
  const w1Bound = concurrency <= 1 ? 100 : concurrency <= 4 ? 200 : null;
  if (w1Bound !== null) out.push(`- W1 p50 ≤ ${w1Bound} ms uncached at concurrency ${concurrency} (gateway): ${verdict(gw1 ? gw1.p50Ms! <= w1Bound : null)}${gw1 ? ` (${fmt(gw1.p50Ms)} ms: ${(gw1.p50Ms! / w1Bound).toFixed(1)} × the bound)` : ''}`);
  const cw1 = get('W1', 'gateway-cached');
  if (concurrency === 4) out.push(`- W1 p50 ≤ 3 ms cached at concurrency 4 (gateway-cached): ${cw1 ? `${verdict(cw1.p50Ms! <= 3)} (${fmt(cw1.p50Ms)} ms)` : 'not measured'}`);
  const hw1 = get('W1', 'hive-gateway');
  out.push(
    `- W1 throughput ≥ 2 × Hive Gateway's: ${verdict(gw1 && hw1 ? gw1.rps! >= 2 * hw1.rps! : null)}${gw1 && hw1 ? ` (${fmtRps(gw1.rps)} vs ${fmtRps(hw1.rps)} req/s: ${(gw1.rps! / hw1.rps!).toFixed(2)} ×)` : ''}`,
  );
  const nw1 = get('W1', 'hive-gateway-no-dedupe');
  if (gw1 && nw1) out.push(`  - against Hive Gateway without in-flight deduplication: ${(gw1.rps! / nw1.rps!).toFixed(2)} × (${fmtRps(gw1.rps)} vs ${fmtRps(nw1.rps)} req/s)`);
  // W2 and W3 no slower than the monolith; W4 (access checks and the audit write) within twice it.
  for (const [w, factor] of [['W2', 1], ['W3', 1], ['W4', 2]] as const) {
    const g = get(w, 'gateway');
    const m = get(w, 'monolith');
    if (g && m) out.push(`- ${w} p50 no slower than ${factor === 1 ? "the monolith's" : "twice the monolith's"}: ${verdict(g.p50Ms! <= factor * m.p50Ms!)} (${fmt(g.p50Ms)} vs ${fmt(m.p50Ms)} ms: ${(g.p50Ms! / m.p50Ms!).toFixed(2)} ×)`);
  }
  const gws = rows.filter((r) => r.target === 'gateway' && !r.note);
  if (gws.length) {
    const bad = gws.filter((r) => r.sqlPerFetch !== 1 || Object.entries(r.fetches ?? {}).some(([k, f]) => DB_SUBGRAPHS.has(k) && (r.sqlStatements?.[k] ?? 0) !== f));
    out.push(`- exactly one SQL statement per subgraph fetch (gateway, ${gws.map((r) => r.workload).join(', ')}): ${verdict(bad.length === 0)}${bad.length ? ` (not in ${bad.map((r) => `${r.workload}: ${fmt(r.sqlPerFetch, 2)}`).join(', ')})` : ''}`);
  }
  out.push(`- W1-W4 (and W1N) latency within ±20 % from 10^5 to 10^8 (SQLite): ${scalingCheck(resultsDir)}`);
  return out.join('\n');
}

/** CPU time per request of the whole deployment (the target's process and the subgraphs; not the load generator). */
export const cpuOf = (r: Row) => (r.cpuMsPerRequest ? Object.entries(r.cpuMsPerRequest).filter(([k]) => k !== 'client' || r.target === 'sql').reduce((a, [, v]) => a + v, 0) : null);

/**
 * The gateway's p50 and p95 of W1-W3 at each scale measured (the latest full run of each with the
 * workload as defined now: rows measured before the reform asked for other units), against the
 * smallest scale.
 */
function scalingCheck(resultsDir: string): string {
  if (!fs.existsSync(resultsDir)) return 'not measured';
  const defined = workloads('');
  const scaling: WorkloadName[] = ['W1', 'W1N', 'W2', 'W3', 'W4'];
  // By workload and scale, the gateway's row of the latest run (files sort by date).
  const latest = new Map<WorkloadName, Map<number, Row>>(scaling.map((w) => [w, new Map()]));
  for (const f of fs.readdirSync(resultsDir).sort()) {
    const m = /^\d{4}-\d{2}-\d{2}-(1e\d+|\d+)\.json$/.exec(f);
    if (!m) continue;
    for (const r of JSON.parse(fs.readFileSync(path.join(resultsDir, f), 'utf8')) as Row[]) {
      if (r.target === 'gateway' && !r.note && latest.has(r.workload) && r.workloadDescription === defined[r.workload].description) latest.get(r.workload)!.set(Number(m[1]), r);
    }
  }
  const parts: string[] = [];
  let ok = true;
  for (const w of scaling) {
    const byScale = latest.get(w)!;
    const scales = [...byScale.keys()].sort((a, b) => a - b);
    if (scales.length < 2) continue;
    const base = byScale.get(scales[0])!;
    const cells = scales.slice(1).map((s) => {
      const r = byScale.get(s)!;
      const d50 = r.p50Ms! / base.p50Ms! - 1;
      const d95 = r.p95Ms! / base.p95Ms! - 1;
      if (Math.abs(d50) > 0.2 || Math.abs(d95) > 0.2) ok = false;
      const pct = (d: number) => `${d >= 0 ? '+' : ''}${(100 * d).toFixed(0)} %`;
      const cpu = cpuOf(r) !== null && cpuOf(base) !== null ? `, CPU ${fmt(cpuOf(r), 0)} ms/request (${pct(cpuOf(r)! / cpuOf(base)! - 1)})` : '';
      return `${s.toExponential(0)}: p50 ${fmt(r.p50Ms)} ms (${pct(d50)}), p95 ${fmt(r.p95Ms)} ms (${pct(d95)})${cpu}`;
    });
    parts.push(`${w} from p50 ${fmt(base.p50Ms)} / p95 ${fmt(base.p95Ms)} ms${cpuOf(base) !== null ? `, CPU ${fmt(cpuOf(base), 0)} ms/request` : ''} at ${scales[0].toExponential(0)} → ${cells.join('; ')}`);
  }
  if (parts.length === 0) return 'needs untagged runs of the current workloads at two scales';
  return `${ok ? '**met**' : '**not met**'} (${parts.join(' · ')})`;
}

export const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
