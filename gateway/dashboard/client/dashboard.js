/*
 * The dashboard's behaviour: reads the graph through its registered operations (by hash only),
 * keeps the view in the URL (measure, period, structure, province drilled into, unit of the
 * series) so that a view can be shared and Back goes back, and fills the four panels.
 * The graph does the work: it resolves relative periods (LAST_MONTH…) against Viet Nam's today,
 * ranks the units (on the values the caller may see) and computes any indicator of the
 * catalogue, saved ones too; the page shows its answers as they are.
 * Plain browser script, no build step; the charts are in charts.js.
 */
'use strict';
(function () {
  const CONFIG = window.DASHBOARD;
  const TOKEN_KEY = 'p06:dashboard:token';
  /** How the token in TOKEN_KEY came: `oidc` (oidc.js) or pasted. */
  const SOURCE_KEY = 'p06:dashboard:token-source';
  const $ = (id) => document.getElementById(id);

  /** Figures offered besides the indicators: path under AreaStats, name, unit and how to print it. */
  const FIGURES = [
    ['residency.population', 'Population (people; stock at the period end)'],
    ['residency.chipIdCards', 'Chip ID cards (cards; stock)'],
    ['residency.eidLevel2', 'eID level 2 accounts (accounts; stock)'],
    ['land.parcels', 'Parcels (parcels; stock)'],
    ['land.digitizedParcels', 'Digitized parcels (parcels; stock)'],
    ['justiceRecords.requests', 'Criminal record requests (requests; flow in the period)'],
    ['justiceRecords.requestsViaVneid', 'Criminal record requests via VNeID (requests; flow)'],
    ['justiceRecords.medianDaysToIssue', 'Median days to issue a criminal record certificate (days)'],
  ].map(([path, name]) => ({ id: path, indicator: false, path: path.split('.'), name, format: (v) => (path.endsWith('ToIssue') ? `${v} d` : Number(v).toLocaleString('en')) }));

  const percent = (v) => `${(v * 100).toFixed(1)} %`;
  /** The relative periods offered, as the graph names them. */
  const RELATIVE = { LAST_MONTH: 'Last month', THIS_MONTH: 'This month', LAST_QUARTER: 'Last quarter', THIS_QUARTER: 'This quarter', LAST_YEAR: 'Last year', THIS_YEAR: 'This year' };
  let measures = [];
  let today = null;

  // ---- The graph -------------------------------------------------------------------------
  const token = () => sessionStorage.getItem(TOKEN_KEY) || CONFIG.developmentToken || null;

  /**
   * One registered operation, sent by its hash; `accept` asks for CSV or XLSX (the Response is
   * returned). An answer that failed only because subgraphs were slow (SUBGRAPH_TIMEOUT, as on
   * the first requests after the graph starts) is asked for once more, saying so.
   */
  async function graph(name, variables, accept, retried) {
    const headers = { 'content-type': 'application/json', accept: accept || 'application/json' };
    if (token()) headers.authorization = `Bearer ${token()}`;
    const body = JSON.stringify({ operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: CONFIG.operations[name] } } });
    let res;
    try {
      res = await fetch(CONFIG.endpoint, { method: 'POST', headers, body });
    } catch (err) {
      throw new Error(`${name}: the graph did not answer (${err.message}).`);
    }
    const type = res.headers.get('content-type') || '';
    if (accept && res.ok && !/json/.test(type)) return res;
    const json = /json/.test(type) ? await res.json().catch(() => null) : null;
    if (!json) throw new Error(`${name}: the graph answered HTTP ${res.status} ${res.statusText} without a GraphQL answer.`);
    if (json.errors && json.errors.length && !retried && json.errors.every((e) => e.extensions && e.extensions.code === 'SUBGRAPH_TIMEOUT')) {
      busy('The graph is slow to answer; asking once more…');
      return graph(name, variables, accept, true);
    }
    if (json.errors && json.errors.length) {
      const said = json.errors.map((e) => `${(e.extensions && e.extensions.code) || 'ERROR'}: ${e.message}`).join('; ');
      const hint = json.errors.some((e) => e.extensions && e.extensions.code === 'UNAUTHENTICATED') ? ' Sign in with a valid token.' : '';
      // GraphQL answers a refused variable with HTTP 200; a status says more only when it is not.
      throw new Error(`${name} failed${res.status === 200 ? '' : ` (HTTP ${res.status})`}: ${said}.${hint}`);
    }
    return json.data;
  }

  // ---- The view, in the URL ---------------------------------------------------------------
  function readState() {
    const q = new URLSearchParams(location.search);
    return {
      measure: q.get('measure') || 'eidLevel2Coverage',
      period: q.get('period') || 'LAST_MONTH',
      structure: q.get('structure') === 'THREE_TIER' ? 'THREE_TIER' : 'TWO_TIER',
      // The units ranked: provinces (and, in a province, its communes), or every district or commune.
      level: ['DISTRICT', 'COMMUNE'].includes(q.get('level')) ? q.get('level') : 'PROVINCE',
      province: q.get('province') || null,
      unit: q.get('unit') || null,
    };
  }
  function go(change) {
    const next = { ...readState(), ...change };
    const q = new URLSearchParams();
    for (const key of ['measure', 'period', 'structure', 'level', 'province', 'unit']) if (next[key] && !(key === 'level' && next[key] === 'PROVINCE')) q.set(key, next[key]);
    history.pushState(null, '', `${location.pathname}?${q}`);
    render();
  }
  window.addEventListener('popstate', () => render());

  /** The last month of a period label: `2024` → `2024-12`, `2024-Q3` → `2024-09`, `2024-11` and `2024-11-13` → `2024-11`. */
  function lastMonthOf(label) {
    const m = /^(\d{4})(?:-Q([1-4])|-(\d{2})(?:-\d{2})?)?$/.exec(label);
    if (!m) return null;
    const month = m[2] ? Number(m[2]) * 3 : m[3] ? Number(m[3]) : 12;
    return `${m[1]}-${String(month).padStart(2, '0')}`;
  }
  /** The 12 months up to the period's last month (or today's month, if earlier). */
  function seriesRange(lastMonth) {
    const end = lastMonth < today.slice(0, 7) ? lastMonth : today.slice(0, 7);
    const [y, m] = end.split('-').map(Number);
    const start = new Date(Date.UTC(y, m - 12, 1));
    return { from: start.toISOString().slice(0, 7), to: end };
  }

  // ---- Values --------------------------------------------------------------------------
  /**
   * A value as printed. Null is never printed as zero: `suppressed` where the caller sees
   * protected figures (a value withheld to protect the few people behind it), `no value`
   * elsewhere (not yet delivered, or nothing to divide by). `≈` marks a protected count or a
   * rate computed from protected counts.
   */
  const shownValue = (value, prot, format) => (value === null || value === undefined ? (prot ? 'suppressed' : 'no value') : `${prot ? '≈ ' : ''}${format(value)}`);
  const count = (v) => Number(v).toLocaleString('en');

  /** The graph's ranking as rows: its order and ranks, units without a value last and unranked. */
  function rowsOf(ranking, measure) {
    return ranking.entries.map((e) => ({
      code: e.areaCode,
      name: e.areaName,
      rank: e.rank,
      value: e.value,
      numerator: e.numerator,
      denominator: e.denominator,
      protected: e.protected,
      complete: e.complete,
      shown: shownValue(e.value, e.protected, measure.format),
      population: e.stats.residency ? e.stats.residency.population : null,
      populationProtected: Boolean(e.stats.residency && e.stats.residency.protected),
    }));
  }
  /** One point of the series: the indicator's value, or the figure's. */
  function pointOf(s, measure) {
    if (measure.indicator) return { period: s.period, value: s.indicator ? s.indicator.value : null, protected: Boolean(s.indicator && s.indicator.protected) };
    const [domain, figure] = measure.path;
    return { period: s.period, value: s[domain] ? s[domain][figure] : null, protected: Boolean(s[domain] && s[domain].protected) };
  }

  // ---- Panels -------------------------------------------------------------------------
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  function drawTable(rows, measure, level, onRow) {
    const ratio = measure.indicator ? '<th>Numerator</th><th>Denominator</th>' : '';
    const head = `<thead><tr><th>Rank</th><th>Code</th><th>${level}</th><th>${esc(measure.name)}</th>${ratio}<th>Population</th><th>Final</th></tr></thead>`;
    const cell = (value, prot, format, cls) => `<td class="${cls}${value === null ? ' no-value' : ''}" data-value="${value === null ? '' : value}" title="${value === null ? 'no value: withheld, not yet delivered or nothing to divide by; never zero' : ''}">${esc(shownValue(value, prot, format))}</td>`;
    const body = rows.map((r) => `<tr data-code="${esc(r.code)}"><td>${r.rank ?? '–'}</td><td>${esc(r.code)}</td><td class="unit">${esc(r.name)}</td>${cell(r.value, r.protected, measure.format, 'value')}${measure.indicator ? cell(r.numerator, r.protected, count, 'numerator') + cell(r.denominator, r.protected, count, 'denominator') : ''}${cell(r.population, r.populationProtected, count, 'population')}<td>${r.complete ? 'yes' : 'not yet'}</td></tr>`).join('');
    $('table').innerHTML = `${head}<tbody>${body}</tbody>`;
    // One listener for every row (a level may have 10,051 communes).
    $('table').onclick = (e) => {
      const tr = e.target.closest('tbody tr');
      if (tr) onRow(tr.dataset.code);
    };
  }

  let download = null;
  async function downloadAs(format) {
    if (!download) return;
    const accept = format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    try {
      const res = await graph(download.name, download.variables, accept);
      const blob = await res.blob();
      const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '');
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = named ? named[1] : `${download.name}.${format}`;
      document.body.appendChild(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    } catch (err) {
      showError(err);
    }
  }

  function showError(err) {
    // What is still drawn is an earlier view's: shown faded, under the error.
    document.body.classList.add('failed');
    $('error').hidden = false;
    $('error').textContent = err.message;
  }
  function busy(text) {
    $('status').textContent = text || '';
    document.body.classList.toggle('loading', Boolean(text));
    document.body.setAttribute('aria-busy', text ? 'true' : 'false');
  }

  // ---- Rendering one view ----------------------------------------------------------------
  let generation = 0;
  async function render() {
    const mine = ++generation;
    const state = readState();
    const measure = measures.find((m) => m.id === state.measure) || measures[0];
    syncControls(state);
    $('error').hidden = true;
    document.body.classList.remove('failed');
    busy('Loading…');
    try {
      const { structure } = state;
      const by = measure.id;
      const provincesAsked = graph('DashboardRanking', { level: 'PROVINCE', period: state.period, by, structure });
      // Below the provinces: the communes (or districts) of the province drilled into, or of the country.
      const below = state.province || state.level !== 'PROVINCE'
        ? { level: state.level === 'PROVINCE' ? 'COMMUNE' : state.level, by, parent: state.province || undefined, structure }
        : null;
      const communesAsked = below ? graph('DashboardRanking', { ...below, period: state.period }) : null;
      // The series of a unit the URL names is asked for with the rest when the period is a label
      // (a relative one is resolved by the graph: the series waits for its answer).
      const askSeries = (code, range) => graph('DashboardSeries', { code, ...range, structure, by, indicator: measure.indicator });
      const labelled = lastMonthOf(state.period);
      const early = labelled && (state.unit || state.province);
      const seriesAsked = early ? askSeries(early, seriesRange(labelled)) : null;
      if (seriesAsked) seriesAsked.catch(() => undefined); // Said below, if the view gets that far.
      const provinces = (await provincesAsked).ranking;
      if (mine !== generation) return;
      const provinceRows = rowsOf(provinces, measure);
      const drilled = state.province && provinceRows.find((p) => p.code === state.province);
      const ranking = communesAsked ? (await communesAsked).ranking : provinces;
      if (mine !== generation) return;
      const rows = communesAsked ? rowsOf(ranking, measure) : provinceRows;
      // The period as the graph resolved it: `Last month: 2026-10`.
      const period = ranking.period;
      const periodNote = RELATIVE[state.period] ? `${RELATIVE[state.period]}: ${period}` : period;
      const kind = below ? (below.level === 'DISTRICT' ? 'districts' : 'communes') : 'provinces';
      const where = drilled ? `${kind} of ${drilled.name}` : `${rows.length.toLocaleString('en')} ${kind}`;
      $('crumbs').innerHTML = drilled ? `<a href="#" id="back">All provinces</a> › ${esc(drilled.name)}` : `All provinces (click a province for its ${below ? kind : 'communes'})`;
      if (drilled) $('back').addEventListener('click', (e) => { e.preventDefault(); go({ province: null, unit: null }); });
      $('map-title').textContent = `${measure.name}, ${periodNote}`;
      $('ranking-title').textContent = `Ranking of the ${where}`;
      $('table-title').textContent = `Table: ${where}, ${periodNote}`;
      // The table's download is the same operation, with the period as the graph resolved it.
      download = { name: 'DashboardRanking', variables: below ? { ...below, period } : { level: 'PROVINCE', period, by, structure } };
      // A province's row drills down; any other unit's shows its series.
      const drill = (code) => go(below ? { unit: code } : { province: code, unit: null });
      await DashboardCharts.drawMap(structure, provinceRows, measure, state.province, (code) => go({ province: code, unit: null }));
      DashboardCharts.drawRanking(rows, measure, 40, drill);
      drawTable(rows, measure, { provinces: 'Province', districts: 'District', communes: 'Commune' }[kind], drill);
      // The series: the unit asked for, else the drilled province, else the first in the ranking.
      const unit = state.unit || state.province || (rows[0] && rows[0].code);
      const unitName = (rows.find((r) => r.code === unit) || provinceRows.find((r) => r.code === unit) || { name: unit }).name;
      const range = seriesRange(lastMonthOf(period));
      if (unit) {
        $('series-title').textContent = `${unitName}, ${range.from} to ${range.to}`;
        const series = (await (early === unit ? seriesAsked : askSeries(unit, range))).area;
        if (mine !== generation) return;
        DashboardCharts.drawSeries(series.series.map((s) => {
          const point = pointOf(s, measure);
          return { ...point, shown: shownValue(point.value, point.protected, measure.format) };
        }), measure);
      } else {
        $('series-title').textContent = 'Series';
        DashboardCharts.clearSeries();
      }
      busy('');
      document.body.dataset.ready = String(mine);
    } catch (err) {
      if (mine !== generation) return;
      busy('');
      showError(err);
      document.body.dataset.ready = `error-${mine}`;
    }
  }

  // ---- Controls and sign-in -------------------------------------------------------------
  function syncControls(state) {
    $('measure').value = state.measure;
    const relative = Boolean(RELATIVE[state.period]);
    $('period-kind').value = relative ? state.period : 'CUSTOM';
    $('period-custom').hidden = relative;
    if (!relative) $('period-custom').value = state.period;
    $('structure').value = state.structure;
    $('level').value = state.level;
    // Districts exist in the three-tier structure only.
    $('level').querySelector('option[value=DISTRICT]').disabled = state.structure !== 'THREE_TIER';
    showAccount();
  }
  function showAccount() {
    const own = sessionStorage.getItem(TOKEN_KEY);
    const through = CONFIG.oidc && sessionStorage.getItem(SOURCE_KEY) === 'oidc' ? `Signed in through ${new URL(CONFIG.oidc.issuer).host}` : 'Signed in with a pasted token';
    $('who').textContent = own ? through : CONFIG.developmentToken ? 'Development token (analyst)' : 'Not signed in';
    $('sign-out').hidden = !own;
    $('sign-in-oidc').hidden = !CONFIG.oidc || Boolean(own);
  }

  function wire() {
    // The controls act as they change; Enter in the period box submits nothing.
    $('controls').addEventListener('submit', (e) => e.preventDefault());
    $('measure').addEventListener('change', (e) => go({ measure: e.target.value }));
    $('period-kind').addEventListener('change', (e) => {
      if (e.target.value === 'CUSTOM') { $('period-custom').hidden = false; $('period-custom').focus(); } else go({ period: e.target.value });
    });
    $('period-custom').addEventListener('change', (e) => e.target.value.trim() && go({ period: e.target.value.trim() }));
    $('structure').addEventListener('change', (e) => go({ structure: e.target.value, province: null, unit: null, ...(e.target.value === 'TWO_TIER' && readState().level === 'DISTRICT' ? { level: 'COMMUNE' } : {}) }));
    $('level').addEventListener('change', (e) => go({ level: e.target.value, unit: null }));
    $('download-csv').addEventListener('click', () => downloadAs('csv'));
    $('download-xlsx').addEventListener('click', () => downloadAs('xlsx'));
    $('sign-in').addEventListener('click', () => { $('token-input').value = ''; $('token-dialog').showModal(); });
    $('token-dialog').addEventListener('close', () => {
      const pasted = $('token-input').value.trim().replace(/^Bearer\s+/i, '');
      if ($('token-dialog').returnValue === 'save' && pasted) { sessionStorage.setItem(TOKEN_KEY, pasted); sessionStorage.setItem(SOURCE_KEY, 'pasted'); start(); }
    });
    $('sign-out').addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); sessionStorage.removeItem(SOURCE_KEY); start(); });
    $('sign-in-oidc').addEventListener('click', () => window.DashboardOidc.signIn().catch((err) => showError(new Error(`Sign-in: ${err.message}`))));
  }

  /** Reads the catalogue and the graph's today, then draws the view in the URL. */
  async function start() {
    showAccount();
    $('error').hidden = true;
    document.body.classList.remove('failed');
    busy('Loading…');
    try {
      const catalog = await graph('DashboardCatalog', {});
      today = catalog.today;
      measures = [
        ...catalog.indicatorCatalog.map((i) => ({
          id: i.id,
          indicator: true,
          name: `${i.name} (${i.unit === 'fraction' ? '%' : i.unit})`,
          description: i.description,
          // A fraction as a percentage; a rate per N as it is, with its unit.
          format: i.unit === 'fraction' ? percent : (v) => `${Number(v).toFixed(2)} ${i.unit}`,
        })),
        ...FIGURES,
      ];
      $('measure').innerHTML = measures.map((m) => `<option value="${esc(m.id)}">${esc(m.name)}</option>`).join('');
      await render();
    } catch (err) {
      busy('');
      showError(err);
      document.body.dataset.ready = 'error-start';
    }
  }

  wire();
  const returned = new URLSearchParams(location.search);
  if (CONFIG.oidc && returned.has('state') && (returned.has('code') || returned.has('error'))) {
    // Back from the provider: oidc.js exchanges the code first (or says why it cannot).
    busy('Signing in…');
    window.addEventListener('p06:signed-in', (e) => {
      if (!e.detail) sessionStorage.setItem(SOURCE_KEY, 'oidc');
      start().then(() => e.detail && showError(e.detail));
    }, { once: true });
  } else {
    start();
  }
})();
