/**
 * Who is asking, and whether they may ask again so soon: the two steps every /graphql request
 * passes before the gateway reads its operation. A request without a token is anonymous; a token
 * that does not verify is refused (401); a caller over RATE_LIMIT_PER_MINUTE waits (429).
 */
import type express from 'express';
import { GraphQLError } from 'graphql';
import { ANONYMOUS, type createUserTokenVerifier, type Identity } from '../lib/auth';
import { metrics } from '../lib/metrics';
import type { RateLimiter } from './rate-limit';

/** The caller of each request in flight, as `identifyCaller` found them. */
export type Identities = WeakMap<express.Request, Identity>;

type VerifyToken = Awaited<ReturnType<typeof createUserTokenVerifier>>;

/** A valid bearer token, or nobody; a token that does not verify is refused. */
export function identifyCaller(verifyToken: VerifyToken, identities: Identities): express.RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    const clientAddress = req.ip ?? null;
    if (!header) {
      identities.set(req, { ...ANONYMOUS, clientAddress });
      return next();
    }
    const match = /^Bearer (\S+)$/i.exec(header);
    try {
      if (!match) throw new GraphQLError('Authorization header must be "Bearer <token>"');
      identities.set(req, await verifyToken(match[1], clientAddress));
      next();
    } catch (err) {
      res.status(401).json({ errors: [{ message: (err as Error).message, extensions: { code: 'UNAUTHENTICATED' } }] });
    }
  };
}

/** Counts the caller's requests (by subject, or by address for anonymous callers). */
export function rateLimit(limiter: RateLimiter, perMinute: number, identities: Identities): express.RequestHandler {
  return async (req, res, next) => {
    const identity = identities.get(req)!;
    const retryAfter = await limiter.take(identity.sub ?? `address:${identity.clientAddress}`);
    if (retryAfter === 0) return next();
    metrics.rateLimited.inc();
    res.setHeader('Retry-After', String(retryAfter));
    res.status(429).json({ errors: [{ message: `Rate limit of ${perMinute} requests per minute exceeded (RATE_LIMIT_PER_MINUTE); retry in ${retryAfter} s`, extensions: { code: 'RATE_LIMITED' } }] });
  };
}
