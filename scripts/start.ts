/**
 * `npm start`: every subgraph and the gateway, each in its own process (as in production, where
 * each is its own container), on the default ports or `<DOMAIN>_PORT` / `PORT`, supervised
 * (scripts/supervisor.ts): a service that cannot start is reported at once with its reason; one
 * that exits later is restarted with backoff while the others keep serving. Prints the URLs once
 * the gateway is ready. Ctrl-C stops them all.
 */
import path from 'node:path';
import { envName, loadConfig, servicePort } from '../lib/config';
import { domainModule, SUBGRAPHS } from '../services/registry';
import { Supervisor } from './supervisor';

const root = path.resolve(__dirname, '..');
// Run from source (npm start, through tsx: no build step, which would cost a first start
// ten seconds) or from the build in dist/ (containers): the children run the same way.
const supervisor = new Supervisor({ fromSource: __filename.endsWith('.ts') });

let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('Stopping every service…');
  await supervisor.stop();
  console.log('Stopped.');
  process.exit(code);
}

/** Waits for the gateway's /ready (every subgraph ready), saying what it waits for every few seconds. */
async function waitGatewayReady(url: string) {
  let lastSaid = Date.now();
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      if (Date.now() - lastSaid > 5000) {
        lastSaid = Date.now();
        const body = (await res.json()) as { subgraphs?: { name: string; status: string; phase?: string }[] };
        console.log(`  waiting for ${(body.subgraphs ?? []).filter((s) => s.status !== 'ready').map((s) => `${s.name} (${s.phase ?? s.status})`).join(', ')}`);
      }
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      // Anything but "not listening yet" will not pass by waiting.
      if (cause?.code !== 'ECONNREFUSED') throw new Error(`cannot reach the gateway at ${url}: ${cause?.message ?? (err as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main() {
  const config = loadConfig();
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn', ...process.env };
  for (const name of SUBGRAPHS) {
    env[`${envName(name)}_URL`] ??= `http://${config.HOST}:${servicePort(domainModule(name))}/graphql`;
  }
  const where = config.DB_CLIENT === 'mysql2' ? `MySQL (${config.MYSQL_DATABASE_PREFIX}<domain>)` : `SQLite files in ${path.resolve(config.DATA_DIR)}`;
  console.log(`Starting ${SUBGRAPHS.length} subgraphs and the gateway on ${where}; demo scale ${config.DEMO_SCALE}.`);
  await supervisor.startAll([
    ...SUBGRAPHS.map((name) => ({ name, entry: path.join(root, 'services', name, 'index'), env })),
    { name: 'gateway', entry: path.join(root, 'gateway', 'index'), env },
  ]);
  await waitGatewayReady(`http://${config.HOST}:${config.PORT}/ready`);
  console.log(`\nReady in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  for (const name of SUBGRAPHS) console.log(`  ${name.padEnd(16)} http://${config.HOST}:${servicePort(domainModule(name))}/graphql`);
  console.log(`  ${'gateway'.padEnd(16)} http://${config.HOST}:${config.PORT}/graphql  ← open in a browser for GraphiQL`);
  console.log(`  ${'dashboard'.padEnd(16)} http://${config.HOST}:${config.PORT}/dashboard  ← map, ranking, series and table`);
  console.log(`  health, readiness and metrics: /health, /ready, /metrics on every service`);
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));
main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  void stopAll(1);
});
