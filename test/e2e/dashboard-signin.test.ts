/**
 * Signing in to the dashboard, in a real (headless) Chromium: outside development (a deployment
 * with its own JWT_SECRET) the page carries no token; a user pastes one, kept in the tab's
 * session storage only. Screenshots go to test-output/dashboard/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { signUserToken } from '../../lib/auth';
import { isLocal, launchChromium, SKIP_BROWSER } from '../helpers/browser';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-output', 'dashboard');

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
      await expect(tab.locator('#error').innerText()).resolves.toMatch(/^DashboardProvinces failed \(HTTP 401\): UNAUTHENTICATED: Authentication required to read .*Sign in with a valid token\.$/);
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
});
