/**
 * The `monolith` target as its own process (so that it pays for HTTP and JSON like the
 * gateways do): Apollo Server, standalone, over the benchmark's SQLite files.
 * Environment: DATA_DIR, PORT, HOST, TODAY.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { loadConfig } from '../../lib/config';
import { openDb, type Db } from '../../lib/db';
import { todayFor } from '../../lib/today';
import { DATA_DOMAINS } from '../lib/shape';
import { createContext, resolvers, typeDefs } from './schema';

async function main() {
  const config = loadConfig();
  const dbs: Record<string, Db> = {};
  for (const domain of DATA_DOMAINS) dbs[domain] = await openDb(config, domain);
  const server = new ApolloServer({ typeDefs, resolvers, plugins: [ApolloServerPluginLandingPageDisabled()] });
  const { url } = await startStandaloneServer(server, {
    listen: { port: config.PORT, host: config.HOST },
    context: async () => createContext(dbs, todayFor(config)),
  });
  process.stderr.write(`monolith ready at ${url}\n`);
  const stop = async () => {
    await server.stop();
    for (const db of Object.values(dbs)) await db.destroy();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
