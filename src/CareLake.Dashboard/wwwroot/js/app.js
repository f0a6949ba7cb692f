// The dashboard's shared page frame: navigation, API reads, filters, and the refresh of every chart and table.
import { renderChart } from './charts.js';
import { renderTable } from './tables.js';

export const pages = [
  ['/ward', 'Ward'],
  ['/analytics', 'Analytics'],
  ['/vitals', 'Vitals'],
  ['/quality', 'Data quality'],
  ['/operations', 'Operations'],
];

const filterNames = ['from', 'to', 'unit', 'condition'];

/** GET a JSON endpoint; a problem answer becomes an Error with the problem's detail. */
export async function apiGet(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
    throw new Error(`${url}: ${response.status} ${detail}`);
  }
  return response.json();
}

/** The page's current filters (from the address bar) as a query string to append to an API URL ('' or '?…' / '&…'). */
export function filterQuery(api) {
  const current = new URLSearchParams(location.search);
  const picked = new URLSearchParams();
  for (const name of filterNames) if (current.get(name)) picked.set(name, current.get(name));
  const query = picked.toString();
  return query ? (api.includes('?') ? '&' : '?') + query : '';
}

/** Renders every chart (figure.chart) and table (table.data) inside root, each independently. */
export async function refresh(root = document) {
  const work = [];
  for (const figure of root.querySelectorAll('figure.chart[data-api]')) work.push(renderChart(figure));
  for (const table of root.querySelectorAll('table.data[data-api]')) work.push(renderTable(table));
  await Promise.allSettled(work);
}

/** A filter form (form.filters, inputs named from/to/unit/condition; a form.filters.local is only styled like one): fills its choices, keeps the address bar in step, refreshes on change. */
async function wireFilters(form) {
  const current = new URLSearchParams(location.search);
  for (const input of form.elements) {
    if (!filterNames.includes(input.name)) continue;
    if (input.dataset.options) {
      try {
        const table = await apiGet(input.dataset.options);
        for (const [value, label] of table.rows) input.append(new Option(label ?? value, value));
      } catch (error) { showError(error); }
    }
    if (current.get(input.name)) input.value = current.get(input.name);
  }
  form.addEventListener('change', () => {
    const query = new URLSearchParams(location.search);
    for (const name of filterNames) {
      const input = form.elements[name];
      if (!input) continue;
      if (input.value) query.set(name, input.value); else query.delete(name);
    }
    history.replaceState(null, '', `${location.pathname}${query.toString() ? '?' + query : ''}`);
    refresh();
  });
  form.addEventListener('submit', event => event.preventDefault());
  form.querySelector('button[type=reset]')?.addEventListener('click', () => setTimeout(() => form.dispatchEvent(new Event('change'))));
}

export function showError(error) {
  console.warn(error);
  const box = document.getElementById('errors');
  if (!box) return;
  box.hidden = false;
  box.append(Object.assign(document.createElement('p'), { textContent: String(error.message || error) }));
}

export function formatValue(value, type) {
  if (value === null || value === undefined) return '—';
  if (type === 'timestamp') return new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  if (type === 'number') return Number.isInteger(value) ? value.toLocaleString() : Number(value).toLocaleString(undefined, { maximumFractionDigits: 2 });
  if (type === 'boolean') return value ? 'yes' : 'no';
  if (type === 'json') return JSON.stringify(value);
  return String(value);
}

function navigation() {
  const header = document.querySelector('header.site');
  if (!header) return;
  const nav = document.createElement('nav');
  nav.append(Object.assign(document.createElement('a'), { href: '/ward', className: 'brand', textContent: 'CareLake' }));
  for (const [href, label] of pages) {
    const link = Object.assign(document.createElement('a'), { href, textContent: label });
    if (location.pathname === href || (href === '/ward' && location.pathname.startsWith('/patients/'))) link.setAttribute('aria-current', 'page');
    nav.append(link);
  }
  nav.append(Object.assign(document.createElement('a'), { href: '/scalar', textContent: 'API', className: 'api' }));
  header.prepend(nav);
}

/** Every page starts here: the frame, its filters, then its charts and tables. A page module may run more after this resolves. */
export async function start() {
  navigation();
  const forms = [...document.querySelectorAll('form.filters:not(.local)')];
  await Promise.all(forms.map(wireFilters));
  await refresh();
  document.body.dataset.ready = 'true';
}
