/**
 * The dashboard at GET /dashboard: a map of the provinces, a ranking, a time series and a table
 * of any indicator or figure, drawn in the browser with ECharts. Everything it loads comes from
 * the gateway itself (no CDN, no build step): ECharts' own dist file from node_modules, the
 * province boundaries from reference/boundaries, the page's script from ./client.
 *
 * It reads the graph only through the registered operations `Dashboard*` of operations/, sent
 * by hash (Apollo's persisted query protocol), so a deployment with PERSISTED_OPERATIONS_ONLY
 * serves it as it is; its downloads are the same operations answered as CSV or XLSX
 * (gateway/export). It holds no data of its own: who may read what is the graph's rule.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type express from 'express';
import { projectRoot } from '../../lib/areas';
import type { PersistedOperations } from '../persisted-operations';
import { dashboardCsp, dashboardPage, type DashboardSettings } from './page';

/** The registered operations the page sends, by name. */
export const DASHBOARD_OPERATIONS = ['DashboardCatalog', 'DashboardRanking', 'DashboardSeries'] as const;

/** What the page loads, by the name it asks for, and where it is on disk (relative to the project). */
const ASSETS: Record<string, string> = {
  'echarts.js': 'node_modules/echarts/dist/echarts.min.js',
  'dashboard.js': 'gateway/dashboard/client/dashboard.js',
  'charts.js': 'gateway/dashboard/client/charts.js',
  'oidc.js': 'gateway/dashboard/client/oidc.js',
  'oauth4webapi.js': 'node_modules/oauth4webapi/build/index.js',
  'dashboard.css': 'gateway/dashboard/client/dashboard.css',
  'provinces-34.geojson': 'reference/boundaries/provinces-34.geojson',
  'provinces-63.geojson': 'reference/boundaries/provinces-63.geojson',
};

export interface DashboardOptions {
  /** The graph's endpoint, e.g. `/graphql`. */
  endpoint: string;
  persisted: PersistedOperations;
  /**
   * A development token's headers, made per page; undefined outside development (the page then
   * asks its user to sign in with a token of their own).
   */
  devHeaders?: () => Promise<Record<string, string>>;
  /** The OpenID Connect provider the page signs in through (see DASHBOARD_OIDC_* in lib/config.ts); none: a pasted token. */
  oidc?: DashboardSettings['oidc'];
}

export function mountDashboard(app: express.Express, options: DashboardOptions): void {
  const hashes: Record<string, string> = {};
  for (const name of DASHBOARD_OPERATIONS) {
    const op = options.persisted.operations.find((o) => o.name === name);
    // A missing operation is a deployment mistake: say so at start-up, not as a broken page.
    if (!op) throw new Error(`The dashboard needs the registered operation ${name} in operations/ (it sends only registered operations)`);
    hashes[name] = op.hash;
  }
  for (const [name, file] of Object.entries(ASSETS)) {
    const full = path.join(projectRoot(), file);
    if (!fs.existsSync(full)) throw new Error(`The dashboard's asset ${file} is missing (npm ci installs echarts and oauth4webapi)`);
    // Revalidated on each load (ETag): the page changes with the code, and a 304 costs little.
    app.get(`/dashboard/${name}`, (_req, res) => res.sendFile(full, { maxAge: 0, headers: { 'cache-control': 'no-cache' } }));
  }
  app.get(['/dashboard', '/dashboard/'], async (_req, res) => {
    const devHeaders = options.devHeaders && (await options.devHeaders());
    const settings: DashboardSettings = {
      endpoint: options.endpoint,
      operations: hashes,
      developmentToken: devHeaders?.Authorization?.replace(/^Bearer /, '') ?? null,
      oidc: options.oidc ?? null,
    };
    const nonce = crypto.randomBytes(16).toString('base64');
    // A page with a development token in it is not for any cache.
    res.set({ 'cache-control': 'no-store', 'content-security-policy': dashboardCsp(nonce, settings.oidc?.issuer), 'x-content-type-options': 'nosniff' });
    res.type('html').send(dashboardPage(settings, nonce));
  });
}
