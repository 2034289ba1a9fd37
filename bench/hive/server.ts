/**
 * The `hive-gateway` target: the committed supergraph behind The Guild's Hive Gateway (a
 * devDependency used only here), as its own process pointed at the same subgraph processes as
 * ours. Environment: SUPERGRAPH_FILE, PORT, HOST, <DOMAIN>_URL; HIVE_DEDUPE=false turns off its
 * (default) merging of identical subgraph requests in flight, which under a benchmark's
 * identical concurrent queries spares the subgraphs most of their work: `hive-gateway-no-dedupe`.
 *
 * When the graph authenticates (lib/auth.ts), the subgraphs answer only requests carrying the
 * identity the gateway signs for each one; a team running Hive in front of them would have to
 * do the same, so this does it with the graph's own functions, as ours does: verify the
 * caller's bearer token once per request, sign each subgraph request (for that subgraph, once).
 */
import http from 'node:http';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway';
import { loadConfig, subgraphUrl } from '../../lib/config';
import { readSupergraph } from '../../gateway/server';
import { domainModule, SUBGRAPHS } from '../../services/registry';
import { loadAuth } from '../lib/auth';

function authPlugins(): GatewayPlugin[] {
  const auth = loadAuth();
  if (!auth) return [];
  const internalSecret = process.env.INTERNAL_SECRET ?? auth.DEV_INTERNAL_SECRET;
  // The harness sets JWT_SECRET and INTERNAL_SECRET for every process (bench/lib/auth.ts).
  const verifier = auth.createUserTokenVerifier({ JWT_SECRET: process.env.JWT_SECRET });
  type Identity = Awaited<ReturnType<Awaited<typeof verifier>>>;
  const subgraphByUrl = new Map(SUBGRAPHS.map((name) => [subgraphUrl(domainModule(name)), name]));
  const identities = new WeakMap<object, Identity>();
  return [
    {
      async onContextBuilding({ context }) {
        const header = (context as { request?: Request }).request?.headers.get('authorization') ?? '';
        const token = header.replace(/^Bearer\s+/i, '');
        if (token) identities.set(context, await (await verifier)(token, null));
      },
      async onFetch({ context, url, options, setOptions }) {
        const identity = identities.get(context as object) ?? { sub: null, roles: [], provinces: [], clientAddress: null };
        // Each signature names the subgraph it is for and is used once, as ours are.
        const signed = await auth.signInternalIdentity(internalSecret, identity, auth.bodyHashOf(String(options.body ?? '')), subgraphByUrl.get(url) ?? '');
        setOptions({ ...options, headers: { ...(options.headers as Record<string, string>), [auth.IDENTITY_HEADER]: signed } });
      },
    },
  ];
}

async function main() {
  const config = loadConfig();
  const sdl = readSupergraph(config.SUPERGRAPH_FILE);
  const gateway = createGatewayRuntime({
    supergraph: () => sdl,
    // The supergraph names each subgraph's URL; the benchmark's subgraphs listen elsewhere.
    transportEntries: Object.fromEntries(
      SUBGRAPHS.map((name) => [name, { location: subgraphUrl(domainModule(name)), ...(process.env.HIVE_DEDUPE === 'false' ? { options: { deduplicateInflightRequests: false } } : {}) }]),
    ),
    logging: 'warn',
    graphiql: false,
    landingPage: false,
    plugins: () => authPlugins(),
  });
  const server = http.createServer(gateway);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  process.stderr.write(`hive-gateway ready at http://${config.HOST}:${config.PORT}/graphql\n`);
  const stop = async () => {
    server.close();
    await gateway.dispose();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
