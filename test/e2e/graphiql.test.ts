/**
 * GraphiQL at GET /graphql in a real (headless) Chromium: the page renders from assets the
 * gateway serves itself, opens on the first example query, and runs it through the graph; every
 * example tab (the registered operations of operations/ among them) starts with the development
 * token and runs without UNAUTHENTICATED; a token pasted in one tab follows to the others and
 * survives a reload. Screenshots go to test-output/graphiql/.
 * Needs the system Chromium (`apt-get install -y chromium`); SKIP_BROWSER_TESTS=1 skips it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EXAMPLE_QUERIES } from '../../gateway/graphiql';
import { loadPersistedOperations } from '../../gateway/persisted-operations';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-output', 'graphiql');

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

    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'first-example.png') });

    expect(failures).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !isLocal(u))).toEqual([]);
    // The assets come from the gateway, and the query went through it.
    expect(requests).toEqual(expect.arrayContaining(['react.js', 'react-dom.js', 'graphiql.js', 'graphiql.css'].map((a) => new URL(`/graphiql/${a}`, graph!.gatewayUrl).href)));
  }, 30_000);

  /** The value of an editor: CodeMirror only renders the lines in view. */
  const editorValue = (which: 'headers' | 'response') =>
    page.evaluate((w) => {
      const editors = [...(globalThis as any).document.querySelectorAll('.CodeMirror')].map((e: any) => e.CodeMirror);
      // The Headers editor is GraphiQL's JSON editor; the response has its own pane.
      const editor = w === 'headers' ? editors.find((cm: any) => cm.getOption('mode')?.name === 'javascript') : (globalThis as any).document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror;
      return editor ? (editor.getValue() as string) : null;
    }, which);

  /**
   * Reloads once GraphiQL has saved its tabs (half a second after a change; a person reloads
   * later than that): it finds the open tab again by the query, variables and headers it saved
   * last, and a reload between those saves adds a copy of the open tab (GraphiQL's own way).
   * The headers it reads are the page's when GraphiQL has dropped its own (it does on load):
   * the shared ones, else the development token every tab has.
   */
  async function reloadWhenSaved(): Promise<void> {
    await page.waitForFunction(() => {
      const storage = (globalThis as any).localStorage;
      const state = JSON.parse(storage.getItem('graphiql:tabState') ?? '{"tabs":[]}');
      const open = state.tabs[state.activeTabIndex];
      if (!open || (open.query ?? '') !== (storage.getItem('graphiql:query') ?? '') || (open.variables ?? '') !== (storage.getItem('graphiql:variables') ?? '')) return false;
      const headers = storage.getItem('graphiql:headers') ?? storage.getItem('p06:graphiql:headers');
      return headers === null ? /Bearer ey/.test(open.headers ?? '') : open.headers === headers;
    }, undefined, { timeout: 5_000 });
    await reloadPage();
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor({ timeout: 15_000 });
  }

  /**
   * Reloads once the page has no request in flight: a reload aborts GraphiQL's schema fetch if it
   * is still running (net::ERR_ABORTED, which the failures list would rightly count otherwise).
   */
  async function reloadPage() {
    await page.waitForLoadState('networkidle');
    await page.reload();
  }

  /** Runs the open tab and returns its answer (the response pane is emptied first, to wait for the new one). */
  async function runOpenTab(): Promise<{ data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] }> {
    await page.evaluate(() => (globalThis as any).document.querySelector('.graphiql-response .CodeMirror').CodeMirror.setValue(''));
    await page.locator('.graphiql-execute-button').click();
    await page.waitForFunction(() => /^\s*\{/.test((globalThis as any).document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror?.getValue() ?? ''), undefined, { timeout: 15_000 });
    return JSON.parse((await editorValue('response'))!);
  }

  test('every example tab, the registered operations among them, starts with the token and runs without UNAUTHENTICATED', async () => {
    const registered = loadPersistedOperations().operations;
    // A first-time user: nothing kept from an earlier visit.
    await page.goto(graph!.gatewayUrl);
    await page.evaluate(() => (globalThis as any).localStorage.clear());
    await reloadPage();
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor({ timeout: 15_000 });
    const tabs = page.locator('.graphiql-tab');
    await expect(tabs.count()).resolves.toBe(EXAMPLE_QUERIES.length + registered.length);
    // Each registered operation is a tab, under its own name.
    await expect(tabs.allInnerTexts()).resolves.toEqual(expect.arrayContaining(registered.map((op) => op.name)));
    const codes: string[][] = [];
    for (let i = 0; i < EXAMPLE_QUERIES.length + registered.length; i++) {
      await tabs.nth(i).locator('.graphiql-tab-button').click();
      await expect(tabs.nth(i).getAttribute('class')).resolves.toMatch(/graphiql-tab-active/);
      // GraphiQL reads the operation's name from the editor a moment after the switch (as a person would see it).
      const title = (await tabs.nth(i).innerText()).trim();
      await page.waitForFunction((t) => (globalThis as any).document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.operationName === t, title, { timeout: 5_000 });
      // The bug this guards against: the second tab opened with an empty Headers editor.
      expect({ tab: title, headers: await editorValue('headers') }).toEqual({ tab: title, headers: expect.stringMatching(/"Authorization": "Bearer ey/) });
      const result = await runOpenTab();
      codes.push((result.errors ?? []).map((e) => e.extensions?.code ?? e.message));
      expect({ tab: title, answer: result.data ? 'data' : result }).toEqual({ tab: title, answer: 'data' });
    }
    expect(codes).toEqual(codes.map(() => []));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'last-tab.png') });
    // Coming back: the same tabs, none added, still with the token.
    await reloadWhenSaved();
    await expect(tabs.count()).resolves.toBe(EXAMPLE_QUERIES.length + registered.length);
    await expect(editorValue('headers')).resolves.toMatch(/"Authorization": "Bearer ey/);
    expect(failures).toEqual([]);
  }, 60_000);

  test('a token pasted in one tab is the one every tab sends, and stays after a reload', async () => {
    const tabs = page.locator('.graphiql-tab');
    await tabs.nth(0).locator('.graphiql-tab-button').click();
    // Typed as a user would paste it (not set through the editor's API).
    const pasted = '{ "Authorization": "Bearer not-a-valid-token" }';
    await page.locator('.graphiql-editor-tools button', { hasText: 'Headers' }).click();
    await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(pasted);
    await expect(editorValue('headers')).resolves.toBe(pasted);

    await tabs.nth(2).locator('.graphiql-tab-button').click();
    await expect(tabs.nth(2).getAttribute('class')).resolves.toMatch(/graphiql-tab-active/);
    await expect(editorValue('headers')).resolves.toBe(pasted);
    // It is what is sent: the gateway refuses that token.
    const refused = await runOpenTab();
    expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    await reloadWhenSaved();
    await expect(editorValue('headers')).resolves.toBe(pasted);
    // The same tabs, none added by a reload.
    await expect(tabs.count()).resolves.toBe(EXAMPLE_QUERIES.length + loadPersistedOperations().operations.length);
    await reloadWhenSaved();
    await expect(tabs.count()).resolves.toBe(EXAMPLE_QUERIES.length + loadPersistedOperations().operations.length);
    await expect(editorValue('headers')).resolves.toBe(pasted);
    await tabs.nth(1).locator('.graphiql-tab-button').click();
    await expect(editorValue('headers')).resolves.toBe(pasted);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'pasted-token.png') });
    // The gateway's 401 for the bad token is expected here; nothing else failed.
    expect(failures.filter((f) => !/HTTP 401$/.test(f))).toEqual([]);
  }, 60_000);
});
