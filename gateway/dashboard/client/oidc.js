/*
 * Sign-in through an OpenID Connect provider: authorization code with PKCE, the dashboard a
 * public client, with oauth4webapi (served by the gateway from node_modules). The access token
 * is kept in the tab's session storage, as a pasted one is, and sent to the graph, which
 * verifies it (JWT_JWKS_FILE or JWT_PUBLIC_KEY_FILE, JWT_ISSUER, JWT_AUDIENCE).
 *
 * signIn() keeps the PKCE verifier, the state and the view in session storage and goes to the
 * provider; back at /dashboard?code=…&state=…, complete() exchanges the code, restores the view
 * and tells dashboard.js (event `p06:signed-in`).
 */
import * as oauth from '/dashboard/oauth4webapi.js';

const CONFIG = window.DASHBOARD;
const PENDING = 'p06:dashboard:oidc';
const TOKEN_KEY = 'p06:dashboard:token';

const issuer = new URL(CONFIG.oidc.issuer);
const client = { client_id: CONFIG.oidc.clientId, token_endpoint_auth_method: 'none' };
const redirectUri = new URL('/dashboard', location.origin).href;
// A provider on plain HTTP only on this machine (development and tests).
const insecure = { [oauth.allowInsecureRequests]: issuer.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(issuer.hostname) };

async function server() {
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
}

async function signIn() {
  const as = await server();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, view: location.search }));
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', client.client_id);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', CONFIG.oidc.scope);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  if (CONFIG.oidc.resource) url.searchParams.set('resource', CONFIG.oidc.resource);
  location.assign(url.href);
}

/** Back from the provider: the code exchanged for tokens, or the provider's refusal said. */
async function complete() {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  const current = new URL(location.href);
  // The view the user signed in from, without the provider's parameters.
  history.replaceState(null, '', `${location.pathname}${pending ? pending.view : ''}`);
  if (!pending) throw new Error('Sign-in: this tab did not start it (no pending sign-in); sign in again.');
  const as = await server();
  let params;
  try {
    params = oauth.validateAuthResponse(as, client, current, pending.state);
  } catch (err) {
    throw new Error(`Sign-in refused by ${issuer.host}: ${err.error_description || err.error || err.message}`);
  }
  const extra = CONFIG.oidc.resource ? { additionalParameters: { resource: CONFIG.oidc.resource } } : {};
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, pending.verifier, { ...insecure, ...extra });
  let result;
  try {
    result = await oauth.processAuthorizationCodeResponse(as, client, response);
  } catch (err) {
    throw new Error(`Sign-in: ${issuer.host} did not give a token: ${err.error_description || err.error || err.message}`);
  }
  sessionStorage.setItem(TOKEN_KEY, result.access_token);
}

window.DashboardOidc = { signIn };
const back = new URLSearchParams(location.search);
if (back.has('state') && (back.has('code') || back.has('error'))) {
  complete().then(
    () => window.dispatchEvent(new CustomEvent('p06:signed-in')),
    (err) => window.dispatchEvent(new CustomEvent('p06:signed-in', { detail: err })),
  );
}
