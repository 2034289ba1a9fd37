/**
 * Who is asking, and what they may see.
 *
 * - Callers authenticate at the gateway with a JWT bearer token (HS256 with JWT_SECRET, or
 *   RS256/ES256 with JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE). Claims: `sub`, `roles` (analyst,
 *   officer, admin) and, for officers, `provinces`.
 * - The gateway forwards the identity to every subgraph in a short-lived token of its own
 *   (INTERNAL_SECRET) bound to that very request by a hash of its body, to that subgraph by its
 *   audience, and usable once; a subgraph refuses any request without one, or with one made for
 *   another body or subgraph or already used (401), so subgraphs are reachable only through the
 *   gateway, and a captured request cannot be replayed.
 * - Every subgraph enforces the rules below itself (defence in depth): person-level data for
 *   admins, and for officers within their provinces; aggregates for all three roles.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { createLocalJWKSet, importSPKI, jwtVerify, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';
import { areaByCode, oldProvincesOf, type Area } from './areas';

export const ROLES = ['analyst', 'officer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Identity {
  /** The token's subject; null for an anonymous caller. */
  sub: string | null;
  roles: Role[];
  /** Province codes an officer serves. */
  provinces: string[];
  /** The caller's address as the gateway saw it. */
  clientAddress: string | null;
}

export const ANONYMOUS: Identity = { sub: null, roles: [], provinces: [], clientAddress: null };

/** The secrets a development machine uses when none is configured; production refuses them. */
export const DEV_JWT_SECRET = 'p06-development-secret-not-for-production';
export const DEV_INTERNAL_SECRET = 'p06-development-internal-secret-not-for-production';

/** The header that carries the gateway's signed identity to a subgraph. */
export const IDENTITY_HEADER = 'x-p06-identity';
/** How long a forwarded identity is valid: one subgraph request, with slack for slow clocks. */
export const INTERNAL_TOKEN_SECONDS = 60;

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

function identityFromClaims(payload: JWTPayload, clientAddress: string | null): Identity {
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)) : [];
  const provinces = Array.isArray(payload.provinces) ? payload.provinces.map(String).filter((p) => /^\d{2}$/.test(p)) : [];
  return { sub: typeof payload.sub === 'string' ? payload.sub : null, roles, provinces, clientAddress };
}

export interface UserTokenConfig {
  JWT_SECRET?: string;
  JWT_PUBLIC_KEY_FILE?: string;
  JWT_JWKS_FILE?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  /** Seconds a token may live, `exp` minus `iat`; 12 hours when absent. */
  JWT_MAX_LIFETIME?: number;
}

export const DEFAULT_MAX_TOKEN_LIFETIME = 12 * 3600;

/**
 * What a verified token must also be: a string subject (the audit names it), an issue and an
 * expiry time, and a lifetime within the maximum, so that a leaked token is worth hours, not
 * forever. Answers why not, or null.
 */
export function tokenClaimsProblem(payload: JWTPayload, maxLifetime: number): string | null {
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    return `the "sub" claim must be a non-empty string (got ${payload.sub === undefined ? 'none' : typeof payload.sub === 'string' ? 'an empty string' : `a ${typeof payload.sub}`})`;
  }
  if (typeof payload.exp !== 'number') return 'the token has no "exp" (expiry time) claim: tokens must expire';
  if (typeof payload.iat !== 'number') return 'the token has no "iat" (issued at) claim: its lifetime cannot be checked';
  if (payload.exp - payload.iat > maxLifetime) {
    return `the token lives ${payload.exp - payload.iat} s (exp - iat), longer than the maximum of ${maxLifetime} s (JWT_MAX_LIFETIME)`;
  }
  return null;
}

/** Verifies callers' bearer tokens: HS256 with a secret, or RS256/ES256 with a public key or a JWKS file. */
export async function createUserTokenVerifier(config: UserTokenConfig): Promise<(token: string, clientAddress: string | null) => Promise<Identity>> {
  let key: Uint8Array | KeyLike | ReturnType<typeof createLocalJWKSet>;
  let algorithms: string[];
  if (config.JWT_JWKS_FILE) {
    key = createLocalJWKSet(JSON.parse(fs.readFileSync(config.JWT_JWKS_FILE, 'utf8')));
    algorithms = ['RS256', 'ES256'];
  } else if (config.JWT_PUBLIC_KEY_FILE) {
    const pem = fs.readFileSync(config.JWT_PUBLIC_KEY_FILE, 'utf8');
    const alg = pem.includes('BEGIN PUBLIC KEY') && crypto.createPublicKey(pem).asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
    key = await importSPKI(pem, alg);
    algorithms = [alg];
  } else {
    key = new TextEncoder().encode(config.JWT_SECRET ?? DEV_JWT_SECRET);
    algorithms = ['HS256'];
  }
  // A dashboard sends the same token with every request: its verified claims are kept for a
  // few minutes, never past the token's own expiry (checked again on every use).
  const verified = new LRUCache<string, JWTPayload>({ max: 10_000, ttl: 5 * 60 * 1000 });
  const maxLifetime = config.JWT_MAX_LIFETIME ?? DEFAULT_MAX_TOKEN_LIFETIME;
  return async (token, clientAddress) => {
    const known = verified.get(token);
    if (known && known.exp! * 1000 > Date.now()) return identityFromClaims(known, clientAddress);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], { algorithms, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }));
    } catch (err) {
      throw unauthenticated(`Invalid bearer token: ${(err as Error).message}`);
    }
    const problem = tokenClaimsProblem(payload, maxLifetime);
    if (problem) throw unauthenticated(`Invalid bearer token: ${problem}`);
    verified.set(token, payload);
    return identityFromClaims(payload, clientAddress);
  };
}

/** Signs a caller's token with an HS256 secret (the `npm run token` script and tests). */
export async function signUserToken(secret: string, claims: { sub: string; roles: Role[]; provinces?: string[] }, expiresIn = '8h'): Promise<string> {
  return new SignJWT({ roles: claims.roles, provinces: claims.provinces ?? [] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/**
 * What binds a forwarded identity to one request: a hash of the exact bytes of its body, as
 * sent by the gateway and as received by the subgraph (hashing what was sent costs one pass
 * over the bytes; re-serialising the query and variables to hash them cost more).
 */
export function bodyHashOf(body: string | Uint8Array): string {
  return crypto.createHash('sha256').update(body).digest('base64url');
}

/** HMAC keys by secret: made once, not for every request signed or verified. */
const hmacKeys = new Map<string, KeyObject>();
const hmacKey = (secret: string) => {
  let key = hmacKeys.get(secret);
  if (!key) hmacKeys.set(secret, (key = crypto.createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
};

/**
 * Signs the identity the gateway forwards with one subgraph request: for that subgraph alone
 * (`aud`), that body alone (`bh`), once (`jti`, a random id the subgraph remembers until the
 * token expires) and for INTERNAL_TOKEN_SECONDS. A new token for every request: a captured one
 * can be neither replayed nor sent to another subgraph.
 */
export async function signInternalIdentity(secret: string, identity: Identity, bodyHash: string, audience: string): Promise<string> {
  return new SignJWT({ roles: identity.roles, provinces: identity.provinces, addr: identity.clientAddress, bh: bodyHash })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(identity.sub ?? '')
    .setAudience(audience)
    .setJti(crypto.randomBytes(12).toString('base64url'))
    .setIssuedAt()
    .setExpirationTime(`${INTERNAL_TOKEN_SECONDS}s`)
    .sign(hmacKey(secret));
}

/** A verified forwarded identity, and what its single use is checked by. */
export interface InternalIdentity {
  identity: Identity;
  /** The token's id, to be used once. */
  jti: string;
  /** When the token expires (ms since the epoch): its id need not be remembered longer. */
  expiresAt: number;
}

/** The identity a subgraph request carries, or an Error saying why it carries none. Its single use is the caller's to check (lib/replay-guard.ts). */
export async function verifyInternalIdentity(secret: string, token: string | undefined, bodyHash: string, audience: string): Promise<InternalIdentity> {
  if (!token) throw new Error(`missing ${IDENTITY_HEADER} header: subgraphs answer only the gateway`);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, hmacKey(secret), { algorithms: ['HS256'], audience, maxTokenAge: `${INTERNAL_TOKEN_SECONDS}s`, requiredClaims: ['jti', 'exp'] }));
  } catch (err) {
    const e = err as Error & { claim?: string };
    throw new Error(e.claim === 'aud' ? `the identity was signed for another subgraph, not ${audience}` : e.message);
  }
  if (payload.bh !== bodyHash) throw new Error('the identity was signed for another request');
  const identity = identityFromClaims(payload, typeof payload.addr === 'string' ? payload.addr : null);
  return { identity: { ...identity, sub: identity.sub || null }, jti: String(payload.jti), expiresAt: payload.exp! * 1000 };
}

/** A Citizen entity as other subgraphs receive it: its key and, through @requires, where it lives (a two-tier commune's id). */
export interface CitizenRef {
  id: string;
  residenceCommuneId: string;
}

export const isAdmin = (id: Identity) => id.roles.includes('admin');

/** Aggregates are for any of the three roles. */
export function requireAnyRole(identity: Identity, what = 'this data'): void {
  if (identity.roles.length === 0) throw unauthenticated(`Authentication required to read ${what}: send a bearer token`);
}

/**
 * The three-tier provinces an officer's `provinces` claim covers (by id). A claim is a province
 * code read in the structure in force: a code of the two-tier structure means that province
 * (all the old provinces it absorbed: "31" is Hải Phòng with Hải Dương); a code that exists only
 * in the three-tier structure means that old province's territory ("30" is old Hải Dương alone).
 * Every new province keeps the code of one of the old provinces it absorbed, so a token issued
 * before the reform for an old code still covers that territory.
 */
const scopes = new Map<string, Set<string>>();
function scopeOf(identity: Identity): Set<string> {
  const cacheKey = identity.provinces.join(',');
  let scope = scopes.get(cacheKey);
  if (!scope) {
    scope = new Set();
    for (const code of identity.provinces) {
      const area = areaByCode(code, 'TWO_TIER') ?? areaByCode(code, 'THREE_TIER');
      if (area?.level === 'PROVINCE') for (const id of oldProvincesOf(area)) scope.add(id);
    }
    if (scopes.size > 1000) scopes.clear();
    scopes.set(cacheKey, scope);
  }
  return scope;
}

/** An officer's scope covers the whole unit (every old province it overlaps). */
function withinScope(identity: Identity, area: Area): boolean {
  if (!identity.roles.includes('officer')) return false;
  const scope = scopeOf(identity);
  return oldProvincesOf(area).every((p) => scope.has(p));
}

/** Admins see every person; officers those registered in their provinces (`area`: where the person lives, either structure). */
export function mayReadPersonIn(identity: Identity, area: Area): boolean {
  return isAdmin(identity) || withinScope(identity, area);
}

/**
 * The one refusal of person-level data outside an officer's provinces, whatever the path: a
 * citizen, a record naming a person, an unknown personal or record ID. It names no commune or
 * province and reads the same for an unknown ID as for someone registered elsewhere, so that
 * refusals tell nothing about where a person lives, or whether they exist.
 */
export const OUT_OF_SCOPE_MESSAGE =
  'Not allowed: person-level data is for admins, and for officers of the provinces where every person it names is registered (an ID that is unknown is refused the same way)';

export const outOfScope = (): GraphQLError => forbidden(OUT_OF_SCOPE_MESSAGE);

/** An officer's answer may not hold this unit's people: refused alike whether known or not. */
export const isOfficerOnly = (identity: Identity) => identity.roles.includes('officer') && !isAdmin(identity);

/** Throws UNAUTHENTICATED or FORBIDDEN unless the caller may read person-level data of people living in this unit. */
export function requirePersonAccess(identity: Identity, area: Area, what: string): void {
  if (identity.roles.length === 0) throw unauthenticated(`Authentication required to read ${what}`);
  if (!identity.roles.includes('officer') && !isAdmin(identity)) {
    throw forbidden(`Not allowed to read ${what} with roles ${identity.roles.join(', ')}: person-level data is for officers and admins`);
  }
  if (!mayReadPersonIn(identity, area)) throw outOfScope();
}

/**
 * A record that names persons (a parcel's owner, a marriage's spouses, an e-health book's or a
 * request's holder), as a subgraph may hand it to the gateway. Whether the persons are registered
 * in an officer's provinces is known to residency alone: the gateway checks every person a
 * subgraph's answer names before any of it reaches an officer (gateway/person-scope.ts). Here: an
 * unknown record is refused to an officer as one outside their scope would be, and a record that
 * names nobody is an officer's when its place is in their provinces.
 */
export function readableRecord<R>(identity: Identity, record: R | null, persons: (r: R) => readonly (string | null)[], place: (r: R) => Area): R | null {
  if (!isOfficerOnly(identity)) return record;
  if (!record) throw outOfScope();
  if (persons(record).some((p) => p)) return record;
  if (!mayReadPersonIn(identity, place(record))) throw outOfScope();
  return record;
}

/** Throws unless the caller may read person-level data at all (before knowing whose). */
export function requirePersonRole(identity: Identity, what: string): void {
  if (identity.roles.length === 0) throw unauthenticated(`Authentication required to read ${what}`);
  if (!isAdmin(identity) && !identity.roles.includes('officer')) {
    throw forbidden(`Not allowed to read ${what} with roles ${identity.roles.join(', ')}: person-level data is for officers and admins`);
  }
}

/** Admins, and officers within their provinces, see exact small counts; others see them suppressed. */
export function seesExactFigures(identity: Identity, area: Area): boolean {
  return isAdmin(identity) || withinScope(identity, area);
}
