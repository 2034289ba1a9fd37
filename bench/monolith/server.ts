/**
 * The `monolith` target as its own process (so that it pays for HTTP and JSON like the
 * gateways do): Apollo Server on Express over the benchmark's SQLite files, its connections kept
 * alive as the graph's services keep theirs (`listenOn`): a W1N answer takes seconds under load,
 * and Node's default of 5 s closed sockets the client was about to reuse ("socket hang up").
 * Environment: DATA_DIR, PORT, HOST, TODAY.
 */
import http from 'node:http';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { loadConfig } from '../../lib/config';
import { openDb, type Db } from '../../lib/db';
import { listenOn } from '../../lib/subgraph';
import { todayFor } from '../../lib/today';
import { DATA_DOMAINS } from '../lib/shape';
import { createContext, resolvers, typeDefs } from './schema';

async function main() {
  const config = loadConfig();
  const dbs: Record<string, Db> = {};
  for (const domain of DATA_DOMAINS) dbs[domain] = await openDb(config, domain);
  const server = new ApolloServer({ typeDefs, resolvers, plugins: [ApolloServerPluginLandingPageDisabled()] });
  await server.start();
  const app = express();
  app.use('/graphql', express.json({ limit: '5mb' }), expressMiddleware(server, { context: async () => createContext(dbs, todayFor(config)) }));
  const httpServer = http.createServer(app);
  const port = await listenOn(httpServer, config.PORT, config.HOST);
  process.stderr.write(`monolith ready at http://${config.HOST}:${port}/graphql\n`);
  const stop = async () => {
    httpServer.close();
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
