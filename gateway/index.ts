/** Runs the gateway alone (one container in docker-compose.yml); subgraph URLs from `<DOMAIN>_URL`. */
import { loadConfig, subgraphUrl } from '../lib/config';
import { logger } from '../lib/logger';
import { SUBGRAPHS } from '../services/registry';
import { readSupergraph, startGateway } from './server';

async function main() {
  const config = loadConfig();
  const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((name) => [name, subgraphUrl(name)]));
  const handle = await startGateway({ supergraphSdl: readSupergraph(config.SUPERGRAPH_FILE), subgraphUrls, port: config.PORT, host: config.HOST });
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
  process.exit(1);
});
