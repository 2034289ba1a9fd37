/**
 * lib/auth.ts on its own: real tokens signed and verified with jose (HS256 secrets, RS256 and
 * ES256 keys in PEM and JWKS files), the claims a token must carry, the forwarded identity's
 * binding to one body, one subgraph and one short lifetime, and who may read what in which unit.
 * Expected values come from the token's own claims or from the README's rules, not from the code.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt, SignJWT } from 'jose';
import { requireAreaById } from '../../lib/areas';
import {
  ANONYMOUS, bodyHashOf, createUserTokenVerifier, forbidden, isOfficerOnly, mayReadPersonIn, OUT_OF_SCOPE_MESSAGE, readableRecord, requireAnyRole, requirePersonAccess,
  requirePersonRole, seesExactFigures, signInternalIdentity, signUserToken, tokenClaimsProblem, unauthenticated, verifyInternalIdentity, type Identity,
} from '../../lib/auth';

/** The development secrets as the README names them (production refuses them). */
const DEV_JWT = 'p06-development-secret-not-for-production';
const INTERNAL = 'test-internal-secret';
const now = () => Math.floor(Date.now() / 1000);
const hs = (secret: string) => new TextEncoder().encode(secret);

const who = (roles: Identity['roles'], provinces: string[] = []): Identity => ({ sub: 'u', roles, provinces, clientAddress: null });
const analyst = who(['analyst']);
const admin = who(['admin']);
const officerOf = (...provinces: string[]) => who(['officer'], provinces);
const area = (id: string) => requireAreaById(id);
const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (err: any) {
    return { message: err.message, code: err.extensions?.code };
  }
  return undefined;
};

describe('errors', () => {
  test('unauthenticated is a 401 UNAUTHENTICATED, forbidden a FORBIDDEN', () => {
    expect(unauthenticated('who?').extensions).toEqual({ code: 'UNAUTHENTICATED', http: { status: 401 } });
    expect([forbidden('no').message, forbidden('no').extensions]).toEqual(['no', { code: 'FORBIDDEN' }]);
  });
});

describe('claims a caller token must carry', () => {
  // A fixed time, not the clock: the claims' check does not read it, and each case's name (which
  // shows the payload) must be the same on every run, as mutation testing picks tests by name.
  const t = 1_800_000_000;
  test.each([
    [{ exp: t + 60, iat: t }, 'the "sub" claim must be a non-empty string (got none)'],
    [{ sub: '', exp: t + 60, iat: t }, 'the "sub" claim must be a non-empty string (got an empty string)'],
    [{ sub: 7, exp: t + 60, iat: t }, 'the "sub" claim must be a non-empty string (got a number)'],
    [{ sub: 'a', iat: t }, 'the token has no "exp" (expiry time) claim: tokens must expire'],
    [{ sub: 'a', exp: t + 60 }, 'the token has no "iat" (issued at) claim: its lifetime cannot be checked'],
    [{ sub: 'a', exp: t + 101, iat: t }, 'the token lives 101 s (exp - iat), longer than the maximum of 100 s (JWT_MAX_LIFETIME)'],
    [{ sub: 'a', exp: t + 100, iat: t }, null],
  ])('%j: %s', (payload, problem) => {
    expect(tokenClaimsProblem(payload as any, 100)).toBe(problem);
  });
});

describe('verifying caller tokens', () => {
  const sign = (claims: Record<string, unknown>, secret = DEV_JWT, lifetime = 3600, alg = 'HS256') =>
    new SignJWT(claims).setProtectedHeader({ alg }).setSubject('someone').setIssuedAt().setExpirationTime(now() + lifetime).sign(hs(secret));

  test('with the development secret when none is configured; roles and provinces are kept only when valid', async () => {
    const verify = await createUserTokenVerifier({});
    const token = await sign({ roles: ['officer', 'root', 5, 'analyst'], provinces: ['01', 30, '1', '001', 'x01', '01x'] });
    expect(await verify(token, '10.0.0.7')).toEqual({ sub: 'someone', roles: ['officer', 'analyst'], provinces: ['01', '30'], clientAddress: '10.0.0.7' });
    const odd = await sign({ roles: 'admin', provinces: '01' });
    expect(await verify(odd, null)).toEqual({ sub: 'someone', roles: [], provinces: [], clientAddress: null });
  });

  test('with a configured secret, a token of the development secret is refused', async () => {
    const verify = await createUserTokenVerifier({ JWT_SECRET: 'another-secret' });
    expect(await verify(await sign({ roles: ['admin'] }, 'another-secret'), null)).toMatchObject({ roles: ['admin'] });
    await expect(verify(await sign({ roles: ['admin'] }), null)).rejects.toMatchObject({ message: 'Invalid bearer token: signature verification failed', extensions: { code: 'UNAUTHENTICATED' } });
  });

  test('only HS256 with a secret: an HS512 token of the same secret is refused', async () => {
    const verify = await createUserTokenVerifier({});
    await expect(verify(await sign({ roles: ['admin'] }, DEV_JWT, 3600, 'HS512'), null)).rejects.toThrow('Invalid bearer token: "alg" (Algorithm) Header Parameter value not allowed');
  });

  test('issuer and audience are checked when configured', async () => {
    const verify = await createUserTokenVerifier({ JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'p06' });
    const good = await new SignJWT({ roles: ['analyst'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('s').setIssuer('https://idp.example').setAudience('p06').setIssuedAt().setExpirationTime('1h').sign(hs(DEV_JWT));
    expect((await verify(good, null)).roles).toEqual(['analyst']);
    await expect(verify(await sign({ roles: ['analyst'], iss: 'https://other.example', aud: 'p06' }), null)).rejects.toThrow('unexpected "iss" claim value');
    await expect(verify(await sign({ roles: ['analyst'], iss: 'https://idp.example', aud: 'other' }), null)).rejects.toThrow('unexpected "aud" claim value');
  });

  test('a token must expire within 12 hours of its issue unless JWT_MAX_LIFETIME says otherwise', async () => {
    const byDefault = await createUserTokenVerifier({});
    expect((await byDefault(await sign({ roles: ['analyst'] }, DEV_JWT, 12 * 3600), null)).roles).toEqual(['analyst']);
    await expect(byDefault(await sign({ roles: ['analyst'] }, DEV_JWT, 12 * 3600 + 1), null)).rejects.toThrow(`the token lives ${12 * 3600 + 1} s (exp - iat), longer than the maximum of ${12 * 3600} s`);
    const short = await createUserTokenVerifier({ JWT_MAX_LIFETIME: 60 });
    await expect(short(await sign({ roles: ['analyst'] }, DEV_JWT, 61), null)).rejects.toThrow('longer than the maximum of 60 s');
    // A token without a subject verifies cryptographically and is still refused.
    const noSub = await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(hs(DEV_JWT));
    await expect(byDefault(noSub, null)).rejects.toThrow('Invalid bearer token: the "sub" claim must be a non-empty string (got none)');
  });

  test('a verified token is remembered, with each request keeping its own address, but never past its expiry', async () => {
    const verify = await createUserTokenVerifier({});
    const token = await sign({ roles: ['analyst'] }, DEV_JWT, 2);
    expect((await verify(token, 'a')).clientAddress).toBe('a');
    expect((await verify(token, 'b')).clientAddress).toBe('b');
    // Ten seconds later by the clock (Date only: the cache's own timers keep real time).
    jest.useFakeTimers({ now: Date.now() + 10_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'clearImmediate', 'performance', 'hrtime'] });
    try {
      await expect(verify(token, 'c')).rejects.toThrow('"exp" claim timestamp check failed');
    } finally {
      jest.useRealTimers();
    }
  });

  describe('with public keys', () => {
    // Made before these tests only (not when the file loads): a mutation run loads it for every mutant.
    let dir: string;
    let rsa: crypto.KeyPairKeyObjectResult;
    let ec: crypto.KeyPairKeyObjectResult;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-auth-'));
      rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
      ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    });
    const write = (name: string, text: string) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    };
    const signWith = (key: crypto.KeyObject, alg: string, roles: string[]) =>
      new SignJWT({ roles }).setProtectedHeader({ alg, kid: alg }).setSubject('idp-user').setIssuedAt().setExpirationTime('1h').sign(key);

    test('an RSA public key file verifies RS256 tokens, an EC one ES256 tokens', async () => {
      const byRsa = await createUserTokenVerifier({ JWT_PUBLIC_KEY_FILE: write('rsa.pem', rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string) });
      expect((await byRsa(await signWith(rsa.privateKey, 'RS256', ['officer']), null)).roles).toEqual(['officer']);
      await expect(byRsa(await signWith(ec.privateKey, 'ES256', ['officer']), null)).rejects.toThrow('Invalid bearer token');
      const byEc = await createUserTokenVerifier({ JWT_PUBLIC_KEY_FILE: write('ec.pem', ec.publicKey.export({ type: 'spki', format: 'pem' }) as string) });
      expect((await byEc(await signWith(ec.privateKey, 'ES256', ['admin']), null)).roles).toEqual(['admin']);
      // The development secret no longer verifies anything.
      await expect(byEc(await signUserToken(DEV_JWT, { sub: 's', roles: ['admin'] }), null)).rejects.toThrow('Invalid bearer token');
    });

    test('a JWKS file verifies RS256 and ES256 tokens of its keys, and takes precedence over a key file', async () => {
      const jwks = { keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'RS256', alg: 'RS256' }, { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ES256', alg: 'ES256' }] };
      const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
      const verify = await createUserTokenVerifier({ JWT_JWKS_FILE: write('jwks.json', JSON.stringify(jwks)), JWT_PUBLIC_KEY_FILE: write('other.pem', other.publicKey.export({ type: 'spki', format: 'pem' }) as string) });
      expect((await verify(await signWith(rsa.privateKey, 'RS256', ['analyst']), null)).roles).toEqual(['analyst']);
      expect((await verify(await signWith(ec.privateKey, 'ES256', ['officer']), null)).roles).toEqual(['officer']);
      await expect(verify(await signWith(other.privateKey, 'RS256', ['admin']), null)).rejects.toThrow('Invalid bearer token');
    });
  });

  test('signUserToken: roles, provinces (none by default), the subject, and 8 hours unless told', async () => {
    const claims = decodeJwt(await signUserToken(DEV_JWT, { sub: 'x', roles: ['analyst'] }));
    expect({ sub: claims.sub, roles: claims.roles, provinces: claims.provinces, life: claims.exp! - claims.iat! }).toEqual({ sub: 'x', roles: ['analyst'], provinces: [], life: 8 * 3600 });
    const officer = decodeJwt(await signUserToken(DEV_JWT, { sub: 'o', roles: ['officer'], provinces: ['30'] }, '2h'));
    expect([officer.provinces, officer.exp! - officer.iat!]).toEqual([['30'], 7200]);
  });
});

describe('the identity forwarded to a subgraph', () => {
  const body = '{"query":"{ _service { sdl } }"}';
  const bh = bodyHashOf(body);
  const identity: Identity = { sub: 'officer-30', roles: ['officer'], provinces: ['30'], clientAddress: '192.0.2.1' };

  test('the body hash is the base64url SHA-256 of the exact bytes', () => {
    // The FIPS 180-2 test vector: SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad.
    expect(bodyHashOf('abc')).toBe(Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex').toString('base64url'));
    expect(bodyHashOf(Buffer.from('abc'))).toBe(bodyHashOf('abc'));
  });

  test('it carries the identity, for one subgraph, one body, 60 seconds, with a fresh id each time', async () => {
    const token = await signInternalIdentity(INTERNAL, identity, bh, 'residency');
    const claims = decodeJwt(token);
    expect({ ...claims, jti: typeof claims.jti, iat: typeof claims.iat, exp: claims.exp! - claims.iat! }).toEqual({
      sub: 'officer-30', roles: ['officer'], provinces: ['30'], addr: '192.0.2.1', bh, aud: 'residency', jti: 'string', iat: 'number', exp: 60,
    });
    expect(Buffer.from(claims.jti!, 'base64url')).toHaveLength(12);
    expect(decodeJwt(await signInternalIdentity(INTERNAL, identity, bh, 'residency')).jti).not.toBe(claims.jti);
    const verified = await verifyInternalIdentity(INTERNAL, token, bh, 'residency');
    expect(verified).toEqual({ identity, jti: claims.jti, expiresAt: claims.exp! * 1000 });
  });

  test('an anonymous identity comes back anonymous, without an address', async () => {
    const token = await signInternalIdentity(INTERNAL, ANONYMOUS, bh, 'land');
    expect(decodeJwt(token).sub).toBe('');
    expect((await verifyInternalIdentity(INTERNAL, token, bh, 'land')).identity).toEqual(ANONYMOUS);
  });

  test('refused: no token, another subgraph, another body, another secret', async () => {
    const token = await signInternalIdentity(INTERNAL, identity, bh, 'residency');
    await expect(verifyInternalIdentity(INTERNAL, undefined, bh, 'residency')).rejects.toThrow('missing x-p06-identity header: subgraphs answer only the gateway');
    await expect(verifyInternalIdentity(INTERNAL, token, bh, 'land')).rejects.toThrow(/^the identity was signed for another subgraph, not land$/);
    await expect(verifyInternalIdentity(INTERNAL, token, bodyHashOf(`${body} `), 'residency')).rejects.toThrow(/^the identity was signed for another request$/);
    await expect(verifyInternalIdentity('other-secret', token, bh, 'residency')).rejects.toThrow(/^signature verification failed$/);
  });

  test('refused on the development secret: an identity forged with an empty key', async () => {
    const { DEV_INTERNAL_SECRET } = require('../../lib/auth') as typeof import('../../lib/auth');
    const forged = await new SignJWT({ roles: ['admin'], provinces: [], bh }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setAudience('land').setJti('j').setIssuedAt().setExpirationTime('30s').sign(new Uint8Array(0));
    await expect(verifyInternalIdentity(DEV_INTERNAL_SECRET, forged, bh, 'land')).rejects.toThrow(/^signature verification failed$/);
  });

  test('refused: without an id to use once, issued more than 60 seconds ago, or of another algorithm', async () => {
    // An address that is not a string is no address.
    const base = () => new SignJWT({ roles: ['admin'], provinces: [], addr: 42, bh }).setSubject('a').setAudience('health');
    const noJti = await base().setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('30s').sign(hs(INTERNAL));
    await expect(verifyInternalIdentity(INTERNAL, noJti, bh, 'health')).rejects.toThrow('missing required "jti" claim');
    const old = await base().setProtectedHeader({ alg: 'HS256' }).setJti('j').setIssuedAt(now() - 61).setExpirationTime(now() + 30).sign(hs(INTERNAL));
    await expect(verifyInternalIdentity(INTERNAL, old, bh, 'health')).rejects.toThrow('"iat" claim timestamp check failed (too far in the past)');
    const recent = await base().setProtectedHeader({ alg: 'HS256' }).setJti('j').setIssuedAt(now() - 30).setExpirationTime(now() + 30).sign(hs(INTERNAL));
    expect((await verifyInternalIdentity(INTERNAL, recent, bh, 'health')).identity).toEqual({ sub: 'a', roles: ['admin'], provinces: [], clientAddress: null });
    const hs512 = await base().setProtectedHeader({ alg: 'HS512' }).setJti('j').setIssuedAt().setExpirationTime('30s').sign(hs(INTERNAL));
    await expect(verifyInternalIdentity(INTERNAL, hs512, bh, 'health')).rejects.toThrow('"alg" (Algorithm) Header Parameter value not allowed');
  });
});

describe('who may read what, where', () => {
  // Hải Phòng of the two-tier structure (code 31) is old Hải Phòng (31) with old Hải Dương (30).
  const oldHaiDuong = area('THREE_TIER:30');
  const newHaiPhong = area('TWO_TIER:31');
  const haiDuongCity = area('THREE_TIER:288');
  const newCommuneInOld30 = area('TWO_TIER:10525');
  const haNoi = area('THREE_TIER:01');

  test('an officer of the new province 31 covers old Hải Dương; an officer of old 30 does not cover new Hải Phòng', () => {
    expect([oldHaiDuong, newHaiPhong, haiDuongCity, newCommuneInOld30, haNoi].map((a) => mayReadPersonIn(officerOf('31'), a))).toEqual([true, true, true, true, false]);
    expect([oldHaiDuong, newHaiPhong, haiDuongCity, newCommuneInOld30, haNoi].map((a) => mayReadPersonIn(officerOf('30'), a))).toEqual([true, false, true, true, false]);
    expect(mayReadPersonIn(officerOf('30', '31'), newHaiPhong)).toBe(true);
    expect(mayReadPersonIn(officerOf('30'), area('VN'))).toBe(false);
  });

  test('an unknown province code covers nothing, and is no error', () => {
    expect(mayReadPersonIn(officerOf('99'), oldHaiDuong)).toBe(false);
    expect(mayReadPersonIn(officerOf('99', '30'), oldHaiDuong)).toBe(true);
  });

  test('admins read everyone; analysts and anonymous callers no one; provinces without the officer role count for nothing', () => {
    expect([admin, analyst, ANONYMOUS, who(['analyst'], ['30'])].map((i) => mayReadPersonIn(i, oldHaiDuong))).toEqual([true, false, false, false]);
  });

  test('exact small counts: admins, and officers within their provinces', () => {
    expect([admin, officerOf('30'), officerOf('01'), analyst, ANONYMOUS].map((i) => seesExactFigures(i, haiDuongCity))).toEqual([true, true, false, false, false]);
  });

  test('officer-only: an officer who is not also an admin', () => {
    expect([officerOf('30'), who(['officer', 'admin']), admin, analyst].map(isOfficerOnly)).toEqual([true, false, false, false]);
  });

  test('requireAnyRole: any role reads aggregates, nobody else', () => {
    expect(errorOf(() => requireAnyRole(ANONYMOUS))).toEqual({ message: 'Authentication required to read this data: send a bearer token', code: 'UNAUTHENTICATED' });
    expect(errorOf(() => requireAnyRole(ANONYMOUS, 'figures'))).toEqual({ message: 'Authentication required to read figures: send a bearer token', code: 'UNAUTHENTICATED' });
    expect([analyst, officerOf(), admin].map((i) => errorOf(() => requireAnyRole(i)))).toEqual([undefined, undefined, undefined]);
  });

  test('requirePersonAccess and requirePersonRole: who is refused, and how', () => {
    const analystRefusal = { message: 'Not allowed to read citizens with roles analyst: person-level data is for officers and admins', code: 'FORBIDDEN' };
    for (const check of [(i: Identity) => requirePersonAccess(i, haiDuongCity, 'citizens'), (i: Identity) => requirePersonRole(i, 'citizens')]) {
      expect(errorOf(() => check(ANONYMOUS))).toEqual({ message: 'Authentication required to read citizens', code: 'UNAUTHENTICATED' });
      expect(errorOf(() => check(analyst))).toEqual(analystRefusal);
      expect([admin, officerOf('30')].map((i) => errorOf(() => check(i)))).toEqual([undefined, undefined]);
    }
    expect(errorOf(() => requirePersonAccess(officerOf('01'), haiDuongCity, 'citizens'))).toEqual({ message: OUT_OF_SCOPE_MESSAGE, code: 'FORBIDDEN' });
    // The refusal says the rule, and names no place.
    expect(OUT_OF_SCOPE_MESSAGE).toMatch(/^Not allowed: person-level data is for admins, and for officers of the provinces where every person it names is registered/);
    // Person role without the province: requirePersonRole does not yet know whose data it is.
    expect(errorOf(() => requirePersonRole(officerOf('01'), 'citizens'))).toBeUndefined();
  });

  test('readableRecord: officers get records naming someone (the gateway checks who), or placed in their provinces', () => {
    type R = { persons: (string | null)[]; place: string };
    const read = (i: Identity, r: R | null) => errorOf(() => readableRecord(i, r, (x) => x.persons, (x) => area(x.place))) ?? readableRecord(i, r, (x) => x.persons, (x) => area(x.place));
    const named = { persons: [null, '030085001234'], place: 'THREE_TIER:01' };
    const nobodyHere = { persons: [null], place: 'THREE_TIER:288' };
    const nobodyThere = { persons: [], place: 'THREE_TIER:01' };
    const refused = { message: OUT_OF_SCOPE_MESSAGE, code: 'FORBIDDEN' };
    expect([named, nobodyHere, nobodyThere, null].map((r) => read(officerOf('30'), r))).toEqual([named, nobodyHere, refused, refused]);
    expect([named, nobodyHere, nobodyThere, null].map((r) => read(admin, r))).toEqual([named, nobodyHere, nobodyThere, null]);
    expect(read(who(['officer', 'admin']), nobodyThere)).toEqual(nobodyThere);
  });
});
