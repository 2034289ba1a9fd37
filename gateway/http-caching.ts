/**
 * What HTTP caches (browsers, CDNs, proxies in front of dashboards) may do with an answer: the
 * `Cache-Control` and `Vary` headers of every /graphql answer.
 *
 * - Every answer varies by `Authorization` (who asks decides what is withheld) and `Accept`
 *   (JSON, CSV or XLSX from one URL).
 * - An answer the gateway's own response cache may keep (an aggregate, without errors; see
 *   gateway/response-cache.ts) may be kept for `HTTP_CACHE_MAX_AGE_SECONDS`: by any cache when
 *   the caller is anonymous (what it reads, anyone may), only by the caller's own browser
 *   (`private`) when the caller sent a token.
 * - Anything else (person-level data, errors) is `no-store`, `private` too when a token was
 *   sent.
 *
 * The gateway's own cache is invalidated by writes at once; HTTP caches are not, which is why
 * their lifetime is short.
 */
import type { Identity } from '../lib/auth';

export function httpCacheHeaders(identity: Identity, cacheable: boolean, maxAgeSeconds: number, cacheStatus?: string): Record<string, string> {
  const anonymous = identity.roles.length === 0 && identity.sub === null;
  const control = !cacheable || maxAgeSeconds === 0 ? (anonymous ? 'no-store' : 'private, no-store') : `${anonymous ? 'public' : 'private'}, max-age=${maxAgeSeconds}`;
  const headers: Record<string, string> = { 'cache-control': control, vary: 'Authorization, Accept' };
  if (cacheStatus) headers['x-cache'] = cacheStatus;
  return headers;
}
