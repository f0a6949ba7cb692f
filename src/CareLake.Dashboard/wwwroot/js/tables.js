// Tables filled from the API's table shape ({columns:[{name,type}], rows:[[…]]}).
// <table class="data" data-api="/v1/…" [data-filtered] [data-columns="a,b"] [data-link="/patients/{patient_id}"] [data-link-column="patient_id"]>
import { apiGet, filterQuery, formatValue, showError } from './app.js';

// The latest render asked of each table: when filters change twice quickly, an earlier answer arriving last is dropped.
const latest = new WeakMap();

export async function renderTable(table) {
  const api = table.dataset.api + ('filtered' in table.dataset ? filterQuery(table.dataset.api) : '');
  const request = {};
  latest.set(table, request);
  table.dataset.state = 'loading';
  try {
    const data = await apiGet(api);
    if (latest.get(table) !== request) return;
    fillTable(table, data);
  } catch (error) {
    if (latest.get(table) !== request) return;
    table.dataset.state = 'error';
    showError(error);
  }
}

export function fillTable(table, data) {
  const shown = table.dataset.columns ? table.dataset.columns.split(',') : data.columns.map(c => c.name);
  const index = shown.map(name => data.columns.findIndex(c => c.name === name));
  const thead = table.tHead ?? table.createTHead();
  thead.replaceChildren();
  const head = thead.insertRow();
  for (const name of shown) head.append(Object.assign(document.createElement('th'), { textContent: name.replaceAll('_', ' ') }));
  const body = table.tBodies[0] ?? table.createTBody();
  body.replaceChildren();
  for (const row of data.rows) {
    const tr = body.insertRow();
    index.forEach((i, k) => {
      const cell = tr.insertCell();
      const column = data.columns[i];
      const text = i < 0 ? '' : formatValue(row[i], column.type);
      if (column?.type === 'number') cell.className = 'num';
      if (table.dataset.link && shown[k] === (table.dataset.linkColumn ?? shown[0]) && row[i] !== null) {
        const href = table.dataset.link.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(row[data.columns.findIndex(c => c.name === name)]));
        cell.append(Object.assign(document.createElement('a'), { href, textContent: text }));
      } else {
        cell.textContent = text;
      }
    });
  }
  if (data.rows.length === 0) {
    const cell = body.insertRow().insertCell();
    cell.colSpan = shown.length;
    cell.className = 'empty';
    cell.textContent = 'Nothing to show';
  }
  table.dataset.rows = String(data.rows.length);
  table.dataset.state = 'rendered';
  // Pages that dress a table further (badges, sparklines, row ids) listen for this, with the answer as detail.
  table.dispatchEvent(new CustomEvent('rendered', { detail: data }));
}
