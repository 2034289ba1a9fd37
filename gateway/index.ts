/** Runs the gateway alone (one container in docker-compose.yml); subgraph URLs from `<DOMAIN>_URL`. */
import { loadConfig, subgraphUrl } from '../lib/config';
import { logger } from '../lib/logger';
import { SUBGRAPHS } from '../services/registry';
import { startGateway } from './server';

async function main() {
  const config = loadConfig();
  const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((name) => [name, subgraphUrl(name)]));
  const handle = await startGateway({ config, subgraphUrls, port: config.PORT, host: config.HOST });
  logger.info({ url: handle.url }, 'gateway ready');
  const shutdown = async () => {
    await handle.stop();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err) => {
  logger.fatal({ err }, 'gateway failed to start');
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
