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
 * Who asks: the graph's users, not an admin (issue 17), so that what trust costs is measured.
 * W1-W3 (aggregates) as an analyst, whose commune and district counts are perturbed; W4 (one
 * citizen across domains) as an officer, whose reads are checked against residency, audited one
 * by one and kept out of the response cache. The officer's claim names every province of the
 * current structure: a citizen's records may name people anywhere (a spouse), and a refusal
 * would end the run; the scope is still checked for each person.
 */
export type BenchCaller = 'admin' | 'analyst' | 'officer';

export function callerOf(workload: string): BenchCaller {
  return workload === 'W4' ? 'officer' : 'analyst';
}

/** Every province code of the current structure, read from the reference data. */
function allProvinceCodes(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const areas = require(path.join(root, 'lib', 'areas')) as typeof import('../../lib/areas');
  return areas.areasOfLevel('PROVINCE', 'TWO_TIER').map((a) => a.code);
}

/**
 * The headers a benchmark request carries when the graph authenticates: a bearer token of the
 * caller (an admin's for the readiness probes).
 */
export async function benchHeaders(caller: BenchCaller = 'admin'): Promise<Record<string, string>> {
  const auth = loadAuth();
  if (!auth) return {};
  const claims = caller === 'officer' ? { sub: 'bench-officer', roles: ['officer'], provinces: allProvinceCodes() } : { sub: `bench-${caller}`, roles: [caller] };
  const token = await auth.signUserToken(BENCH_SECRETS.JWT_SECRET, claims, '12h');
  // An officer states the purpose of a person-level read, which the audit records (X-Purpose).
  return caller === 'officer' ? { authorization: `Bearer ${token}`, 'x-purpose': 'benchmark run: case BENCH-W4' } : { authorization: `Bearer ${token}` };
}
