/**
 * A real OpenID Connect provider for the dashboard's sign-in test (the `oidc-provider` package,
 * ESM-only, hence a process of its own): one public client (the dashboard, PKCE required) whose
 * redirect URI is REDIRECT_URI; its development login and consent pages (any login name is an
 * account); JWT access tokens for the resource AUDIENCE, signed with the RSA key in
 * PRIVATE_JWK_FILE, carrying the account's `roles` (an account named `officer-XX` is an officer
 * of province XX, any other an analyst). Prints `ready <issuer>` once it listens on PORT.
 */
import fs from 'node:fs';
import Provider from 'oidc-provider';

const { PORT, REDIRECT_URI, AUDIENCE, PRIVATE_JWK_FILE, CLIENT_ID } = process.env;
const issuer = `http://127.0.0.1:${PORT}`;
const key = JSON.parse(fs.readFileSync(PRIVATE_JWK_FILE, 'utf8'));

const claimsOf = (accountId) => {
  const officer = /^officer-(\d{2})$/.exec(accountId);
  return officer ? { roles: ['officer'], provinces: [officer[1]] } : { roles: ['analyst'], provinces: [] };
};

const provider = new Provider(issuer, {
  clients: [{ client_id: CLIENT_ID, token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'], response_types: ['code'] }],
  jwks: { keys: [key] },
  cookies: { keys: ['dashboard-signin-test-cookie-key'] },
  findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  scopes: ['openid', 'p06'],
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => AUDIENCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resource) => {
        if (resource !== AUDIENCE) throw new Error(`unknown resource ${resource}`);
        return { scope: 'p06', audience: AUDIENCE, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  extraTokenClaims: async (_ctx, token) => claimsOf(token.accountId),
  clientBasedCORS: (_ctx, origin) => new URL(REDIRECT_URI).origin === origin,
});
// Plain HTTP on this machine only: the provider is told it is not behind TLS on purpose.
provider.proxy = false;
provider.listen(Number(PORT), '127.0.0.1', () => console.log(`ready ${issuer}`));
