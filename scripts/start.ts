/**
 * `npm start`: every subgraph and the gateway, each in its own process (as in production,
 * where each is its own container), on the default ports or `<DOMAIN>_PORT` / `PORT`. Waits
 * until every service answers its health check, then prints the URLs. Ctrl-C stops them all.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { envName, loadConfig, servicePort, type Domain } from '../lib/config';
import { SUBGRAPHS } from '../services/registry';

const root = path.resolve(__dirname, '..');
const children: ChildProcess[] = [];
// Run from source (npm start, through tsx: no build step, which would cost a first start
// ten seconds) or from the build in dist/ (containers): the children run the same way.
const fromSource = __filename.endsWith('.ts');
const extension = fromSource ? '.ts' : '.js';

function launch(name: Domain | 'gateway', entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = fork(path.join(root, entry + extension), [], {
    env: { ...env, SERVICE_NAME: name },
    stdio: 'inherit',
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping everything.`);
      stopAll(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stopAll(code: number) {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 2000).unref();
}

async function waitHealthy(name: string, port: number, host: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://${host}:${port}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become healthy on port ${port} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main() {
  const config = loadConfig();
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn', ...process.env };
  for (const name of SUBGRAPHS) {
    env[`${envName(name)}_URL`] ??= `http://${config.HOST}:${servicePort(name)}/graphql`;
  }
  const where = config.DB_CLIENT === 'mysql2' ? `MySQL (${config.MYSQL_DATABASE_PREFIX}<domain>)` : `SQLite files in ${path.resolve(config.DATA_DIR)}`;
  console.log(`Starting ${SUBGRAPHS.length} subgraphs and the gateway on ${where}; demo scale ${config.DEMO_SCALE}.`);
  for (const name of SUBGRAPHS) launch(name, `services/${name}/index`, env);
  launch('gateway', 'gateway/index', env);
  await Promise.all([
    ...SUBGRAPHS.map((name) => waitHealthy(name, servicePort(name), config.HOST, 300_000)),
    waitHealthy('gateway', config.PORT, config.HOST, 300_000),
  ]);
  console.log(`\nReady in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  for (const name of SUBGRAPHS) console.log(`  ${name.padEnd(12)} http://${config.HOST}:${servicePort(name)}/graphql`);
  console.log(`  ${'gateway'.padEnd(12)} http://${config.HOST}:${config.PORT}/graphql  ← open in a browser for GraphiQL`);
}

process.once('SIGINT', () => stopAll(0));
process.once('SIGTERM', () => stopAll(0));
main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  stopAll(1);
});
