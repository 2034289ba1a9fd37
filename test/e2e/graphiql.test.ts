/**
 * GraphiQL at GET /graphql in a real (headless) Chromium: the page renders from assets the
 * gateway serves itself, opens on the first example query, and runs it through the graph.
 * Needs the system Chromium (`apt-get install -y chromium`); SKIP_BROWSER_TESTS=1 skips it.
 */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SKIP = process.env.SKIP_BROWSER_TESTS === '1';
// No extras: the network must stay quiet so that every request seen is the page's own.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const isLocal = (url: string) => {
  const { protocol, hostname } = new URL(url);
  // data: and blob: URLs never leave the browser.
  return protocol === 'data:' || protocol === 'blob:' || ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
};

(SKIP ? describe.skip : describe)('GraphiQL in a browser', () => {
  let graph: RunningGraph | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const requests: string[] = [];
  const failures: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` (or point CHROMIUM_PATH at one), ` +
          'or set SKIP_BROWSER_TESTS=1 to skip the browser tests.',
      );
    }
    // The page does not read the database, so SQLite with no data is enough.
    [graph, browser] = await Promise.all([
      startGraph(testDatabases()[0].config('graphiql')),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // Abort anything non-local so an offline machine fails fast instead of hanging; it is still recorded.
    await context.route('**/*', (route) => (isLocal(route.request().url()) ? route.continue() : route.abort()));
    context.on('request', (r) => void requests.push(r.url()));
    context.on('requestfailed', (r) => void failures.push(`${r.url()}: ${r.failure()?.errorText}`));
    context.on('response', (r) => void (r.status() >= 400 && failures.push(`${r.url()}: HTTP ${r.status()}`)));
    page = await context.newPage();
    page.on('pageerror', (e) => void failures.push(`page error: ${e.message}`));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await graph?.stop();
  });

  test('renders offline, opens on the first example and runs it', async () => {
    // A plain navigation: Chromium asks for text/html first, which is what selects the page.
    const nav = await page.goto(graph!.gatewayUrl);
    expect(nav?.status()).toBe(200);
    expect(nav?.request().headers().accept).toMatch(/^text\/html/);
    expect(nav?.headers()['content-type']).toMatch(/^text\/html/);

    const queryEditor = page.locator('.graphiql-query-editor .CodeMirror');
    await queryEditor.waitFor({ timeout: 15_000 });
    await expect(queryEditor.innerText()).resolves.toContain('province(code: "31")');

    await page.locator('.graphiql-execute-button').click();
    const response = page.locator('.graphiql-response .CodeMirror');
    await page.waitForFunction(
      // CodeMirror only renders the lines in view, so read its whole value.
      () => ((globalThis as any).document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror?.getValue() ?? '').includes('"communes"'),
      undefined,
      { timeout: 15_000 },
    );
    const result = JSON.parse(await response.evaluate((el: any) => el.CodeMirror.getValue()));
    expect(result.errors).toBeUndefined();
    expect(result.data.province.communes.map((d: any) => d.name)).toContain('Phường Chí Linh');
    await expect(response.innerText()).resolves.toContain('"communes"');

    await page.screenshot({ path: '/tmp/graphiql.png' });

    expect(failures).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !isLocal(u))).toEqual([]);
    // The assets come from the gateway, and the query went through it.
    expect(requests).toEqual(expect.arrayContaining(['react.js', 'react-dom.js', 'graphiql.js', 'graphiql.css'].map((a) => new URL(`/graphiql/${a}`, graph!.gatewayUrl).href)));
  }, 30_000);
});
