/**
 * Turning a domain module into a running service: open its database, migrate, seed the demo
 * world into an empty database, and listen. Used by each service's own entry point (one
 * container each) and by `npm start` (every service in one command).
 */
import type { Config } from './config';
import { loadConfig, servicePort } from './config';
import { closeRedis, connectRedis, dataChanged, redisReady } from './data-versions';
import { RedisReplayGuard } from './replay-guard';
import { migrate, openDb, type Db } from './db';
import type { DomainModule } from './domain';
import { logger } from './logger';
import { startSubgraph, type ServiceHandle, type SubgraphDefinition } from './subgraph';

export interface PreparedDomain {
  definition: SubgraphDefinition<any>;
  db: Db | null;
  seededRows: number;
}

/** Opens, migrates and (when empty and DEMO_SCALE > 0) seeds a domain; does not listen. */
export async function prepareDomain(module: DomainModule, config: Config): Promise<PreparedDomain> {
  let db: Db | null = null;
  let seededRows = 0;
  if (module.migrations) {
    db = await openDb(config, module.name);
    await migrate(db, module.migrations, `${module.name.replace(/-/g, '_')}_migrations`);
    if (module.seedDemo) seededRows = await module.seedDemo(db, { seed: config.DEMO_SEED, scale: config.DEMO_SCALE });
    // A gateway already running (a restart of one service) must not serve answers from before.
    if (seededRows > 0) await dataChanged(config, module.name);
  }
  return { definition: module.createSubgraph({ db, config }), db, seededRows };
}

/** The entry point of one service run alone: `node dist/services/<name>/index.js`. */
export async function runService(module: DomainModule): Promise<ServiceHandle> {
  const config = loadConfig();
  const started = Date.now();
  const { definition, seededRows } = await prepareDomain(module, config);
  if (seededRows) logger.info({ service: module.name, rows: seededRows }, 'seeded demo data');
  // Every replica of this subgraph shares the identities already used through Redis; without
  // it, this process remembers them (lib/replay-guard.ts).
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, { failFast: true }) : undefined;
  if (redis && !(await redisReady(redis, 2000))) logger.warn({ service: module.name }, 'Redis is not reachable: person-level data is refused until it is');
  const replayGuard = redis ? new RedisReplayGuard(redis, `${config.REDIS_KEY_PREFIX}jti:`) : undefined;
  const handle = await startSubgraph(definition, { port: servicePort(module.name), host: config.HOST, internalSecret: config.INTERNAL_SECRET, replayGuard });
  logger.info({ service: module.name, url: handle.url, ms: Date.now() - started }, 'subgraph ready');
  const shutdown = async () => {
    await handle.stop();
    if (redis) await closeRedis(redis);
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return handle;
}
