import { apiGet, formatValue, showError, start } from './app.js';
import { renderChart } from './charts.js';
import { renderTable } from './tables.js';

const completenessTable = document.getElementById('completeness-table');
const completenessChart = document.getElementById('completeness-chart');
const completenessLatest = document.getElementById('completeness-latest');

/** Points the completeness chart and table at the chosen gold table. */
function chooseTable(name) {
  const query = `?table=${encodeURIComponent(name)}`;
  completenessChart.dataset.api = `/v1/quality/completeness${query}`;
  completenessLatest.dataset.api = `/v1/quality/completeness/latest${query}`;
}

async function completenessChoices() {
  const tables = await apiGet('/v1/quality/completeness/tables');
  for (const [value, label] of tables.rows) completenessTable.append(new Option(label, value));
  if (tables.rows.length === 0) {
    completenessChart.replaceWith(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'No gold run has been measured yet.' }));
    completenessLatest.remove();
    return;
  }
  chooseTable(tables.rows.find(([value]) => value === 'fact_encounter')?.[0] ?? tables.rows[0][0]);
  completenessTable.value = new URLSearchParams(completenessChart.dataset.api.split('?')[1]).get('table');
  completenessTable.addEventListener('change', () => {
    chooseTable(completenessTable.value);
    renderChart(completenessChart);
    renderTable(completenessLatest);
  });
}

async function quarantineChoices() {
  const select = document.getElementById('quarantine-reason');
  const records = document.getElementById('quarantine-records');
  const reasons = await apiGet('/v1/quality/quarantine/reasons');
  const column = reasons.columns.findIndex(c => c.name === 'reason');
  const layer = reasons.columns.findIndex(c => c.name === 'layer');
  for (const reason of new Set(reasons.rows.filter(r => r[layer] === 'silver').map(r => r[column]))) select.append(new Option(reason, reason));
  select.addEventListener('change', () => {
    records.dataset.api = `/v1/quality/quarantine?limit=100${select.value ? `&reason=${encodeURIComponent(select.value)}` : ''}`;
    renderTable(records);
  });
}

async function latestRun() {
  const runs = await apiGet('/v1/quality/runs?limit=1');
  const box = document.getElementById('latest-run');
  box.replaceChildren();
  if (runs.rows.length === 0) {
    box.append(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'No data-quality run yet: run `carelake dq`.' }));
    return;
  }
  const row = runs.rows[0];
  const at = name => row[runs.columns.findIndex(c => c.name === name)];
  const cards = [['Last run', formatValue(at('started_at'), 'timestamp')], ['Checks', at('checks')], ['Passed', at('passed')],
    ['Warned', at('warned')], ['Failed', at('failed')], ['Quarantined', at('quarantined')]];
  for (const [label, value] of cards) {
    const card = Object.assign(document.createElement('div'), { className: 'card' });
    card.append(Object.assign(document.createElement('div'), { className: 'label', textContent: label }),
      Object.assign(document.createElement('div'), { className: 'value', textContent: typeof value === 'number' ? value.toLocaleString() : value }));
    box.append(card);
  }
}

/** With ?result=ID, the failing rows of that check result. */
async function failures() {
  const id = new URLSearchParams(location.search).get('result');
  if (!id || !/^\d+$/.test(id)) return;
  const section = document.getElementById('failures');
  section.hidden = false;
  const result = await apiGet(`/v1/quality/results/${id}`);
  const at = name => result.rows[0]?.[result.columns.findIndex(c => c.name === name)];
  document.getElementById('failures-title').textContent = `Failing rows of ${at('suite')} · ${at('check_name')}`;
  document.getElementById('failures-detail').textContent =
    `${at('status')} (${at('severity')}) — ${formatValue(at('failing_rows'), 'number')} failing rows in ${at('table_name')}; ${at('message') ?? ''}`;
  const rows = document.getElementById('failure-rows');
  rows.dataset.api = `/v1/quality/results/${id}/failures?limit=1000`;
  rows.className = 'data';
  await renderTable(rows);
}

try {
  await Promise.all([completenessChoices(), quarantineChoices()]);
} catch (error) {
  showError(error);
}
await start();
await Promise.allSettled([latestRun(), failures()]);
