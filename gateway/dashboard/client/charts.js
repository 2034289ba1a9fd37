/*
 * The dashboard's three charts, drawn with ECharts (served by the gateway from node_modules):
 * the choropleth map of the provinces, the ranking bar chart and the time series. Plain browser
 * script, no build step: it defines `DashboardCharts` for dashboard.js.
 *
 * A unit without a value (null in the graph's answer: withheld or not yet delivered) is drawn
 * apart: grey on the map, left out of the bars and named below them, a gap in the series. It is
 * never drawn as zero.
 */
'use strict';
(function () {
  const NO_VALUE = '#d9d9d9';
  /** Tooltips are HTML: names (of units, of indicators admins saved) go in as text. */
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const charts = {};
  /** One ECharts instance per panel, made once; SVG so that the page can be read back. */
  function chartIn(id) {
    if (!charts[id]) {
      charts[id] = echarts.init(document.getElementById(id), null, { renderer: 'svg' });
      // No animation: each view is drawn at once and whole (a new view is a new answer, not a change).
      charts[id].setOption({ animation: false });
      window.addEventListener('resize', () => charts[id].resize());
    }
    return charts[id];
  }

  const boundaries = {};
  /** Registers the boundaries of a structure as an ECharts map once (`vn34` or `vn63`), keyed by province code. */
  async function mapFor(structure) {
    const name = structure === 'THREE_TIER' ? 'vn63' : 'vn34';
    if (!boundaries[name]) {
      boundaries[name] = fetch(`/dashboard/provinces-${name.slice(2)}.geojson`).then((res) => {
        if (!res.ok) throw new Error(`The province boundaries could not be loaded (HTTP ${res.status})`);
        return res.json();
      }).then((geojson) => {
        echarts.registerMap(name, geojson);
        return name;
      });
      boundaries[name].catch(() => delete boundaries[name]);
    }
    return boundaries[name];
  }

  /**
   * The map: every province coloured by its value (`rows`: { code, name, value, shown }),
   * `selected` outlined; a click calls `onClick(code)`.
   */
  async function drawMap(structure, rows, measure, selected, onClick) {
    const map = await mapFor(structure);
    const chart = chartIn('map');
    const values = rows.map((r) => r.value).filter((v) => v !== null);
    const names = Object.fromEntries(rows.map((r) => [r.code, r]));
    chart.setOption({
      tooltip: {
        trigger: 'item',
        formatter: (p) => esc(names[p.name] ? `${names[p.name].name} (${p.name})` : p.name) + (names[p.name] ? `<br>${esc(`${measure.name}: ${names[p.name].shown}`)}` : ''),
      },
      visualMap: {
        type: 'continuous',
        show: values.length > 0,
        min: values.length ? Math.min(...values) : 0,
        max: values.length ? Math.max(...values, Math.min(...values) + 1e-9) : 1,
        calculable: true,
        left: 8,
        bottom: 36,
        text: ['high', 'low'],
        inRange: { color: ['#deebf7', '#6baed6', '#08306b'] },
        formatter: (v) => measure.format(v),
      },
      series: [{
        type: 'map',
        map,
        nameProperty: 'code',
        roam: true,
        selectedMode: false,
        itemStyle: { areaColor: NO_VALUE, borderColor: '#ffffff', borderWidth: 0.6 },
        emphasis: { label: { show: false }, itemStyle: { areaColor: '#fdae6b' } },
        data: rows.map((r) => ({
          name: r.code,
          value: r.value === null ? NaN : r.value,
          ...(r.code === selected ? { itemStyle: { borderColor: '#d62728', borderWidth: 2.5 } } : {}),
        })),
      }],
      animation: false,
    }, { notMerge: true });
    chart.off('click');
    chart.on('click', (p) => names[p.name] && onClick(p.name));
  }

  /** The ranking: units with a value, highest first (at most `limit`); those without one named in the subtitle. */
  function drawRanking(ranked, measure, limit, onClick) {
    const chart = chartIn('ranking');
    const withValue = ranked.filter((r) => r.value !== null);
    const shown = withValue.slice(0, limit);
    const without = ranked.length - withValue.length;
    const notes = [];
    if (withValue.length > shown.length) notes.push(`the first ${shown.length} of ${withValue.length} with a value (all in the table)`);
    if (without) notes.push(`${without} without a value (suppressed or none), not drawn`);
    if (!shown.length) notes.unshift('No unit has a value');
    document.getElementById('ranking').style.height = `${Math.max(260, 60 + shown.length * 20)}px`;
    chart.resize();
    chart.setOption({
      title: { subtext: notes.join('; '), left: 'center', top: -10 },
      grid: { left: 8, right: 70, top: notes.length ? 30 : 10, bottom: 10, containLabel: true },
      tooltip: { trigger: 'item', formatter: (p) => esc(`#${shown[p.dataIndex].rank} ${shown[p.dataIndex].name}: ${shown[p.dataIndex].shown}`) },
      xAxis: { type: 'value', axisLabel: { formatter: (v) => measure.format(v) } },
      yAxis: { type: 'category', inverse: true, data: shown.map((r) => `${r.rank}. ${r.name}`), axisLabel: { width: 190, overflow: 'truncate' } },
      series: [{
        type: 'bar',
        data: shown.map((r) => r.value),
        itemStyle: { color: '#3182bd' },
        label: { show: true, position: 'right', formatter: (p) => shown[p.dataIndex].shown },
      }],
      animation: false,
    }, { notMerge: true });
    chart.off('click');
    chart.on('click', (p) => onClick(shown[p.dataIndex].code));
  }

  /** The series of one unit: `points` { period, value, shown }; a null is a gap, not a zero. */
  function drawSeries(points, measure) {
    const chart = chartIn('series');
    chart.setOption({
      grid: { left: 8, right: 24, top: 20, bottom: 10, containLabel: true },
      tooltip: { trigger: 'axis', formatter: (ps) => ps.map((p) => esc(`${points[p.dataIndex].period}: ${points[p.dataIndex].shown}`)).join('<br>') },
      xAxis: { type: 'category', data: points.map((p) => p.period) },
      yAxis: { type: 'value', scale: true, axisLabel: { formatter: (v) => measure.format(v) } },
      series: [{ type: 'line', connectNulls: false, showAllSymbol: true, data: points.map((p) => (p.value === null ? '-' : p.value)), itemStyle: { color: '#3182bd' } }],
      animation: false,
    }, { notMerge: true });
  }

  function clearSeries() {
    chartIn('series').clear();
  }

  window.DashboardCharts = { drawMap, drawRanking, drawSeries, clearSeries, chartIn };
})();
