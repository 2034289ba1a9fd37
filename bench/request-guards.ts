/**
 * `npm run bench:guards`: how long each attack of test/helpers/attacks.ts holds the gateway's
 * event loop before it is refused. The graph runs in this process's main thread (empty SQLite
 * databases), the client in a worker thread; a 1 ms timer notes the longest gap between its
 * ticks while each request is in flight (the longest stretch the loop was held), and /health is
 * asked at the same moment as each attack.
 * Every request's query differs by a comment, so none is served from a parsed-document cache.
 *
 * CPU is this process's user + system time over the request (the client thread's included): unlike
 * the wall-clock figures it does not grow when other work shares the machine.
 *
 * Options: `--runs <n>` (default 5) per attack.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../lib/config';
import { attacks, bodyText, type Attack } from '../test/helpers/attacks';
import { startGraph, tokenFor } from '../test/helpers/graph';
import { percentile } from './lib/load';

interface Answer {
  status: number;
  limit: string;
  ms: number;
  healthMs: number;
}

const CLIENT = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ id, url, health, headers, body }) => {
  const started = performance.now();
  let healthMs = 0;
  const [res] = await Promise.all([
    fetch(url, { method: 'POST', headers, body }),
    fetch(health).then(async (r) => { await r.text(); healthMs = performance.now() - started; }),
  ]);
  const answer = await res.json();
  parentPort.postMessage({ id, status: res.status, limit: answer.errors?.[0]?.extensions?.limit ?? '-', ms: performance.now() - started, healthMs });
});`;

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 0) || 5;

/** The longest gap between the ticks of a 1 ms timer while `work` runs. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  let last = performance.now();
  let stall = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 1);
  try {
    const result = await work();
    stall = Math.max(stall, performance.now() - last);
    return { result, stallMs: stall };
  } finally {
    clearInterval(timer);
  }
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-guards-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DEMO_SCALE: '0', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'silent' });
  const graph = await startGraph(config);
  const token = await tokenFor({ role: 'analyst', sub: 'bench-guards' });
  const health = graph.gatewayUrl.replace('/graphql', '/health');
  let variant = 0;
  // The client is a worker thread: its work does not count in the main thread's stalls.
  const client = new Worker(CLIENT, { eval: true });
  const pending = new Map<number, (answer: Answer) => void>();
  client.on('message', (answer: Answer & { id: number }) => pending.get(answer.id)?.(answer));
  let nextId = 0;
  /** Sends an attack and asks /health at the same moment. */
  const send = (attack: Attack) =>
    new Promise<Answer>((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve);
      const headers = { 'content-type': 'application/json', ...(attack.anonymous ? {} : { authorization: `Bearer ${token}` }) };
      // A text never sent before: nothing parsed is reused.
      client.postMessage({ id, url: graph.gatewayUrl, health, headers, body: bodyText(attack, ++variant) });
    });
  const rows: string[] = [];
  const loadBefore = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  try {
    // A request that passes every check, for the floor on this machine.
    const reference: Attack = { name: '(reference) a small valid query', body: { query: '{ nation { code name provinces { code name } } }' }, limit: '-' };
    for (const attack of [reference, ...attacks()]) {
      const stalls: number[] = [];
      const latencies: number[] = [];
      const healthMs: number[] = [];
      const cpuMs: number[] = [];
      let outcome = '';
      await send(attack); // warm-up
      for (let i = 0; i < runs; i++) {
        const cpuBefore = process.cpuUsage();
        const { result, stallMs } = await longestStall(() => send(attack));
        healthMs.push(result.healthMs);
        const cpu = process.cpuUsage(cpuBefore);
        cpuMs.push((cpu.user + cpu.system) / 1000);
        stalls.push(stallMs);
        latencies.push(result.ms);
        outcome = `${result.status} ${result.limit}`;
      }
      const bytes = Buffer.byteLength(bodyText(attack));
      const p50 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50).toFixed(1);
      rows.push(`| ${attack.name} | ${bytes} | ${outcome} | ${p50(cpuMs)} | ${p50(stalls)} | ${Math.max(...stalls).toFixed(1)} | ${p50(latencies)} | ${Math.max(...latencies).toFixed(1)} | ${Math.max(...healthMs).toFixed(1)} |`);
      process.stderr.write('.');
    }
  } finally {
    await client.terminate();
    await graph.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`\n${runs} runs each, ${os.cpus().length} cores, Node ${process.version}; times in ms.\n`);
  console.log(`load average before: ${loadBefore}; after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| request | bytes | answer | CPU p50 | loop held p50 | loop held max | latency p50 | latency max | /health max |');
  console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
