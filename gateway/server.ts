/**
 * The federation gateway: serves the committed supergraph (schema/supergraph.graphql) at
 * /graphql, planning each query across the subgraphs, with GraphiQL for browsers. It builds
 * and listens; `gateway/index.ts` only reads the configuration.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { projectRoot } from '../lib/admin-units';
import { formatError, listenOn, type ServiceHandle } from '../lib/subgraph';
import { mountGraphiql } from './graphiql';

export interface GatewayOptions {
  /** The supergraph SDL; defaults to the committed schema/supergraph.graphql. */
  supergraphSdl?: string;
  /** Where each subgraph listens, by name; overrides the URLs baked into the supergraph. */
  subgraphUrls: Record<string, string>;
  port: number;
  host?: string;
}

export function readSupergraph(file = 'schema/supergraph.graphql'): string {
  return fs.readFileSync(path.resolve(projectRoot(), file), 'utf8');
}

export async function startGateway(options: GatewayOptions): Promise<ServiceHandle> {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readSupergraph(),
    buildService: ({ name, url }) => new RemoteGraphQLDataSource({ url: options.subgraphUrls[name] ?? url }),
  });
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer({
    gateway,
    formatError,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  app.get('/health', (_req, res) => res.json({ status: 'ok', service: 'gateway' }));
  mountGraphiql(app, '/graphql');
  app.use('/graphql', express.json({ limit: '1mb' }), expressMiddleware(apollo, { context: async () => ({}) }));
  const host = options.host ?? '127.0.0.1';
  const port = await listenOn(httpServer, options.port, host);
  return { name: 'gateway', url: `http://${host}:${port}/graphql`, port, stop: () => apollo.stop() };
}
