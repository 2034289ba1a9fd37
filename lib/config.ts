/**
 * Configuration from environment variables, validated once at start-up so that a typo fails
 * loudly with the variable's name instead of surfacing later as a strange runtime error.
 * `.env.template` lists every variable.
 */
import { z } from 'zod';

export const DOMAINS = ['geography', 'residency', 'land', 'civil-status', 'justice-records', 'health', 'indicators'] as const;
export type Domain = (typeof DOMAINS)[number];

/** Default port of each service when it runs alone; `npm start` uses them too. */
export const DEFAULT_PORTS: Record<Domain | 'gateway', number> = {
  gateway: 4000,
  geography: 4001,
  residency: 4002,
  land: 4003,
  indicators: 4004,
  'civil-status': 4005,
  'justice-records': 4006,
  health: 4007,
};

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DB_CLIENT: z.enum(['better-sqlite3', 'mysql2']).default('better-sqlite3'),
  DATA_DIR: z.string().min(1).default('./data'),
  MYSQL_URL: z.string().regex(/^mysql:\/\//, 'must look like mysql://user:pass@host:port').optional(),
  MYSQL_DATABASE_PREFIX: z.string().regex(/^[A-Za-z0-9_]*$/, 'letters, digits and _ only').default('p06_'),
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORTS.gateway),
  HOST: z.string().default('127.0.0.1'),
  DEMO_SCALE: z.coerce.number().min(0).max(100).default(0.5),
  DEMO_SEED: z.string().default('p06'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SUPERGRAPH_FILE: z.string().default('schema/supergraph.graphql'),
});

export type Config = z.infer<typeof envSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (parsed.data.DB_CLIENT === 'mysql2' && !parsed.data.MYSQL_URL) {
    throw new Error('Invalid configuration:\n  MYSQL_URL: required when DB_CLIENT=mysql2');
  }
  return parsed.data;
}

/** `civil-status` → `CIVIL_STATUS`: the prefix of a service's own variables. */
export const envName = (name: string) => name.toUpperCase().replace(/-/g, '_');

/** The port a service listens on when run alone: `<DOMAIN>_PORT`, else its default. */
export function servicePort(name: Domain | 'gateway', env: NodeJS.ProcessEnv = process.env): number {
  const raw = name === 'gateway' ? env.PORT : env[`${envName(name)}_PORT`];
  const port = raw === undefined ? DEFAULT_PORTS[name] : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid configuration: port of ${name} "${raw}"`);
  return port;
}

/** Where the gateway finds a subgraph: `<DOMAIN>_URL`, else the local default port. */
export function subgraphUrl(name: Domain, env: NodeJS.ProcessEnv = process.env): string {
  return env[`${envName(name)}_URL`] ?? `http://127.0.0.1:${servicePort(name, env)}/graphql`;
}
