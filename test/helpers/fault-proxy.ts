/**
 * A real HTTP proxy in front of one subgraph, for fault tests: it passes requests through (any
 * path: `/graphql`, `/ready`), or
 * plays the subgraph down (nothing listens: connections are refused), hanging (requests are
 * accepted and never answered), failing (503 without a GraphQL body) or failing inside (a GraphQL
 * answer whose only error is an unexpected one, as a subgraph's formatError writes it). It counts the requests
 * that reach it, so a test can tell a circuit that fails fast from one that still fetches.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultMode = 'pass' | 'down' | 'hang' | 'error' | 'internal';

export interface FaultProxy {
  url: string;
  /** Requests that reached the proxy since start. */
  requests: number;
  mode(m: FaultMode): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  let current: FaultMode = 'pass';
  const sockets = new Set<Socket>();
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    if (current === 'hang') return; // never answered; destroyed by the client's timeout or by stop
    if (current === 'internal') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: null, errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
      return;
    }
    if (current === 'error') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream failed');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
        const upstream = await fetch(new URL(req.url ?? '/', targetUrl), { method: req.method, headers, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined });
        const body = Buffer.from(await upstream.arrayBuffer());
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(body);
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    get requests() {
      return state.requests;
    },
    async mode(m) {
      if (m === 'down') await close();
      else if (!server.listening) await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      current = m;
    },
    stop: close,
  };
}
