/**
 * OpenTelemetry traces, exported by OTLP/HTTP to a real receiver run inside the test (an HTTP
 * server taking the exporter's JSON), from every service running as its own process (as
 * `npm start` runs them, under the supervisor): one W1 request makes one trace, joined to the
 * caller's `traceparent`, from the gateway's server span through each of the seven subgraph
 * fetches (W3C traceparent over HTTP) to each subgraph's server span and its SQL statements.
 * Processes, not the test's own: the OTLP exporter loads Node's http module in a way jest's
 * module sandbox refuses.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { DEV_JWT_SECRET, signUserToken } from '../../lib/auth';
import { DOMAIN_MODULES } from '../../services/registry';
import { envName } from '../../lib/config';
import { startTracing, traceIds, tracingRequested } from '../../lib/tracing';
import { workloads } from '../../bench/lib/workloads';
import { freePort } from '../../bench/lib/processes';
import { Supervisor } from '../../scripts/supervisor';
import { SUBGRAPHS } from '../../services/registry';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
  /** service.name of the resource that sent it. */
  service: string;
}
const attr = (s: OtlpSpan, key: string) => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? v?.intValue;
};
const SERVER = 2;
const ROOT = path.resolve(__dirname, '..', '..');

describe('traces across the services', () => {
  let receiver: http.Server;
  const spans: OtlpSpan[] = [];
  const supervisor = new Supervisor({ fromSource: true, quiet: true });
  let gatewayUrl: string;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString());
        for (const rs of body.resourceSpans) {
          const service = rs.resource.attributes.find((a: { key: string }) => a.key === 'service.name')?.value.stringValue;
          for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push({ ...span, service, path: req.url });
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const gatewayPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'p06-tracing-')),
      DEMO_SCALE: '0.002',
      PORT: String(gatewayPort),
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    for (const d of SUBGRAPHS) {
      const port = await freePort();
      env[`${envName(d)}_PORT`] = String(port);
      env[`${envName(d)}_URL`] = `http://127.0.0.1:${port}/graphql`;
    }
    await supervisor.startAll([
      ...SUBGRAPHS.map((name) => ({ name, entry: path.join(ROOT, 'services', name, 'index'), env })),
      { name: 'gateway', entry: path.join(ROOT, 'gateway', 'index'), env },
    ]);
    gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
    for (let i = 0; !(await fetch(gatewayUrl.replace(/graphql$/, 'ready'))).ok; i++) {
      if (i > 300) throw new Error('graph not ready');
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 240_000);
  afterAll(async () => {
    await supervisor.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });

  test('off by default; on with the standard OTEL_* variables', () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });

  test('W1: one trace from the caller through the gateway, a fetch of each subgraph it needs and their SQL', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await signUserToken(DEV_JWT_SECRET, { sub: 'tracing', roles: ['admin'] })}`,
        traceparent: `00-${traceId}-${callerSpan}-01`,
        'cache-control': 'no-cache',
      },
      body: JSON.stringify({ query: workloads('000000000000').W1.query }),
    });
    const body = (await res.json()) as { errors?: unknown };
    expect(body.errors).toBeUndefined();
    const mine = () => spans.filter((s) => s.traceId === traceId);
    // Each process exports within OTEL_BSP_SCHEDULE_DELAY; wait for the last SQL statement's span.
    for (let i = 0; mine().filter((s) => s.name.startsWith('SQL ')).length < 5 || !mine().some((s) => s.kind === SERVER && s.service === 'p06-gateway'); i++) {
      if (i > 100) throw new Error(`spans of the trace: ${mine().map((s) => `${s.service} ${s.name}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    const found = mine();
    const byId = new Map(found.map((s) => [s.spanId, s]));
    // Every span of the trace hangs off another of the trace, up to the caller's.
    for (const s of found) expect([s.name, s.parentSpanId === callerSpan || byId.has(s.parentSpanId!)]).toEqual([s.name, true]);
    const server = found.filter((s) => s.kind === SERVER);
    const gateway = server.filter((s) => attr(s, 'p06.service') === 'gateway');
    expect(gateway).toHaveLength(1);
    expect(gateway[0].service).toBe('p06-gateway');
    expect(gateway[0].parentSpanId).toBe(callerSpan);
    // @apollo/gateway's own spans: one per subgraph fetch of the query plan.
    const fetches = found.filter((s) => s.name === 'gateway.fetch');
    const fetched = fetches.map((s) => attr(s, 'service')).sort();
    // W1 asks for the five domains' figures; the indicators' @requires also reads every other
    // domain whose figures an indicator uses (the registry's domains declaring indicators).
    const withIndicators = DOMAIN_MODULES.filter((m) => m.indicators?.length).map((m) => m.name);
    expect(fetched).toEqual([...new Set(['civil-status', 'geography', 'health', 'indicators', 'justice-records', 'land', 'residency', ...withIndicators])].sort());
    const ancestors = (s: OtlpSpan): OtlpSpan[] => (byId.has(s.parentSpanId!) ? [byId.get(s.parentSpanId!)!, ...ancestors(byId.get(s.parentSpanId!)!)] : []);
    for (const f of fetches) expect(ancestors(f)).toContain(gateway[0]);
    // Each fetch arrived at its subgraph with the traceparent: the subgraph's server span is its child.
    for (const name of fetched) {
      const sub = server.filter((s) => attr(s, 'p06.service') === name);
      expect([name, sub.length, sub[0]?.service]).toEqual([name, 1, `p06-${name}`]);
      expect([name, byId.get(sub[0].parentSpanId!)?.name, attr(byId.get(sub[0].parentSpanId!)!, 'service')]).toEqual([name, 'gateway.fetch', name]);
    }
    // The SQL statements of each domain with data, under its subgraph's server span: one per fetch.
    for (const domain of ['residency', 'land', 'civil-status', 'justice-records', 'health']) {
      const sql = found.filter((s) => s.name === `SQL ${domain}`);
      expect([domain, sql.length, sql[0]?.service]).toEqual([domain, 1, `p06-${domain}`]);
      expect(attr(sql[0], 'db.query.text')).toMatch(/select/i);
      expect(ancestors(sql[0]).map((s) => attr(s, 'p06.service'))).toContain(domain);
    }
  });

  test('log lines written within a span carry its trace id', async () => {
    const tracing = startTracing('test', {}, new InMemorySpanExporter())!;
    const lines: string[] = [];
    const log = pino({ mixin: traceIds }, new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }));
    let ids: { traceId: string; spanId: string } | undefined;
    trace.getTracer('test').startActiveSpan('work', (span) => {
      ids = span.spanContext();
      log.info('inside');
      span.end();
    });
    log.info('outside');
    await tracing.shutdown();
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'inside', trace_id: ids!.traceId, span_id: ids!.spanId });
    expect(ids!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(lines[1]).trace_id).toBeUndefined();
  });
});
