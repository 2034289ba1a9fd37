/**
 * Signing in to the dashboard, in a real (headless) Chromium: outside development (a deployment
 * with its own JWT_SECRET) the page carries no token; a user pastes one, kept in the tab's
 * session storage only. With an OpenID Connect provider configured (a real one, `oidc-provider`,
 * run here in a process of its own), the user signs in there (authorization code with PKCE) and
 * the graph accepts the access token it issued. Screenshots go to test-output/dashboard/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt, exportJWK, generateKeyPair } from 'jose';
import type { Browser, BrowserContext } from 'playwright-core';
import { signUserToken } from '../../lib/auth';
import { isLocal, launchChromium, SKIP_BROWSER } from '../helpers/browser';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-output', 'dashboard');

/** A port free now (for the provider, whose issuer URL the gateway must know before either starts). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

/** Starts test/helpers/oidc-provider.mjs and waits until it listens. */
function startProvider(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'helpers', 'oidc-provider.mjs')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => void (/^ready /m.test((said += d.toString())) && resolve(child)));
    child.stderr!.on('data', (d: Buffer) => void (said += d.toString()));
    child.on('exit', (code) => reject(new Error(`The OpenID provider stopped (${code}): ${said}`)));
  });
}

(SKIP_BROWSER ? describe.skip : describe)('signing in to the dashboard', () => {
  let browser: Browser | undefined;
  let context: BrowserContext;
  const failures: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.route('**/*', (route) => (isLocal(route.request().url()) ? route.continue() : route.abort()));
    context.on('requestfailed', (r) => void failures.push(`${r.url()}: ${r.failure()?.errorText}`));
    context.on('response', (r) => void (r.status() >= 400 && failures.push(`${r.url()}: HTTP ${r.status()}`)));
    // What the dashboard's Content-Security-Policy blocked (the provider's pages have their own).
    context.on('console', (m) => void (m.type() === 'error' && /Content Security Policy/i.test(m.text()) && /\/dashboard/.test(m.page()?.url() ?? '') && failures.push(`CSP: ${m.text()}`)));
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  test('outside development no token is in the page: a user signs in by pasting one, kept for this tab only', async () => {
    // A deployment with its own secret: the gateway makes no development token.
    const secret = 'dashboard-test-secret-not-the-development-one';
    const deployed: RunningGraph = await startGraph({ ...testDatabases()[0].config('dashboard-signin'), JWT_SECRET: secret, PERSISTED_OPERATIONS_ONLY: true });
    const tab = await context.newPage();
    tab.on('pageerror', (e) => void failures.push(`page error: ${e.message}`));
    try {
      const url = new URL('/dashboard', deployed.gatewayUrl).href;
      const html = await (await fetch(url)).text();
      expect(html).toContain('"developmentToken":null');
      expect(html).not.toMatch(/eyJ[\w-]+\.eyJ/);

      await tab.goto(url);
      await tab.waitForFunction(() => /^error-/.test((globalThis as any).document.body.dataset.ready ?? ''), undefined, { timeout: 20_000 });
      await expect(tab.locator('#who').innerText()).resolves.toBe('Not signed in');
      await expect(tab.locator('#error').innerText()).resolves.toMatch(/^DashboardRanking failed \(HTTP 401\): UNAUTHENTICATED: Authentication required to read .*Sign in with a valid token\.$/);
      await tab.screenshot({ path: path.join(SCREENSHOTS, 'not-signed-in.png') });

      const token = await signUserToken(secret, { sub: 'dashboard-user', roles: ['analyst'] });
      await tab.evaluate(() => delete (globalThis as any).document.body.dataset.ready);
      await tab.locator('#sign-in').click();
      await tab.locator('#token-input').fill(token);
      await tab.locator('#token-save').click();
      await tab.waitForFunction(() => /^\d+$/.test((globalThis as any).document.body.dataset.ready ?? ''), undefined, { timeout: 20_000 });
      await expect(tab.locator('#who').innerText()).resolves.toBe('Signed in with a pasted token');
      await expect(tab.locator('#table tbody tr').count()).resolves.toBe(34);
      // Kept across a reload of the tab, in session storage only; another tab starts signed out.
      await tab.reload();
      await tab.waitForFunction(() => /^\d+$/.test((globalThis as any).document.body.dataset.ready ?? ''), undefined, { timeout: 20_000 });
      await expect(tab.locator('#who').innerText()).resolves.toBe('Signed in with a pasted token');
      await expect(tab.evaluate(() => (globalThis as any).localStorage.length)).resolves.toBe(0);
      const other = await context.newPage();
      await other.goto(url);
      await other.waitForFunction(() => /^error-/.test((globalThis as any).document.body.dataset.ready ?? ''), undefined, { timeout: 20_000 });
      await expect(other.locator('#who').innerText()).resolves.toBe('Not signed in');
      await other.close();
    } finally {
      await tab.close();
      await deployed.stop();
    }
    // The refusals of the signed-out pages are expected; nothing else failed.
    expect(failures.filter((f) => !/HTTP 401$/.test(f))).toEqual([]);
    failures.length = 0;
  }, 90_000);
  test('signs in through an OpenID Connect provider (authorization code with PKCE); the graph takes the access token it issued', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const audience = 'https://p06-graph.example/graphql';
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-oidc-'));
    const jwks = path.join(dir, 'jwks.json');
    const privateJwk = path.join(dir, 'private.jwk');
    fs.writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
    fs.writeFileSync(privateJwk, JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' }));
    const deployed = await startGraph({
      ...testDatabases()[0].config('dashboard-oidc'),
      JWT_JWKS_FILE: jwks,
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: audience,
      DASHBOARD_OIDC_ISSUER: issuer,
      DASHBOARD_OIDC_CLIENT_ID: 'p06-dashboard',
      DASHBOARD_OIDC_SCOPE: 'openid p06',
      DASHBOARD_OIDC_RESOURCE: audience,
      PERSISTED_OPERATIONS_ONLY: true,
    });
    const dashboard = new URL('/dashboard', deployed.gatewayUrl).href;
    const provider = await startProvider({ PORT: String(port), REDIRECT_URI: dashboard, AUDIENCE: audience, PRIVATE_JWK_FILE: privateJwk, CLIENT_ID: 'p06-dashboard' });
    const tab = await context.newPage();
    tab.on('pageerror', (e) => void failures.push(`page error: ${e.message}`));
    const readyIn = (pattern: RegExp) => tab.waitForFunction((p) => new RegExp(p).test((globalThis as any).document.body.dataset.ready ?? ''), pattern.source, { timeout: 20_000 });
    try {
      await tab.goto(`${dashboard}?measure=chipIdCoverage&period=2026-10`);
      await readyIn(/^error-/);
      await expect(tab.locator('#who').innerText()).resolves.toBe('Not signed in');
      await expect(tab.locator('#sign-in-oidc').innerText()).resolves.toBe(`Sign in with 127.0.0.1:${port}`);

      // The provider's own login and consent pages, as a person goes through them.
      const navigations: URL[] = [];
      tab.on('request', (r) => void (r.isNavigationRequest() && navigations.push(new URL(r.url()))));
      await tab.locator('#sign-in-oidc').click();
      await tab.waitForURL((u) => u.origin === issuer, { timeout: 15_000 });
      // The authorization request: the first navigation to the provider.
      const authorize = navigations.find((u) => u.origin === issuer)!;
      await tab.locator('input[name=login]').fill('analyst-ana');
      await tab.locator('input[name=password]').fill('any');
      await tab.screenshot({ path: path.join(SCREENSHOTS, 'oidc-login.png') });
      await tab.locator('button[type=submit]').click();
      await tab.locator('button[type=submit]').waitFor({ timeout: 10_000 });
      await tab.locator('button[type=submit]').click();
      await tab.waitForURL((u) => u.href.startsWith(dashboard), { timeout: 15_000 });
      await readyIn(/^\d+$/);

      // The view the user left, without the provider's parameters; signed in; the graph answered.
      expect(tab.url()).toBe(`${dashboard}?measure=chipIdCoverage&period=2026-10`);
      await expect(tab.locator('#who').innerText()).resolves.toBe(`Signed in through 127.0.0.1:${port}`);
      await expect(tab.locator('#error').isHidden()).resolves.toBe(true);
      await expect(tab.locator('#table tbody tr').count()).resolves.toBe(34);
      await tab.screenshot({ path: path.join(SCREENSHOTS, 'oidc-signed-in.png') });
      // The request was PKCE (S256) from a public client; the token is the provider's, for the graph.
      expect(Object.fromEntries(['client_id', 'response_type', 'code_challenge_method', 'resource'].map((k) => [k, authorize.searchParams.get(k)]))).toEqual({ client_id: 'p06-dashboard', response_type: 'code', code_challenge_method: 'S256', resource: audience });
      expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      const token = await tab.evaluate(() => (globalThis as any).sessionStorage.getItem('p06:dashboard:token') as string);
      expect(decodeJwt(token)).toMatchObject({ iss: issuer, aud: audience, sub: 'analyst-ana', roles: ['analyst'] });
      await expect(tab.evaluate(() => (globalThis as any).localStorage.length)).resolves.toBe(0);

      // Signing out forgets it.
      await tab.locator('#sign-out').click();
      await readyIn(/^error-/);
      await expect(tab.locator('#who').innerText()).resolves.toBe('Not signed in');
    } finally {
      await tab.close();
      provider.kill();
      await deployed.stop();
    }
    // The signed-out pages' refusals are expected, and the web font the provider's development
    // login page asks for (blocked here: the test allows no request off this machine); nothing else failed.
    expect(failures.filter((f) => !/HTTP 401$/.test(f) && !f.startsWith('https://fonts.googleapis.com/'))).toEqual([]);
    failures.length = 0;
  }, 90_000);
});
