/**
 * `npm run bench:cpu`: CPU time per request of each target's processes, by request count rather
 * than by time window, for comparing one change with the next on a shared machine. The
 * benchmark's windows (run.ts) count the warm-up's CPU and give few requests when other work
 * slows everything down; here every target first answers `--warmup` requests (the JIT has then
 * compiled the hot paths), then `--requests` requests per round at `--concurrency`, in
 * `--rounds` rounds taken in turn, and the median round is reported. CPU time (user + system,
 * /proc/<pid>/stat) still grows somewhat when other processes share the cores (caches), so
 * compare runs made under similar load (printed).
 *
 *   npm run bench:cpu -- [--scale 1e5] [--workloads W2,W4] [--targets gateway,monolith]
 *                        [--requests 200] [--warmup 100] [--rounds 3] [--concurrency 4]
 */
import os from 'node:os';
import { benchHeaders, callerOf } from './lib/auth';
import { ensureData, parseRows } from './lib/data';
import { httpClient, checkAnswer } from './lib/load';
import { cpuMsOf } from './lib/processes';
import { startSystem, type TargetName } from './lib/system';
import { workloads, type WorkloadName } from './lib/workloads';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const log = (line = '') => process.stderr.write(line + '\n');

async function main() {
  const rows = parseRows(arg('scale', '1e5'));
  const names = arg('workloads', 'W2,W4').split(',') as WorkloadName[];
  const targets = arg('targets', 'gateway,monolith').split(',') as TargetName[];
  const requests = Number(arg('requests', '200'));
  const warmup = Number(arg('warmup', '100'));
  const rounds = Number(arg('rounds', '3'));
  const concurrency = Number(arg('concurrency', '4'));
  const data = await ensureData(rows, log);
  const headers = await benchHeaders();
  const system = await startSystem(data, targets, headers);
  try {
    const W = workloads(data.citizenId);
    for (const w of names) {
      const body = JSON.stringify({ query: W[w].query });
      const perTarget: Record<string, { cpu: number[]; front: number[]; p50: number[] }> = {};
      // As the main benchmark asks: aggregates as an analyst, a citizen as an officer (bench/lib/auth.ts).
      const callerHeaders = await benchHeaders(callerOf(w));
      const clients = Object.fromEntries(targets.map((t) => [t, httpClient(system.fronts[t]!.url, callerHeaders, concurrency)]));
      const sizes: Record<string, number> = {};
      for (const t of targets) {
        const first = await clients[t].post(body);
        sizes[t] = first.body.length;
        checkAnswer(first, sizes[t], `${w} ${t}`);
      }
      const pids = (t: TargetName) => [system.fronts[t]!.pid, ...(t.startsWith('gateway') || t.startsWith('hive') ? system.subgraphs.map((s) => s.pid) : [])];
      const cpu = (ps: number[]) => ps.reduce((a, p) => a + (cpuMsOf(p) ?? 0), 0);
      const drive = async (t: TargetName, n: number) => {
        let left = n;
        const latencies: number[] = [];
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (left-- > 0) {
              const t0 = performance.now();
              checkAnswer(await clients[t].post(body), sizes[t], `${w} ${t}`);
              latencies.push(performance.now() - t0);
            }
          }),
        );
        return latencies.sort((a, b) => a - b)[Math.floor(latencies.length / 2)];
      };
      for (const t of targets) await drive(t, warmup);
      for (let r = 0; r < rounds; r++) {
        for (const t of targets) {
          const ps = pids(t);
          const before = cpu(ps);
          const frontBefore = cpu([system.fronts[t]!.pid]);
          const p50 = await drive(t, requests);
          const s = (perTarget[t] ??= { cpu: [], front: [], p50: [] });
          s.cpu.push((cpu(ps) - before) / requests);
          s.front.push((cpu([system.fronts[t]!.pid]) - frontBefore) / requests);
          s.p50.push(p50);
        }
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      for (const t of targets) {
        const s = perTarget[t];
        const front = median(s.front);
        const all = median(s.cpu);
        console.log(`${w} ${t.padEnd(14)} CPU ms/request ${all.toFixed(2)} (front ${front.toFixed(2)} + subgraphs ${(all - front).toFixed(2)}), rounds ${s.cpu.map((c) => c.toFixed(2)).join(' ')}; p50 ${median(s.p50).toFixed(1)} ms; load ${os.loadavg()[0].toFixed(1)}`);
      }
      for (const c of Object.values(clients)) c.close();
    }
  } finally {
    await system.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
