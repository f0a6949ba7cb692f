// The ward: patients in house by unit with their current NEWS2, the summary cards and the alerts of the last 24 h,
// kept live by GET /v1/ward/stream (server-sent events when vitals or alerts commit).
// For tests: each patient row carries data-patient-id, data-encounter-id, data-news2 and data-last-vitals-at;
// #last-update carries data-updated-at (ISO time of the last live re-render) and data-event (its kind).
import { apiGet, filterQuery, formatValue, showError, start } from './app.js';
import { renderTable } from './tables.js';

const patients = document.getElementById('ward-patients');
const alerts = document.getElementById('ward-alerts');
const summary = document.getElementById('summary');
const live = document.getElementById('live');
const lastUpdate = document.getElementById('last-update');
const seen = new Map(); // encounter → what the row showed, to mark rows a live update changed

patients.addEventListener('rendered', event => dressPatients(event.detail));
alerts.addEventListener('rendered', event => dressAlerts(event.detail));

function column(data, name) {
  return data.columns.findIndex(c => c.name === name);
}

function dressPatients(data) {
  const shown = patients.dataset.columns.split(',');
  const at = name => shown.indexOf(name);
  const [band, trend, recent] = [at('news2_band'), at('trend'), at('news2_recent')];
  const index = Object.fromEntries(['patient_id', 'encounter_id', 'unit', 'news2_score', 'news2_band', 'trend', 'news2_recent', 'last_vitals_at']
    .map(name => [name, column(data, name)]));
  const rows = [...patients.tBodies[0].rows];
  if (data.rows.length === 0) return;
  let unit;
  data.rows.forEach((row, i) => {
    const tr = rows[i];
    tr.dataset.patientId = row[index.patient_id];
    tr.dataset.encounterId = row[index.encounter_id];
    tr.dataset.news2 = row[index.news2_score] ?? '';
    tr.dataset.band = row[index.news2_band] ?? '';
    tr.dataset.lastVitalsAt = row[index.last_vitals_at] ?? '';
    if (row[index.unit] !== unit) tr.classList.add('unit-start');
    unit = row[index.unit];
    if (band >= 0 && row[index.news2_band]) {
      tr.cells[band].replaceChildren(Object.assign(document.createElement('span'), { className: `band ${row[index.news2_band]}`, textContent: row[index.news2_band] }));
    }
    if (trend >= 0 && row[index.trend]) {
      const arrow = { up: '▲', down: '▼', steady: '▶' }[row[index.trend]];
      tr.cells[trend].replaceChildren(Object.assign(document.createElement('span'), { className: `trend ${row[index.trend]}`, textContent: arrow, title: `${row[index.trend]} since the previous set` }));
    }
    if (recent >= 0) tr.cells[recent].replaceChildren(sparkline(row[index.news2_recent] ?? []));
    const shownNow = `${row[index.news2_score]}|${row[index.last_vitals_at]}`;
    const before = seen.get(row[index.encounter_id]);
    if (before !== undefined && before !== shownNow) tr.classList.add('changed');
    seen.set(row[index.encounter_id], shownNow);
  });
}

function dressAlerts(data) {
  const shown = alerts.dataset.columns.split(',');
  const severity = shown.indexOf('severity');
  const id = column(data, 'alert_id');
  const rows = [...alerts.tBodies[0].rows];
  data.rows.forEach((row, i) => {
    rows[i].dataset.alertId = row[id];
    const value = row[column(data, 'severity')];
    if (severity >= 0 && value) {
      rows[i].cells[severity].replaceChildren(Object.assign(document.createElement('span'), { className: `band ${value === 'critical' ? 'high' : 'medium'}`, textContent: value }));
    }
  });
}

/** A small line of the last NEWS2 scores (0–20), oldest first; the numbers are in its title and data-values. */
function sparkline(values) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const [w, h] = [80, 20];
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', w);
  svg.setAttribute('height', h);
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.dataset.values = JSON.stringify(values);
  const title = document.createElementNS(ns, 'title');
  title.textContent = values.length ? `NEWS2, last ${values.length} sets: ${values.join(', ')}` : 'no scored set';
  svg.append(title);
  if (values.length === 0) return svg;
  const max = Math.max(7, ...values);
  const x = i => values.length === 1 ? w / 2 : 2 + i * (w - 4) / (values.length - 1);
  const y = v => h - 2 - v * (h - 4) / max;
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', values.map((v, i) => `${x(i)},${y(v)}`).join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#475569');
  line.setAttribute('stroke-width', '1.5');
  const last = document.createElementNS(ns, 'circle');
  last.setAttribute('cx', x(values.length - 1));
  last.setAttribute('cy', y(values.at(-1)));
  last.setAttribute('r', '2.5');
  last.setAttribute('fill', values.at(-1) >= 7 ? '#dc2626' : values.at(-1) >= 5 ? '#f97316' : '#16a34a');
  svg.append(line, last);
  return svg;
}

async function renderSummary() {
  summary.dataset.state = 'loading';
  try {
    const data = await apiGet(summary.dataset.api + filterQuery(summary.dataset.api));
    const row = data.rows[0] ?? [];
    for (const card of summary.querySelectorAll('[data-card]')) {
      const i = column(data, card.dataset.card);
      const value = i < 0 ? null : row[i];
      card.dataset.value = value ?? '';
      card.querySelector('.value').textContent = formatValue(value, 'number');
    }
    const asOf = row[column(data, 'as_of')];
    document.getElementById('as-of').textContent = asOf ? `as of ${formatValue(asOf, 'timestamp')}` : '';
    summary.dataset.rendered = JSON.stringify(row);
    summary.dataset.state = 'rendered';
  } catch (error) {
    summary.dataset.state = 'error';
    showError(error);
  }
}

// Live updates: one re-read at a time; events arriving meanwhile make one more.
let running = null;
let again = null;
let updates = 0;

function update(kind) {
  if (running) {
    again = kind;
    return running;
  }
  running = (async () => {
    await Promise.allSettled([renderTable(patients), renderTable(alerts), renderSummary()]);
    updates += 1;
    const now = new Date();
    lastUpdate.dataset.updatedAt = now.toISOString();
    lastUpdate.dataset.event = kind;
    lastUpdate.dataset.updates = String(updates);
    lastUpdate.textContent = `updated ${now.toLocaleTimeString()} (${kind})`;
  })().finally(() => {
    running = null;
    if (again) {
      const next = again;
      again = null;
      update(next);
    }
  });
  return running;
}

function listen() {
  const source = new EventSource('/v1/ward/stream');
  let lost = false;
  source.addEventListener('open', () => {
    live.dataset.state = 'live';
    live.textContent = 'live';
    if (lost) update('reconnected');
    lost = false;
  });
  source.addEventListener('error', () => {
    lost = true;
    live.dataset.state = 'reconnecting';
    live.textContent = 'reconnecting…';
  });
  for (const kind of ['vitals', 'alerts', 'resync']) source.addEventListener(kind, () => update(kind));
  window.addEventListener('pagehide', () => source.close());
}

await start();
await renderSummary();
document.querySelector('form.filters')?.addEventListener('change', () => renderSummary());
listen();
