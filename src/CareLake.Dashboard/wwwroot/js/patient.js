// One patient (/patients/{patient_id}[?source=…]): the header, vitals over time, alerts, encounters, diagnoses and labs.
// An unknown patient: the API answers 404 and the page says so (main[data-state=not-found]). The vitals, header and
// alerts follow GET /v1/ward/stream while the page is open.
import { formatValue, showError, start } from './app.js';
import { renderTable } from './tables.js';
import { renderChart } from './charts.js';

const main = document.querySelector('main');
const patientId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const source = new URLSearchParams(location.search).get('source');
const api = path => `/v1/patients/${encodeURIComponent(patientId)}${path}${source ? `?source=${encodeURIComponent(source)}` : ''}`;

for (const element of document.querySelectorAll('[data-path]')) element.dataset.api = api(element.dataset.path);

/** The header; false when the patient is unknown. */
async function renderHeader() {
  const header = document.getElementById('patient-header');
  const response = await fetch(api(''), { headers: { Accept: 'application/json' } });
  if (response.status === 404) return false;
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
    header.dataset.state = 'error';
    showError(new Error(`${api('')}: ${response.status} ${detail}`));
    return true;
  }
  const data = await response.json();
  const row = data.rows[0];
  const value = name => row[data.columns.findIndex(c => c.name === name)];
  const type = name => data.columns.find(c => c.name === name)?.type;
  const show = (field, text) => { header.querySelector(`[data-field="${field}"] .value`).textContent = text; };
  show('patient_id', value('patient_id'));
  show('name', value('name') ?? '—');
  show('sex', value('sex') ?? '—');
  show('age', value('age') === null ? '—' : `${value('age')}${value('death_date') ? ' (deceased)' : ''}`);
  show('location', value('in_house') ? [value('unit'), value('room'), value('bed')].filter(Boolean).join(' · ') || '—' : 'not in house');
  show('encounter_id', value('encounter_id') ? `${value('encounter_id')} (${value('encounter_class') ?? '—'})` : '—');
  show('admitted_at', value('admitted_at') ? `${formatValue(value('admitted_at'), type('admitted_at'))} · ${formatValue(value('days_in_house'), 'number')} d` : '—');
  const news2 = header.querySelector('[data-field="news2"] .value');
  news2.replaceChildren();
  if (value('news2_score') !== null) {
    news2.append(`${value('news2_score')} `, Object.assign(document.createElement('span'), { className: `band ${value('news2_band')}`, textContent: value('news2_band') }));
  } else {
    news2.textContent = '—';
  }
  header.dataset.news2 = value('news2_score') ?? '';
  document.getElementById('patient-title').textContent = `${value('name') ?? 'Patient'} · ${value('patient_id')}`;
  document.title = `${value('name') ?? value('patient_id')} · CareLake`;
  header.dataset.rendered = JSON.stringify(row);
  header.dataset.state = 'rendered';
  return true;
}

function followChanges() {
  const stream = new EventSource('/v1/ward/stream');
  let running = false;
  const update = async kind => {
    if (running) return;
    running = true;
    try {
      const work = [renderHeader()];
      for (const figure of document.querySelectorAll('figure.chart')) work.push(renderChart(figure));
      if (kind !== 'vitals') work.push(renderTable(document.getElementById('patient-alerts')));
      await Promise.allSettled(work);
    } finally {
      running = false;
    }
  };
  for (const kind of ['vitals', 'alerts', 'resync']) stream.addEventListener(kind, () => update(kind));
  window.addEventListener('pagehide', () => stream.close());
}

let known = true;
try {
  known = await renderHeader();
} catch (error) {
  showError(error);
}
if (!known) {
  document.getElementById('patient-view').remove();
  document.getElementById('missing-id').textContent = patientId;
  document.getElementById('not-found').hidden = false;
  document.getElementById('patient-title').textContent = 'Patient not found';
  main.dataset.state = 'not-found';
  await start();
} else {
  await start();
  main.dataset.state = 'rendered';
  followChanges();
}
