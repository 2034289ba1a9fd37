/**
 * OpenTelemetry traces, off by default. On when the standard variables ask for them:
 * `OTEL_TRACES_EXPORTER=otlp`, or an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`
 * keep them off. Spans go to the OTLP/HTTP exporter, which reads the other `OTEL_EXPORTER_OTLP_*`
 * variables itself (headers, timeout); `OTEL_SERVICE_NAME` names the service (default
 * `p06-<service>`); `OTEL_TRACES_SAMPLER` and `OTEL_BSP_*` work as usual.
 *
 * One trace per request: the gateway's server span (joining the caller's `traceparent` when there
 * is one), @apollo/gateway's own spans (plan, execute, one per fetch), the fetch's W3C
 * `traceparent` sent to the subgraph, the subgraph's server span, and one span per SQL statement
 * (knex's query events). Log lines written within a span carry its `trace_id` and `span_id`.
 *
 * The SDK is loaded only when tracing is on: a process without it pays one boolean test per hook.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import { dialectOf } from './dialect';

let enabled = false;
const tracer = trace.getTracer('p06-graph');

export const tracingEnabled = () => enabled;

/** Whether the environment asks for traces (see the module's comment). */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return false;
  return env.OTEL_TRACES_EXPORTER === 'otlp' || !!env.OTEL_EXPORTER_OTLP_ENDPOINT || !!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
}

export interface Tracing {
  /** Sends the spans still buffered. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Registers the tracer provider, the AsyncLocalStorage context and the W3C propagator, when the
 * environment asks for traces. `exporter` replaces the OTLP exporter (tests that stay in one process).
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env, exporter?: import('@opentelemetry/sdk-trace-node').SpanExporter): Tracing | undefined {
  if (!exporter && !tracingRequested(env)) return undefined;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? `p06-${service}` }),
    spanProcessors: [new BatchSpanProcessor(exporter ?? new OTLPTraceExporter())],
  });
  provider.register();
  enabled = true;
  return { flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}

/**
 * Express middleware: a server span for the request, child of the caller's `traceparent`, active
 * for everything the request runs. Mount it after the body is parsed (the parser's callbacks run
 * outside the request's context).
 */
export function serverSpan(service: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!enabled) return next();
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(`${req.method} ${req.baseUrl || req.path}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method, 'url.path': req.originalUrl.split('?')[0], 'p06.service': service },
    }, parent);
    res.once('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/** A span for every SQL statement of a database, child of whatever span is active when it runs. */
export function traceSql(db: Knex, domain: string): void {
  const spans = new Map<string, Span>();
  const system = dialectOf(db);
  db.on('query', (q: { __knexQueryUid: string; sql: string }) => {
    if (!enabled) return;
    spans.set(
      q.__knexQueryUid,
      tracer.startSpan(`SQL ${domain}`, { kind: SpanKind.CLIENT, attributes: { 'db.system': system, 'db.namespace': domain, 'db.query.text': q.sql.slice(0, 2000) } }),
    );
  });
  const end = (q: { __knexQueryUid: string }, err?: Error) => {
    const span = spans.get(q.__knexQueryUid);
    if (!span) return;
    spans.delete(q.__knexQueryUid);
    if (err) span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    span.end();
  };
  db.on('query-response', (_r: unknown, q: { __knexQueryUid: string }) => end(q));
  db.on('query-error', (err: Error, q: { __knexQueryUid: string }) => end(q, err));
}

/** The active span's ids, for log lines (pino's mixin). */
export function traceIds(): { trace_id?: string; span_id?: string } {
  if (!enabled) return {};
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
