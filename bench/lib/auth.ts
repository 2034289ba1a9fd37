/**
 * Callers' credentials, when the tree being measured has authentication (lib/auth.ts). It is
 * loaded at run time rather than imported so that the harness runs, and type-checks, on trees
 * with and without it: authentication was being introduced while the harness was written.
 */
import fs from 'node:fs';
import path from 'node:path';

interface Identity {
  sub: string | null;
  roles: string[];
  provinces: string[];
  clientAddress: string | null;
}

export interface AuthModule {
  DEV_JWT_SECRET: string;
  DEV_INTERNAL_SECRET: string;
  IDENTITY_HEADER: string;
  signUserToken(secret: string, claims: { sub: string; roles: string[]; provinces?: string[] }, expiresIn?: string): Promise<string>;
  createUserTokenVerifier(config: { JWT_SECRET?: string }): Promise<(token: string, clientAddress: string | null) => Promise<Identity>>;
  /** `audience`: the subgraph the request goes to (ignored by trees whose signatures name none). */
  signInternalIdentity(secret: string, identity: Identity, bodyHash: string, audience: string): Promise<string>;
  bodyHashOf(body: string): string;
}

const root = path.resolve(__dirname, '..', '..');

/**
 * The benchmark's own secrets, given to every process it starts: production mode (which the
 * benchmark runs in, as the containers do) refuses the development defaults.
 */
export const BENCH_SECRETS = {
  JWT_SECRET: 'bench-jwt-secret-only-for-loopback-benchmarks',
  INTERNAL_SECRET: 'bench-internal-secret-only-for-loopback-benchmarks',
  // Production refuses to start without it too (the disclosure control's cell keys).
  PERTURBATION_SECRET: 'bench-perturbation-secret-only-for-loopback-benchmarks',
};

export function loadAuth(): AuthModule | null {
  const file = path.join(root, 'lib', 'auth.ts');
  if (!fs.existsSync(file)) return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as Partial<AuthModule>;
  const needed: (keyof AuthModule)[] = ['signUserToken', 'createUserTokenVerifier', 'signInternalIdentity', 'bodyHashOf', 'IDENTITY_HEADER'];
  const missing = needed.filter((k) => mod[k] === undefined);
  if (missing.length) throw new Error(`lib/auth.ts exists but lacks ${missing.join(', ')}: update bench/lib/auth.ts`);
  return mod as AuthModule;
}

/**
 * The headers every benchmark request carries: an admin's bearer token when the graph
 * authenticates (admins see exact figures and every person, so all targets answer the same).
 */
export async function benchHeaders(): Promise<Record<string, string>> {
  const auth = loadAuth();
  if (!auth) return {};
  const token = await auth.signUserToken(BENCH_SECRETS.JWT_SECRET, { sub: 'bench', roles: ['admin'] }, '12h');
  return { authorization: `Bearer ${token}` };
}
