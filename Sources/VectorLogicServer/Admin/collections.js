// Collections: list, create, drop (confirmed by name), browse vectors page by page, add vectors, search playground.

import { api, seg } from './api.js';
import { el, replace, field, table, json, confirmAction, guarded, parseJSON, number, bytes } from './dom.js';

const PAGE = 50;

export function mount(container, { can }) {
  const list = el('div', { class: 'list' });
  const listError = el('p', { class: 'error', attrs: { role: 'alert' } });
  const detail = el('div', { class: 'detail' });
  let selected = null;

  async function refresh() {
    await guarded(null, listError, async () => {
      const { data } = await api('GET', '/v1/collections');
      const rows = data.map(c => [
        el('button', { class: 'link', text: c.name, attrs: { 'data-collection': c.name }, on: { click: () => select(c) } }),
        number(c.dimension), c.metric, c.index?.type ?? '', number(c.vectors), number(c.deleted), number(c.segments),
        number(c.memtable_vectors), bytes(c.disk_bytes),
      ]);
      replace(list, table(['name', 'dimension', 'metric', 'index', 'vectors', 'deleted', 'segments', 'memtable', 'disk'], rows,
        { id: 'collections-table' }));
      if (selected && !data.some(c => c.name === selected)) { selected = null; replace(detail); }
    });
  }

  function select(collection) {
    selected = collection.name;
    replace(detail, collectionDetail(collection, can, async () => { selected = null; replace(detail); await refresh(); }, refresh));
  }

  container.append(
    el('h2', {}, 'Collections ', el('button', { type: 'button', text: 'Refresh', on: { click: refresh } })),
    listError, list,
    can('admin') ? createForm(refresh) : null,
    detail);
  refresh();
}

function createForm(refresh) {
  const name = el('input', { id: 'new-collection-name', required: true, placeholder: 'docs' });
  const dimension = el('input', { id: 'new-collection-dimension', type: 'number', value: '384' });
  const metric = el('select', { id: 'new-collection-metric' }, ['cosine', 'dot', 'euclidean'].map(m => el('option', { text: m, value: m })));
  const index = el('select', { id: 'new-collection-index' }, ['hnsw', 'flat'].map(m => el('option', { text: m, value: m })));
  const error = el('p', { class: 'error', id: 'new-collection-error', attrs: { role: 'alert' } });
  const submit = el('button', { type: 'submit', text: 'Create collection' });
  const form = el('form', { class: 'panel inline', id: 'new-collection' },
    el('h3', { text: 'New collection' }), field('Name', name), field('Dimension', dimension), field('Metric', metric),
    field('Index', index), submit, error);
  form.addEventListener('submit', event => {
    event.preventDefault();
    guarded(submit, error, async () => {
      // The API validates: its message is shown as it words it.
      await api('POST', '/v1/collections', {
        name: name.value, dimension: Number(dimension.value), metric: metric.value, index: { type: index.value },
      });
      name.value = '';
      await refresh();
    });
  });
  return form;
}

function collectionDetail(collection, can, dropped, refresh) {
  const name = collection.name;
  const path = `/v1/collections/${seg(name)}`;
  const error = el('p', { class: 'error', attrs: { role: 'alert' } });
  const drop = el('button', { type: 'button', class: 'danger', id: 'drop-collection', text: 'Drop collection' });
  drop.addEventListener('click', async () => {
    if (!await confirmAction(`Drop the collection “${name}” and its ${number(collection.vectors)} vectors? This cannot be undone.`, `Drop ${name}`)) return;
    await guarded(drop, error, async () => { await api('DELETE', path); await dropped(); });
  });
  const vectors = browser(path);
  return el('section', { class: 'panel', id: 'collection-detail' },
    el('h3', {}, `Collection ${name} `, el('small', { class: 'muted', text: `${collection.dimension} dimensions, ${collection.metric}` }),
      ' ', can('admin') ? drop : null),
    error,
    el('div', { class: 'columns' },
      searchPlayground(path, collection),
      can('write') ? upsertForm(path, async () => { await refresh(); await vectors.reload(); }) : null),
    vectors.element);
}

function browser(path) {
  const body = el('tbody');
  const status = el('p', { class: 'muted' });
  const error = el('p', { class: 'error', attrs: { role: 'alert' } });
  const more = el('button', { type: 'button', text: 'Load more', id: 'browse-more' });
  const sentinel = el('div', { class: 'sentinel' });
  let cursor = null;
  let done = false;
  let loading = null;
  let shown = 0;

  async function load() {
    if (done) return;
    if (loading) { await loading; return; }
    loading = fetchPage();
    await loading;
    loading = null;
  }

  async function fetchPage() {
    await guarded(more, error, async () => {
      const { data } = await api('POST', `${path}/scroll`, { limit: PAGE, cursor });
      for (const vector of data.vectors) body.append(el('tr', {}, el('td', { text: vector.id }), el('td', {}, json(vector.metadata))));
      shown += data.vectors.length;
      cursor = data.next_cursor;
      done = cursor === null;
      status.textContent = `${number(shown)} vectors shown${done ? ' (all)' : ''}`;
      more.hidden = done;
    });
  }

  /** Starts again from the first page (after vectors were added). */
  async function reload() {
    if (loading) await loading;
    cursor = null;
    done = false;
    shown = 0;
    body.replaceChildren();
    await load();
  }
  // Scrolling to the end of the table loads the next page.
  const observer = new IntersectionObserver(entries => { if (entries.some(e => e.isIntersecting)) load(); });
  observer.observe(sentinel);
  more.addEventListener('click', load);
  load();
  const element = el('div', { class: 'browse' },
    el('h4', { text: 'Vectors' }),
    el('table', { id: 'browse-table' }, el('thead', {}, el('tr', {}, el('th', { text: 'id' }), el('th', { text: 'metadata' }))), body),
    sentinel, status, more, error);
  return { element, reload };
}

function searchPlayground(path, collection) {
  const vector = el('textarea', { id: 'search-vector', rows: 3,
    placeholder: `[0.1, 0.2, …] (${collection.dimension} numbers), or text when an embedding provider is configured` });
  const filter = el('input', { id: 'search-filter', placeholder: '{"lang": "en"}' });
  const k = el('input', { id: 'search-k', type: 'number', value: '10', min: '1', max: '1000' });
  const ef = el('input', { id: 'search-ef', type: 'number', placeholder: 'default' });
  const threshold = el('input', { id: 'search-threshold', type: 'number', step: 'any', placeholder: 'none' });
  const submit = el('button', { type: 'submit', text: 'Search' });
  const error = el('p', { class: 'error', id: 'search-error', attrs: { role: 'alert' } });
  const results = el('div', { id: 'search-results' });
  const form = el('form', { class: 'panel', id: 'search-form' }, el('h4', { text: 'Search' }),
    field('Vector or text', vector), field('Filter (JSON, optional)', filter),
    el('div', { class: 'row' }, field('k', k), field('ef', ef), field('Threshold', threshold)), submit, error, results);
  form.addEventListener('submit', event => {
    event.preventDefault();
    guarded(submit, error, async () => {
      const text = vector.value.trim();
      // A vector is a JSON array; anything else is a text query, which the API answers only with an embedding provider.
      const body = text.startsWith('[') ? { vector: parseJSON(text, 'the vector') } : { query: text };
      Object.assign(body, { k: Number(k.value), include_metadata: true });
      const parsedFilter = parseJSON(filter.value, 'the filter', null);
      if (parsedFilter !== null) body.filter = parsedFilter;
      if (ef.value !== '') body.ef = Number(ef.value);
      if (threshold.value !== '') body.threshold = Number(threshold.value);
      const { data } = await api('POST', `${path}/search`, body);
      replace(results,
        el('p', { class: 'muted', text: `${data.matches.length} ${data.matches.length === 1 ? 'match' : 'matches'} in ${number(data.query_time_ms, 3)} ms` }),
        table(['#', 'id', 'score', 'metadata'],
          data.matches.map((m, i) => [String(i + 1), m.id, number(m.score, 4), json(m.metadata)]), { id: 'search-table' }));
    });
  });
  return form;
}

function upsertForm(path, refresh) {
  const input = el('textarea', { id: 'upsert-vectors', rows: 5, placeholder: '[{"id": "a", "values": [1, 0, 0], "metadata": {"lang": "en"}}]' });
  const submit = el('button', { type: 'submit', text: 'Add vectors' });
  const error = el('p', { class: 'error', id: 'upsert-error', attrs: { role: 'alert' } });
  const done = el('p', { class: 'muted', id: 'upsert-done' });
  const form = el('form', { class: 'panel', id: 'upsert-form' }, el('h4', { text: 'Add vectors' }),
    field('Vectors (JSON array)', input), submit, error, done);
  form.addEventListener('submit', event => {
    event.preventDefault();
    done.textContent = '';
    guarded(submit, error, async () => {
      const vectors = parseJSON(input.value, 'the vectors');
      const { data } = await api('POST', `${path}/vectors`, { vectors: Array.isArray(vectors) ? vectors : [vectors] });
      done.textContent = `${number(data.upserted ?? data.count ?? 0)} vectors stored`;
      await refresh();
    });
  });
  return form;
}
