/**
 * Configuration from environment variables, validated once at start-up so that a typo fails
 * loudly with the variable's name instead of surfacing later as a strange runtime error.
 * `.env.template` lists every variable.
 */
import { z } from 'zod';

/** A service's name, as services/registry.ts lists them (which also gives each its default port). */
export type Domain = string;

/** A service as configuration sees it: its name (the prefix of its variables) and its default port. */
export interface ServiceAddress {
  name: Domain;
  port: number;
}

/** The gateway's default port; each subgraph's is declared by its module (services/registry.ts). */
export const GATEWAY_DEFAULT_PORT = 4000;

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DB_CLIENT: z.enum(['better-sqlite3', 'mysql2']).default('better-sqlite3'),
  DATA_DIR: z.string().min(1).default('./data'),
  MYSQL_URL: z.string().regex(/^mysql:\/\//, 'must look like mysql://user:pass@host:port').optional(),
  MYSQL_DATABASE_PREFIX: z.string().regex(/^[A-Za-z0-9_]*$/, 'letters, digits and _ only').default('p06_'),
  PORT: z.coerce.number().int().min(0).max(65535).default(GATEWAY_DEFAULT_PORT),
  HOST: z.string().default('127.0.0.1'),
  DEMO_SCALE: z.coerce.number().min(0).max(100).default(0.5),
  DEMO_SEED: z.string().default('p06'),
  /** The product's "today" (YYYY-MM-DD); Viet Nam's date (Asia/Ho_Chi_Minh) when unset. For tests and demos. */
  TODAY: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date written YYYY-MM-DD').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The supergraph the gateway serves; a change to the file is loaded while it runs (gateway/supergraph-watch.ts). */
  SUPERGRAPH_FILE: z.string().default('schema/supergraph.graphql'),
  /** How often the gateway looks at SUPERGRAPH_FILE for a change; 0 turns hot reload off. */
  SUPERGRAPH_POLL_MS: z.coerce.number().int().min(0).default(2_000),
  // Callers' tokens: HS256 with JWT_SECRET (development default), or RS256/ES256 with a public key or a JWKS file.
  JWT_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  JWT_PUBLIC_KEY_FILE: z.string().optional(),
  JWT_JWKS_FILE: z.string().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  /**
   * The dashboard's sign-in through an OpenID Connect provider (authorization code with PKCE, in
   * the browser, as a public client): the provider's issuer URL and the dashboard's client id
   * there (its redirect URI is the gateway's /dashboard). The access token it gets is sent to the
   * graph, so the provider must issue JWT access tokens the gateway verifies (JWT_JWKS_FILE or
   * JWT_PUBLIC_KEY_FILE, JWT_ISSUER, JWT_AUDIENCE) with the caller's `roles` (and `provinces`).
   * `DASHBOARD_OIDC_RESOURCE`, when set, is asked for as the token's resource (RFC 8707), usually
   * JWT_AUDIENCE. Without an issuer, the dashboard takes a pasted token.
   */
  DASHBOARD_OIDC_ISSUER: z.string().url().optional(),
  DASHBOARD_OIDC_CLIENT_ID: z.string().min(1).optional(),
  DASHBOARD_OIDC_SCOPE: z.string().min(1).default('openid'),
  DASHBOARD_OIDC_RESOURCE: z.string().min(1).optional(),
  /** The longest a caller's token may live (its `exp` minus its `iat`): `12h`, `90m`, `3600s` or seconds. */
  JWT_MAX_LIFETIME: duration('12h'),
  /**
   * Who may tell the gateway the client's address in X-Forwarded-For: addresses or CIDR ranges
   * of the proxies in front of it, or `loopback`, `linklocal`, `uniquelocal`, comma-separated
   * (Express's `trust proxy`). Empty: nobody; the address is the socket's.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  /** Signs the identity the gateway forwards to the subgraphs; every service must share it. */
  INTERNAL_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  /**
   * Keys the record keys of cell-key perturbation (lib/disclosure/record-keys.ts): every writer
   * (services, imports) must share it; changing it needs the summaries rebuilt. Development default
   * refused in production.
   */
  PERTURBATION_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).default(14),
  /** Tokens of a query's text: parsing stops there, before validation reads any of it. */
  MAX_QUERY_TOKENS: z.coerce.number().int().min(100).default(3000),
  /** Fields of a query once its fragments are expanded (list lengths do not multiply them). */
  MAX_QUERY_FIELDS: z.coerce.number().int().min(10).default(1000),
  /** Times one response name may be selected in one selection set, fragments included. */
  MAX_FIELD_REPEATS: z.coerce.number().int().min(1).default(10),
  /** Nesting of the variables (and extensions) object of a request. */
  MAX_VARIABLES_DEPTH: z.coerce.number().int().min(1).default(10),
  /** Bytes of a query an anonymous caller may send, unless it is a registered operation. */
  ANONYMOUS_MAX_QUERY_BYTES: z.coerce.number().int().min(100).default(2000),
  MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  MAX_ROOT_FIELDS: z.coerce.number().int().min(1).default(20),
  /** Estimated cost: every field counts once per object it is asked of (lists multiply). */
  MAX_QUERY_COST: z.coerce.number().int().min(1).default(2_000_000),
  /** AreaStats objects (areas × periods) one query may ask for: all 10,051 communes in one period fit. */
  MAX_AREA_PERIODS: z.coerce.number().int().min(1).default(20_000),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(100_000),
  /** Requests per minute per subject (or per address when anonymous); 0 turns the limit off. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** How long the gateway waits for one subgraph fetch before its fields are null with SUBGRAPH_TIMEOUT. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** How long the gateway's circuit for a failing subgraph stays open (failing fast) before one fetch probes it. */
  SUBGRAPH_BREAKER_RESET_MS: z.coerce.number().int().min(100).default(5_000),
  /** With true, only operations registered in operations/*.graphql are accepted (by hash or text). */
  PERSISTED_OPERATIONS_ONLY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Characters of one cell of an import file (lib/import/limits.ts). */
  IMPORT_MAX_CELL_CHARS: z.coerce.number().int().min(100).default(4096),
  /** Characters of one CSV record (a line, or several when a quoted value holds line breaks). */
  IMPORT_MAX_LINE_CHARS: z.coerce.number().int().min(1000).default(65_536),
  /** Unpacked size of any part of an XLSX workbook (MB), as declared and as read. */
  IMPORT_MAX_XLSX_ENTRY_MB: z.coerce.number().int().min(1).default(1024),
  /** Unpacked size of an XLSX workbook's shared strings (MB), which the reader keeps in memory whole. */
  IMPORT_MAX_SHARED_STRINGS_MB: z.coerce.number().int().min(1).default(100),
  /** Number of an XLSX workbook's shared strings. */
  IMPORT_MAX_SHARED_STRINGS: z.coerce.number().int().min(1000).default(2_000_000),
  /** The gateway's response cache for aggregate answers (gateway/response-cache.ts). */
  RESPONSE_CACHE: z.enum(['on', 'off']).default('on'),
  /** A safety net only: entries are dropped as soon as a write changes their data, whatever this says. */
  RESPONSE_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(3600),
  /** Memory the in-process cache may hold (answers' bytes); with Redis, Redis's own maxmemory rules. */
  RESPONSE_CACHE_MAX_MB: z.coerce.number().int().min(1).default(256),
  /** Cache-Control max-age of cacheable answers (public when anonymous, private with a token); 0: no-store. */
  HTTP_CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /** Redis for the response cache and the data versions, shared by every gateway and import (redis://host:port/db). */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must look like redis://host:6379').optional(),
  /** Prefix of every Redis key this graph writes. */
  REDIS_KEY_PREFIX: z.string().default('p06:'),
});

export type Config = z.infer<typeof envSchema>;

/**
 * Ports the WHATWG fetch standard blocks (Node's fetch refuses them with "bad port"): a service
 * there could listen, but the gateway, `npm start` and clients using fetch could never reach it.
 */
export const FETCH_BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137,
  139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723,
  2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

function checkPort(variable: string, port: number): string | undefined {
  if (FETCH_BAD_PORTS.has(port)) return `  ${variable}: port ${port} is on the fetch standard's list of blocked ports ("bad port"): Node's fetch, which the gateway and npm start use, refuses to connect to it; choose another`;
  return undefined;
}

/** A duration written `12h`, `90m`, `3600s`, `2d` or as seconds, in seconds. */
function duration(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const m = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
      if (!m || Number(m[1]) === 0) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration: write it like 12h, 90m, 3600s or 3600 (seconds)` });
        return z.NEVER;
      }
      return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
    });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (parsed.data.NODE_ENV === 'production' && (!parsed.data.INTERNAL_SECRET || !parsed.data.PERTURBATION_SECRET || (!parsed.data.JWT_SECRET && !parsed.data.JWT_PUBLIC_KEY_FILE && !parsed.data.JWT_JWKS_FILE))) {
    throw new Error('Invalid configuration:\n  NODE_ENV=production needs INTERNAL_SECRET, PERTURBATION_SECRET and one of JWT_SECRET, JWT_PUBLIC_KEY_FILE, JWT_JWKS_FILE: the development secrets are refused');
  }
  // Every <SERVICE>_PORT set: lib/ does not know the registry's names, and a blocked port is wrong for any service.
  const servicePorts = Object.keys(env).filter((k) => /^[A-Z][A-Z0-9_]*_PORT$/.test(k) && env[k] !== undefined).sort();
  const badPorts = [checkPort('PORT', parsed.data.PORT), ...servicePorts.map((k) => checkPort(k, Number(env[k])))].filter(Boolean);
  if (badPorts.length) throw new Error(`Invalid configuration:\n${badPorts.join('\n')}`);
  if (Boolean(parsed.data.DASHBOARD_OIDC_ISSUER) !== Boolean(parsed.data.DASHBOARD_OIDC_CLIENT_ID)) {
    throw new Error('Invalid configuration:\n  DASHBOARD_OIDC_ISSUER and DASHBOARD_OIDC_CLIENT_ID: give both (the dashboard signs in through that provider as that client) or neither');
  }
  if (parsed.data.DB_CLIENT === 'mysql2' && !parsed.data.MYSQL_URL) {
    throw new Error('Invalid configuration:\n  MYSQL_URL: required when DB_CLIENT=mysql2');
  }
  return parsed.data;
}

/** `civil-status` → `CIVIL_STATUS`: the prefix of a service's own variables. */
export const envName = (name: string) => name.toUpperCase().replace(/-/g, '_');

/** The port a service listens on when run alone: `<DOMAIN>_PORT`, else its default. */
export function servicePort(service: ServiceAddress | 'gateway', env: NodeJS.ProcessEnv = process.env): number {
  const name = service === 'gateway' ? 'gateway' : service.name;
  const raw = service === 'gateway' ? env.PORT : env[`${envName(service.name)}_PORT`];
  const port = raw === undefined ? (service === 'gateway' ? GATEWAY_DEFAULT_PORT : service.port) : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid configuration: port of ${name} "${raw}"`);
  return port;
}

/** Where the gateway finds a subgraph: `<DOMAIN>_URL`, else the local default port. */
export function subgraphUrl(service: ServiceAddress, env: NodeJS.ProcessEnv = process.env): string {
  return env[`${envName(service.name)}_URL`] ?? `http://127.0.0.1:${servicePort(service, env)}/graphql`;
}
