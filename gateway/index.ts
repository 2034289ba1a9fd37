/** Runs the gateway alone (one container in docker-compose.yml); subgraph URLs from `<DOMAIN>_URL`. */
import { loadConfig, subgraphUrl } from '../lib/config';
import { logger } from '../lib/logger';
import { announce, failStart } from '../lib/process-events';
import { startTracing } from '../lib/tracing';
import { DOMAIN_MODULES } from '../services/registry';
import { startGateway } from './server';

async function main() {
  const config = loadConfig();
  const tracing = startTracing('gateway');
  const subgraphUrls = Object.fromEntries(DOMAIN_MODULES.map((m) => [m.name, subgraphUrl(m)]));
  const handle = await startGateway({ config, subgraphUrls, port: config.PORT, host: config.HOST });
  logger.info({ url: handle.url }, 'gateway listening');
  announce({ event: 'ready', service: 'gateway', url: handle.url });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await handle.stop();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err) => failStart('gateway', err));
