// Charts drawn with Apache ECharts (served from /assets/lib) from the API's table shape.
// <figure class="chart" data-api="/v1/…" data-type="line|area|bar|stacked|pie|scatter|heatmap"
//         data-x="column" data-y="column[,column…]" [data-series="column"] [data-value="column"] [data-filtered]>
//   <figcaption>Title</figcaption>
// </figure>
// data-series pivots a long table (one row per x and series) into one series per distinct value of that column.
// A heatmap takes x and y as categories and data-value as the cell. Once drawn, the figure carries
// data-state="rendered" (or "empty") and data-rendered: every plotted y value (the data-value for a heatmap), as
// ECharts holds them, series after series; each figure offers its picture as PNG and its data as CSV.
import { apiGet, filterQuery, showError } from './app.js';

const palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#ea580c'];
const bandColours = { low: '#16a34a', 'low-medium': '#eab308', medium: '#f97316', high: '#dc2626' };

// The latest render asked of each figure: when filters change twice quickly, an earlier answer arriving last is dropped.
const latest = new WeakMap();

export async function renderChart(figure) {
  const api = figure.dataset.api + ('filtered' in figure.dataset ? filterQuery(figure.dataset.api) : '');
  const request = {};
  latest.set(figure, request);
  figure.dataset.state = 'loading';
  try {
    const table = await apiGet(api);
    if (latest.get(figure) !== request) return;
    draw(figure, table);
  } catch (error) {
    if (latest.get(figure) !== request) return;
    figure.dataset.state = 'error';
    showError(error);
  }
}

/** Draws a table in a figure (also for pages that hold their data already, e.g. from a live stream). */
export function draw(figure, table) {
  const canvas = frame(figure, table);
  const chart = echarts.getInstanceByDom(canvas) ?? echarts.init(canvas, null, { renderer: 'canvas' });
  chart.setOption(option(figure.dataset, table), true);
  const plotted = chart.getOption().series.flatMap(s => s.data.map(d => plottedValue(figure.dataset.type, d))).filter(v => v !== null);
  figure.dataset.rendered = JSON.stringify(plotted);
  figure.dataset.state = table.rows.length ? 'rendered' : 'empty';
  figure.querySelector('.no-data').hidden = table.rows.length > 0;
  figure.querySelector('a.png').href = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
  return chart;
}

function frame(figure, table) {
  let canvas = figure.querySelector('.canvas');
  if (!canvas) {
    canvas = Object.assign(document.createElement('div'), { className: 'canvas' });
    const empty = Object.assign(document.createElement('p'), { className: 'no-data', textContent: 'No data for these filters', hidden: true });
    const tools = Object.assign(document.createElement('div'), { className: 'tools' });
    const png = Object.assign(document.createElement('a'), { textContent: 'PNG', className: 'png', href: '#' });
    const csv = Object.assign(document.createElement('a'), { textContent: 'CSV', className: 'csv', href: '#' });
    tools.append(png, csv);
    // The file is made when asked for, from the table drawn last: a redraw (filters, live updates) never leaves the
    // link pointing at a file already released.
    csv.addEventListener('click', () => {
      if (csv.href.startsWith('blob:')) URL.revokeObjectURL(csv.href);
      csv.href = URL.createObjectURL(new Blob([toCsv(figure.drawnTable)], { type: 'text/csv' }));
    });
    figure.append(canvas, empty, tools);
    new ResizeObserver(() => echarts.getInstanceByDom(canvas)?.resize()).observe(canvas);
  }
  const name = fileName(figure);
  const png = figure.querySelector('a.png');
  png.download = `${name}.png`;
  const csv = figure.querySelector('a.csv');
  csv.download = `${name}.csv`;
  figure.drawnTable = table;
  return canvas;
}

function fileName(figure) {
  const title = figure.querySelector('figcaption')?.textContent || figure.dataset.api;
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart';
}

export function toCsv(table) {
  const cell = v => {
    if (v === null || v === undefined) return '';
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [table.columns.map(c => cell(c.name)).join(','), ...table.rows.map(r => r.map(cell).join(','))].join('\r\n') + '\r\n';
}

function plottedValue(type, datum) {
  const value = datum !== null && typeof datum === 'object' && !Array.isArray(datum) ? datum.value : datum;
  if (value === null || value === undefined || value === '-') return null;
  if (Array.isArray(value)) return value[type === 'heatmap' ? 2 : 1] ?? null;
  return value;
}

function column(table, name) {
  const i = table.columns.findIndex(c => c.name === name);
  if (i < 0) throw new Error(`the answer has no column '${name}'`);
  return i;
}

function option(spec, table) {
  const type = spec.type || 'line';
  const base = { color: palette, animation: false, tooltip: { trigger: type === 'pie' || type === 'scatter' || type === 'heatmap' ? 'item' : 'axis' }, grid: { left: 56, right: 24, top: 40, bottom: 48, containLabel: true } };
  if (type === 'pie') {
    const x = column(table, spec.x), y = column(table, spec.y);
    return { ...base, legend: { type: 'scroll', bottom: 0 }, series: [{ type: 'pie', radius: ['35%', '70%'], data: table.rows.map(r => ({ name: String(r[x]), value: r[y], itemStyle: bandColours[r[x]] ? { color: bandColours[r[x]] } : undefined })) }] };
  }
  if (type === 'heatmap') {
    const x = column(table, spec.x), y = column(table, spec.y), v = column(table, spec.value);
    const xs = distinct(table.rows.map(r => r[x])), ys = distinct(table.rows.map(r => r[y]));
    const values = table.rows.map(r => r[v]).filter(n => n !== null);
    return { ...base, xAxis: { type: 'category', data: xs.map(String), axisLabel: { rotate: 30 } }, yAxis: { type: 'category', data: ys.map(String) },
      visualMap: { min: Math.min(0, ...values), max: Math.max(1, ...values), calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
      grid: { ...base.grid, bottom: 72 },
      series: [{ type: 'heatmap', data: table.rows.map(r => [xs.indexOf(r[x]), ys.indexOf(r[y]), r[v]]) }] };
  }
  if (type === 'scatter') {
    const x = column(table, spec.x), y = column(table, spec.y);
    const groups = spec.series ? groupBy(table.rows, column(table, spec.series)) : new Map([[spec.y, table.rows]]);
    return { ...base, legend: { top: 0 }, xAxis: { type: 'value', name: spec.x, scale: true }, yAxis: { type: 'value', name: spec.y, scale: true },
      series: [...groups].map(([name, rows]) => ({ type: 'scatter', name: String(name), symbolSize: 6, data: rows.map(r => [r[x], r[y]]) })) };
  }
  const x = column(table, spec.x);
  const xType = table.columns[x].type;
  const xs = distinct(table.rows.map(r => r[x]));
  let series;
  if (spec.series) {
    const s = column(table, spec.series), y = column(table, spec.y);
    series = [...groupBy(table.rows, s)].map(([name, rows]) => {
      const byX = new Map(rows.map(r => [r[x], r[y]]));
      return { name: String(name), data: xs.map(v => byX.has(v) ? byX.get(v) : null) };
    });
  } else {
    series = spec.y.split(',').map(name => {
      const y = column(table, name);
      return { name: name.replaceAll('_', ' '), data: table.rows.map(r => r[y]) };
    });
  }
  const kind = type === 'bar' || type === 'stacked' ? 'bar' : 'line';
  return { ...base, legend: { type: 'scroll', top: 0 },
    xAxis: { type: 'category', data: xs.map(v => xType === 'timestamp' ? new Date(v).toLocaleString() : String(v)), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value' },
    dataZoom: xs.length > 60 ? [{ type: 'inside' }] : [],
    series: series.map(s => ({ ...s, type: kind, stack: type === 'stacked' || type === 'area' ? 'total' : undefined, areaStyle: type === 'area' ? {} : undefined,
      showSymbol: xs.length <= 60, connectNulls: false })) };
}

function distinct(values) {
  return [...new Set(values)];
}

function groupBy(rows, index) {
  const groups = new Map();
  for (const row of rows) {
    const key = row[index] ?? '(none)';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(row);
  }
  return groups;
}

/** Draws a chart on resize-safe canvases after a layout change (e.g. a tab shown). */
export function resizeAll() {
  for (const canvas of document.querySelectorAll('figure.chart .canvas')) echarts.getInstanceByDom(canvas)?.resize();
}

window.addEventListener('error', event => showError(event.error ?? event.message));
