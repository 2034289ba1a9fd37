/**
 * The browser tests' Chromium: the system's (`apt-get install -y chromium`, or CHROMIUM_PATH),
 * headless, with nothing that talks to the network by itself, so that every request seen is the
 * page's own. SKIP_BROWSER_TESTS=1 skips those tests.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SKIP_BROWSER = process.env.SKIP_BROWSER_TESTS === '1';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** True for a URL that stays on this machine (data: and blob: never leave the browser). */
export const isLocal = (url: string) => {
  const { protocol, hostname } = new URL(url);
  return protocol === 'data:' || protocol === 'blob:' || ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
};

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}. Install it (apt-get install -y chromium), point CHROMIUM_PATH at one, or set SKIP_BROWSER_TESTS=1.`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
