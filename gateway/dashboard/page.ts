/**
 * The dashboard's HTML: the controls, the four panels (map, ranking, series, table) and the
 * settings the script needs (the endpoint, the hashes of the operations it sends, and in
 * development only, a token so the page works at once).
 */

export interface DashboardSettings {
  endpoint: string;
  /** Registered operation hashes by operation name. */
  operations: Record<string, string>;
  /** A development token (analyst), never set outside development. */
  developmentToken: string | null;
  /** The OpenID Connect provider to sign in through, when one is configured. */
  oidc: { issuer: string; clientId: string; scope: string; resource: string | null } | null;
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** JSON that can sit inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** The credit line CC BY-SA 4.0 asks for, as reference/boundaries/SOURCE.md words it. */
export const BOUNDARIES_CREDIT = 'Province boundaries: Open Development Mekong (CC BY-SA 4.0), simplified; province codes: National Statistics Office of Viet Nam.';

/**
 * The page's Content-Security-Policy: scripts from the gateway and the one inline script with
 * this page's nonce; requests to the gateway (and to the OpenID provider, to sign in); inline
 * styles, which ECharts sets on what it draws; never framed.
 */
export function dashboardCsp(nonce: string, oidcIssuer?: string): string {
  const provider = oidcIssuer ? ` ${new URL(oidcIssuer).origin}` : '';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${provider}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function dashboardPage(settings: DashboardSettings, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Project 06 graph · Dashboard</title>
<link rel="stylesheet" href="/dashboard/dashboard.css">
</head>
<body>
<header>
  <h1>Project 06 dashboard</h1>
  <form id="controls">
    <label>Indicator or figure <select id="measure"></select></label>
    <label>Period <select id="period-kind">
      <option value="LAST_MONTH">Last month</option>
      <option value="THIS_MONTH">This month (so far)</option>
      <option value="LAST_QUARTER">Last quarter</option>
      <option value="THIS_QUARTER">This quarter (so far)</option>
      <option value="LAST_YEAR">Last year</option>
      <option value="THIS_YEAR">This year (so far)</option>
      <option value="CUSTOM">Other…</option>
    </select></label>
    <input id="period-custom" placeholder="2024-11, 2024-Q3 or 2024" size="12" hidden>
    <label>Units <select id="level">
      <option value="PROVINCE">Provinces</option>
      <option value="DISTRICT">Districts (63-province structure)</option>
      <option value="COMMUNE">Communes</option>
    </select></label>
    <label>Structure <select id="structure">
      <option value="TWO_TIER">34 provinces (since 1 July 2025)</option>
      <option value="THREE_TIER">63 provinces (until 30 June 2025)</option>
    </select></label>
  </form>
  <div id="account">
    <span id="who"></span>
    <button id="sign-in-oidc" type="button" hidden>Sign in${settings.oidc ? ` with ${escapeHtml(new URL(settings.oidc.issuer).host)}` : ''}</button>
    <button id="sign-in" type="button">Sign in with a token</button>
    <button id="sign-out" type="button" hidden>Sign out</button>
  </div>
</header>
<dialog id="token-dialog">
  <form method="dialog">
    <p>Paste a bearer token (an analyst's or an officer's, e.g. from <code>npm run token</code>). It is kept in this browser tab only (session storage).</p>
    <textarea id="token-input" rows="5" cols="60" spellcheck="false"></textarea>
    <menu><button value="cancel" type="submit">Cancel</button> <button id="token-save" value="save" type="submit">Use this token</button></menu>
  </form>
</dialog>
<div id="status" role="status" aria-live="polite"></div>
<div id="error" role="alert" hidden></div>
<nav id="crumbs"></nav>
<main>
  <section id="map-panel"><h2 id="map-title">Map</h2><div id="map" class="chart"></div>
    <p id="map-credit" class="credit">${BOUNDARIES_CREDIT} Approximate boundaries, for thematic maps only.</p></section>
  <section id="ranking-panel"><h2 id="ranking-title">Ranking</h2><div id="ranking" class="chart"></div></section>
  <section id="series-panel"><h2 id="series-title">Series</h2><div id="series" class="chart"></div></section>
  <section id="table-panel"><h2 id="table-title">Table</h2>
    <p class="downloads">Download this table's operation: <button id="download-csv" type="button">CSV</button> <button id="download-xlsx" type="button">XLSX</button></p>
    <p class="legend"><span class="no-value">suppressed</span>: withheld to protect the few people behind it; <span class="no-value">no value</span>: not yet delivered or nothing to divide by; neither is zero, and neither is drawn (grey on the map).
      <span class="protected">≈</span>: a protected count (published with a small noise) or a rate computed from such counts.</p>
    <div id="table-wrap"><table id="table"></table></div></section>
</main>
<script nonce="${nonce}">window.DASHBOARD = ${scriptJson(settings)};</script>
<script src="/dashboard/echarts.js"></script>
<script src="/dashboard/charts.js"></script>
<script src="/dashboard/dashboard.js"></script>
${settings.oidc ? '<script type="module" src="/dashboard/oidc.js"></script>' : ''}
</body>
</html>`;
}
