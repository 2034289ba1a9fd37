/**
 * Turning a domain module into a running service: open its database, migrate, seed the demo
 * world into an empty database, and listen. Used by each service's own entry point (one
 * container each) and by `npm start` (every service in one command).
 */
import { placements } from './areas';
import type { Config } from './config';
import { loadConfig, servicePort } from './config';
import { closeRedis, connectRedis, dataChanged, redisReady } from './data-versions';
import { RedisReplayGuard } from './replay-guard';
import { migrate, openDb, type Db } from './db';
import type { DomainModule } from './domain';
import { logger } from './logger';
import { onSeedProgress, type Readiness } from './readiness';
import { announce, failStart } from './process-events';
import { openSubgraphShell, type ServiceHandle, type SubgraphDefinition } from './subgraph';
import { startTracing } from './tracing';

export interface PreparedDomain {
  definition: SubgraphDefinition<any>;
  db: Db | null;
  seededRows: number;
}

/** Opens, migrates and (when empty and DEMO_SCALE > 0) seeds a domain; does not listen. */
export async function prepareDomain(module: DomainModule, config: Config, readiness?: Readiness): Promise<PreparedDomain> {
  let db: Db | null = null;
  let seededRows = 0;
  if (module.migrations) {
    readiness?.phase('opening the database');
    db = await openDb(config, module.name);
    readiness?.phase('migrating');
    await migrate(db, module.migrations, `${module.name.replace(/-/g, '_')}_migrations`);
    if (module.demo) {
      readiness?.phase('seeding demo data');
      onSeedProgress(readiness && ((p) => readiness.progress(p)));
      try {
        seededRows = await module.demo.seed(db, { seed: config.DEMO_SEED, scale: config.DEMO_SCALE });
      } finally {
        onSeedProgress(undefined);
      }
    }
    // A gateway already running (a restart of one service) must not serve answers from before.
    if (seededRows > 0) await dataChanged(config, module.name);
  }
  // The units of both structures and the crosswalk's placements are built here, before the
  // service says it is ready, not by its first request: eight services building them at once
  // on the first query after a start took longer than the gateway's subgraph timeout.
  readiness?.phase('loading the administrative units');
  placements();
  return { definition: module.createSubgraph({ db, config }), db, seededRows };
}

/**
 * The entry point of one service run alone: `node dist/services/<name>/index.js`. It listens
 * first (`/health`, `/ready` and a `STARTING` answer on `/graphql`), then prepares the domain.
 */
export async function runService(module: DomainModule): Promise<ServiceHandle> {
  try {
    const config = loadConfig();
    const tracing = startTracing(module.name);
    const started = Date.now();
    // Every replica of this subgraph shares the identities already used through Redis; without
    // it, this process remembers them (lib/replay-guard.ts).
    const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, { failFast: true }) : undefined;
    if (redis && !(await redisReady(redis, 2000))) logger.warn({ service: module.name }, 'Redis is not reachable: person-level data is refused until it is');
    const replayGuard = redis ? new RedisReplayGuard(redis, `${config.REDIS_KEY_PREFIX}jti:`) : undefined;
    const shell = await openSubgraphShell(module.name, { port: servicePort(module), host: config.HOST, internalSecret: config.INTERNAL_SECRET, replayGuard });
    let stopping = false;
    const shutdown = async () => {
      if (stopping) return;
      stopping = true;
      await shell.handle.stop();
      if (redis) await closeRedis(redis);
      await tracing?.shutdown();
      process.exit(0);
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
    const { definition, seededRows } = await prepareDomain(module, config, shell.readiness);
    if (seededRows) logger.info({ service: module.name, rows: seededRows }, 'seeded demo data');
    await shell.mount(definition);
    logger.info({ service: module.name, url: shell.handle.url, ms: Date.now() - started }, 'subgraph ready');
    announce({ event: 'ready', service: module.name, url: shell.handle.url });
    return shell.handle;
  } catch (err) {
    return failStart(module.name, err);
  }
}
