/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) as text: self time by package or module and
 * by function, within a time window (the measured load, not the start-up).
 */
import fs from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame belongs: an npm package (with its top folder for the big ones), a node module, the project's file, or V8 itself. */
export function categoryOf(cf: CallFrame, root: string): string {
  const { url, functionName } = cf;
  if (functionName.startsWith('(')) return functionName;
  if (!url) return `(builtin) ${functionName || 'anonymous'}`;
  const file = url.replace(/^file:\/\//, '');
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?:dist\/(?:cjs\/|esm\/)?|lib\/)?([^/]+)/.exec(file);
  if (m) {
    const [, pkg, first] = m;
    const split = ['graphql', '@apollo/gateway', '@apollo/server', '@apollo/federation-internals', '@apollo/query-planner', '@graphql-tools/executor', '@graphql-mesh/fusion-runtime'];
    return split.includes(pkg) ? `${pkg}/${first.replace(/\.(c|m)?js$/, '')}` : pkg;
  }
  if (file.startsWith('node:')) return file.replace(/^node:(internal\/)?/, 'node:').replace(/^(node:[^/]+).*/, '$1');
  return path.relative(root, file) || file;
}

/** Frames that wrap everything below them (the event loop, tracing spans, module loading): no information inclusive. */
const WRAPPERS = /^(node:process|node:modules|node:timers|@opentelemetry\/api|tsx)$/;

export function summariseProfile(file: string, root: string, window?: { fromUs: number; toUs: number }, top = 25): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const label = (cf: CallFrame) => `${cf.functionName || '(anonymous)'}  ${categoryOf(cf, root)}${cf.url && !cf.functionName.startsWith('(') ? `:${cf.lineNumber + 1}` : ''}`;
  const selfByNode = new Map<number, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    selfByNode.set(profile.samples[i], (selfByNode.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  // Inclusive time: what a function and everything it called cost (each function once per stack).
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfByNode) {
    const cf = byId.get(id)!.callFrame;
    if (cf.functionName === '(idle)') continue;
    const cat = categoryOf(cf, root);
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + us);
    byFunction.set(label(cf), (byFunction.get(label(cf)) ?? 0) + us);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)!.callFrame;
      if (f.functionName.startsWith('(') || !f.url || WRAPPERS.test(categoryOf(f, root))) continue;
      const key = label(f);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const busy = [...byCategory.values()].reduce((a, b) => a + b, 0);
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `| ${(us / 1000).toFixed(0).padStart(6)} | ${((100 * us) / busy).toFixed(1).padStart(5)} % | ${k.replace(/\|/g, '\\|')} |`);
  return [
    // Busy is wall time not idle: on a shared machine it includes time waiting for a core.
    `${path.basename(path.dirname(file))} (main thread): ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (${((100 * busy) / Math.max(total, 1)).toFixed(0)} %)`,
    '',
    '| self ms | % of busy | package / module |',
    '|---:|---:|---|',
    ...rows(byCategory),
    '',
    '| self ms | % of busy | function |',
    '|---:|---:|---|',
    ...rows(byFunction),
    '',
    '| inclusive ms | % of busy | function (with what it calls) |',
    '|---:|---:|---|',
    ...rows(inclusive),
  ].join('\n');
}

/**
 * Now on the clock of every process's CPU profile: V8 stamps samples with the system's monotonic
 * clock in microseconds, which `process.hrtime` reads too, so a window taken here cuts the
 * profiles of other processes exactly. (Mapping wall-clock times through each process's exit
 * put the subgraphs' windows seconds early: they stop profiling, then take that long to write
 * their profiles all at once, and their summaries showed them idle.)
 */
export const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/**
 * The main thread's profile among those a process wrote into its folder: V8 names each
 * `CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile`, the main thread being thread 0.
 */
export function mainThreadProfile(dir: string): string | undefined {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
  const main = files.find((f) => f.split('.')[4] === '0');
  return main && path.join(dir, main);
}
