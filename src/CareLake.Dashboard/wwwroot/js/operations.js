// Operations: the shared charts and tables, plus summary cards read from the same endpoints.
import { apiGet, refresh, showError, start } from './app.js';

const number = value => (value ?? 0).toLocaleString();

function column(table, name) {
  return table.rows.map(row => row[table.columns.findIndex(c => c.name === name)]);
}

const sum = values => values.reduce((total, v) => total + (v ?? 0), 0);

async function summary() {
  const [broker, sources, kafka, mllp] = await Promise.all([
    apiGet('/v1/operations/kafka/broker'),
    apiGet('/v1/operations/sources'),
    apiGet('/v1/operations/kafka'),
    apiGet('/v1/operations/mllp-connections'),
  ]);
  const status = document.getElementById('broker-status');
  status.textContent = broker.status.replaceAll('_', ' ');
  status.dataset.status = broker.status;
  document.getElementById('broker-detail').textContent = broker.status === 'reachable'
    ? `${broker.brokers} brokers · ${broker.topics} topics · ${broker.partitions} partitions`
    : broker.error ?? '';
  document.getElementById('batches-24h').textContent = number(sum(column(sources, 'batches')));
  document.getElementById('messages-24h').textContent = number(sum(column(sources, 'messages')));
  document.getElementById('quarantined-24h').textContent = number(sum(column(sources, 'quarantined')));
  const lags = column(kafka, 'lag').filter(v => v !== null);
  document.getElementById('kafka-lag').textContent = lags.length ? number(sum(lags)) : '—';
  document.getElementById('mllp-open').textContent = number(column(mllp, 'state').filter(s => s === 'open').length);
}

async function update() {
  await Promise.allSettled([refresh(), summary().catch(showError)]);
}

await start();
await summary().catch(showError);
document.getElementById('refresh').addEventListener('click', update);
let timer = null;
document.getElementById('auto-refresh').addEventListener('change', event => {
  clearInterval(timer);
  timer = event.target.checked ? setInterval(update, 15_000) : null;
});
