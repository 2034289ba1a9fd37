/**
 * CSV and Excel answers. Any operation the graph answers in JSON (sent as text or by hash, over
 * POST or GET) is answered as a table when the request asks for one:
 *
 * - `?format=csv` or `?format=xlsx` in the URL (for links; `json` too), or else
 * - `Accept: text/csv` or `Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`
 *   (when JSON is not preferred: `*\/*` and browsers' defaults stay JSON).
 *
 * The operation is run exactly as for JSON, through the same plugins (limits, authorization,
 * audit of person-level reads, small-cell suppression in the subgraphs), and the table is made
 * from that same JSON result: an export never holds anything its JSON answer would not. An
 * answer with errors is never half a file: the JSON answer is sent instead, with a 4xx or 5xx
 * status that says what went wrong (`exportErrorStatus`).
 *
 * The rule of rows and columns is in ./table.ts; cells in ./write.ts.
 */
import { PassThrough } from 'node:stream';
import type express from 'express';
import type { ApolloServerPlugin, HTTPGraphQLResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { logger } from '../../lib/logger';
import type { GatewayContext } from '../server';
import { tableRows, tableShape, type TableShape } from './table';
import { CONTENT_TYPES, writeCsv, writeXlsx, XLSX_MAX_COLUMNS, XLSX_MAX_ROWS, XLSX_TYPE, type TableFormat } from './write';

export type AnswerFormat = 'json' | TableFormat;

/** What the gateway learns about a table request while answering it. */
export interface ExportNotes {
  format: TableFormat;
  /** The table the operation's answers flatten into (set once the operation is resolved). */
  shape?: TableShape;
  operationName?: string;
}

const FORMAT_NAMES: AnswerFormat[] = ['json', 'csv', 'xlsx'];

/** A request that cannot be answered as asked: the gateway's error handler sends `message` with `status`. */
class FormatError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** The format a request asks for: the `format` URL parameter, else its Accept header. */
export function answerFormatOf(req: express.Request): AnswerFormat {
  const param = req.query.format;
  if (param !== undefined) {
    const name = typeof param === 'string' ? param.toLowerCase() : undefined;
    if (!name || !FORMAT_NAMES.includes(name as AnswerFormat)) {
      throw new FormatError(`Unknown answer format ${JSON.stringify(param)} in the format parameter: use json, csv or xlsx (once)`, 400);
    }
    return name as AnswerFormat;
  }
  const accept = req.get('accept');
  // Most requests say nothing or `*/*`: JSON, without negotiating.
  if (!accept || !/csv|spreadsheetml/i.test(accept)) return 'json';
  const chosen = req.accepts(['application/json', 'application/graphql-response+json', 'text/csv', XLSX_TYPE]);
  return chosen === 'text/csv' ? 'csv' : chosen === XLSX_TYPE ? 'xlsx' : 'json';
}

export const exportNotesFor = (format: AnswerFormat): ExportNotes | undefined => (format === 'json' ? undefined : { format });

/**
 * What Apollo Server is told about a table request: it answers JSON, which the gateway turns
 * into the table. A GET link asking for a table (`?format=`) passes Apollo's CSRF check: this
 * gateway takes credentials only from the Authorization header, which a browser never adds to a
 * request another site makes it send, so such a request is anonymous and reads only what anyone
 * may read (area names and the indicator catalogue); the only mutations (the catalogue's, for
 * admins) need a token, and Apollo Server never runs a mutation sent by GET.
 */
export function headersForExecution(req: express.Request, notes: ExportNotes | undefined): Record<string, string> {
  if (!notes) return {};
  return { accept: 'application/json', ...(req.method === 'GET' && req.query.format !== undefined ? { 'apollo-require-preflight': 'export-link' } : {}) };
}

/** Lays out the table of a table request once its operation is known; refuses one too wide for a sheet. */
export function exportPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          const notes = rc.contextValue.export;
          if (!notes || !rc.operation) return;
          notes.shape = tableShape(rc.schema, rc.document!, rc.operation!, (rc.request.variables ?? {}) as Record<string, unknown>);
          notes.operationName = rc.operationName ?? undefined;
          if (notes.format === 'xlsx' && notes.shape.columns.length > XLSX_MAX_COLUMNS) {
            throw new GraphQLError(`The answer would have ${notes.shape.columns.length} columns, more than an XLSX sheet holds (${XLSX_MAX_COLUMNS}): ask for fewer fields, or for CSV`, {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

const STATUS_BY_CODE: Record<string, number> = {
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  QUERY_LIMIT_EXCEEDED: 400,
  PERSISTED_QUERY_NOT_FOUND: 404,
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
  PERSISTED_QUERY_NOT_REGISTERED: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  AUDIT_UNAVAILABLE: 503,
};

/**
 * The status of a table request whose answer has errors: Apollo's own when it chose one (a
 * request error), else from the errors' codes, the gravest first: a server-side failure (a
 * subgraph down, an error without a known code) is 502, since the gateway could not get the
 * answer; else the first error's 4xx.
 */
export function exportErrorStatus(errors: { extensions?: { code?: unknown } }[], apolloStatus: number | undefined): number {
  if (apolloStatus && apolloStatus >= 400) return apolloStatus;
  const statuses = errors.map((e) => STATUS_BY_CODE[String(e.extensions?.code)] ?? 502);
  return statuses.find((s) => s >= 500) ?? statuses[0] ?? 502;
}

/** An answer as sent, for the response cache to keep (`body` is empty unless it was asked to keep it). */
export interface SentAnswer {
  status: number;
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * Sends the table of an executed table request, streamed as it is written, with `headers`
 * (caching); or, when the answer has errors, its JSON with an error status. With `keep`, the
 * bytes sent are also returned, for the response cache.
 */
export async function sendExport(res: express.Response, response: HTTPGraphQLResponse, notes: ExportNotes, options: { keep: boolean; headers: Record<string, string> }): Promise<SentAnswer> {
  const text =
    response.body.kind === 'complete'
      ? response.body.string
      : JSON.stringify({ errors: [{ message: 'An answer delivered in parts (@defer, @stream) cannot be given as CSV or XLSX: ask for JSON', extensions: { code: 'BAD_REQUEST' } }] });
  const result = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: unknown } }[] };
  if (result.errors?.length || !result.data || !notes.shape || response.body.kind !== 'complete') {
    const status = exportErrorStatus(result.errors ?? [], response.body.kind === 'complete' ? response.status : 400);
    const headers = { 'content-type': 'application/json; charset=utf-8', ...options.headers };
    res.status(status).set(headers).end(text);
    return { status, body: Buffer.alloc(0), headers };
  }
  const { shape } = notes;
  const data = result.data;
  if (notes.format === 'xlsx') {
    let rows = 0;
    for (const _ of tableRows(shape, data)) rows++;
    if (rows + 1 > XLSX_MAX_ROWS) {
      const body = JSON.stringify({ errors: [{ message: `The answer has ${rows} rows, more than an XLSX sheet holds (${XLSX_MAX_ROWS - 1} below its header): ask for less, or for CSV`, extensions: { code: 'BAD_REQUEST' } }] });
      res.status(400).set({ 'content-type': 'application/json; charset=utf-8', ...options.headers }).end(body);
      return { status: 400, body: Buffer.alloc(0), headers: {} };
    }
  }
  const name = notes.operationName ?? 'answer';
  const fileHeaders = { 'content-type': CONTENT_TYPES[notes.format], 'content-disposition': `attachment; filename="${name}.${notes.format}"` };
  res.status(200).set({ ...fileHeaders, ...options.headers });
  // What is written goes to the client as it comes, and is kept too when the cache will store it.
  const kept: Buffer[] = [];
  const out = new PassThrough();
  if (options.keep) out.on('data', (chunk: Buffer) => kept.push(chunk));
  out.pipe(res);
  const finished = new Promise<void>((resolve, reject) => {
    res.on('finish', resolve);
    res.on('close', () => (res.writableFinished ? resolve() : reject(new Error('the client closed the connection before the file was complete'))));
  });
  try {
    if (notes.format === 'csv') await writeCsv(shape.columns, tableRows(shape, data), out);
    else await writeXlsx(shape.columns, tableRows(shape, data), out, name);
    await finished;
  } catch (err) {
    // The headers are gone: cut the connection, so that the client sees a failed download, not
    // a short file; nothing is kept.
    logger.warn({ err }, `${notes.format} answer cut short`);
    res.destroy();
    return { status: 500, body: Buffer.alloc(0), headers: fileHeaders };
  }
  return { status: 200, body: Buffer.concat(kept), headers: fileHeaders };
}
