// Personas: the list beside a detail panel (create, edit, delete) and the persona's memories (newest first, add,
// search by vector or text, delete).

import { api, seg } from './api.js';
import { el, replace, field, table, json, confirmAction, guarded, parseJSON, number, time } from './dom.js';

const MEMORY_PAGE = 50;

export function mount(container, { can }) {
  const list = el('ul', { class: 'persona-list', id: 'persona-list' });
  const listError = el('p', { class: 'error', attrs: { role: 'alert' } });
  const detail = el('div', { class: 'detail', id: 'persona-detail' });
  let selectedID = null;

  async function refresh() {
    await guarded(null, listError, async () => {
      const { data } = await api('GET', '/v1/personas');
      replace(list, data.map(p => el('li', {},
        el('button', { type: 'button', class: p.id === selectedID ? 'link selected' : 'link', text: p.name,
          attrs: { 'data-persona': p.name }, on: { click: () => open(p.id) } }),
        el('small', { class: 'muted', text: ` ${number(p.memory_count)} memories${p.is_active ? '' : ', inactive'}` }))));
      if (data.length === 0) list.append(el('li', { class: 'muted', text: 'No personas yet.' }));
    });
  }

  const handlers = {
    saved: persona => open(persona.id, 'Saved.'),
    deleted: async () => { selectedID = null; replace(detail); await refresh(); },
  };

  async function open(id, note) {
    selectedID = id;
    const error = el('p', { class: 'error', attrs: { role: 'alert' } });
    await guarded(null, error, async () => {
      const { data } = await api('GET', `/v1/personas/${seg(id)}`);
      replace(detail, personaForm(data, can, handlers, note), memories(data, can));
    });
    if (error.textContent) replace(detail, error);
    await refresh();
  }

  const create = el('button', { type: 'button', id: 'new-persona', text: 'New persona', on: { click: () => {
    selectedID = null;
    replace(detail, personaForm(null, can, handlers));
  } } });
  container.append(el('h2', {}, 'Personas ', can('write') ? create : null),
    el('div', { class: 'split' }, el('div', {}, listError, list), detail));
  refresh();
}

function personaForm(persona, can, { saved, deleted }, note) {
  const editable = can('write');
  const input = (id, props) => el('input', { id, disabled: !editable, ...props });
  const name = input('persona-name', { value: persona?.name ?? '', required: true });
  const prompt = el('textarea', { id: 'persona-prompt', rows: 6, disabled: !editable, value: persona?.system_prompt ?? '' });
  const temperature = input('persona-temperature', { type: 'number', step: 'any', value: String(persona?.temperature ?? 0.7) });
  const maxTokens = input('persona-max-tokens', { type: 'number', value: String(persona?.max_tokens ?? 2048) });
  const memorySize = input('persona-memory-size', { type: 'number', value: String(persona?.max_memory_size ?? 1000) });
  const decay = input('persona-decay', { type: 'number', value: String(persona?.memory_decay_ms ?? 604800000) });
  const active = input('persona-active', { type: 'checkbox', checked: persona?.is_active ?? true });
  const error = el('p', { class: 'error', id: 'persona-error', attrs: { role: 'alert' } });
  const submit = el('button', { type: 'submit', text: persona ? 'Save' : 'Create persona', hidden: !editable });
  const remove = el('button', { type: 'button', class: 'danger', id: 'delete-persona', text: 'Delete persona', hidden: !editable || !persona });
  const form = el('form', { class: 'panel', id: 'persona-form' },
    el('h3', { text: persona ? `Persona ${persona.name}` : 'New persona' }),
    persona ? el('p', { class: 'muted', text: `id ${persona.id} · created ${time(persona.created_at)} · updated ${time(persona.updated_at)}` }) : null,
    field('Name', name), field('System prompt', prompt),
    el('div', { class: 'row' }, field('Temperature', temperature), field('Max tokens', maxTokens),
      field('Memory size', memorySize, 'most memories kept'), field('Memory decay (ms)', decay, '0: never')),
    field('Active', active), el('div', { class: 'row' }, submit, remove, el('span', { class: 'muted', id: 'persona-note', text: note ?? '' })),
    error);
  form.addEventListener('submit', event => {
    event.preventDefault();
    guarded(submit, error, async () => {
      const body = {
        name: name.value, system_prompt: prompt.value, temperature: Number(temperature.value), max_tokens: Number(maxTokens.value),
        max_memory_size: Number(memorySize.value), memory_decay_ms: Number(decay.value), is_active: active.checked,
      };
      const { data } = persona ? await api('PUT', `/v1/personas/${seg(persona.id)}`, body) : await api('POST', '/v1/personas', body);
      await saved(data);
    });
  });
  remove.addEventListener('click', async () => {
    if (!await confirmAction(`Delete the persona “${persona.name}” and its ${number(persona.memory_count)} memories? This cannot be undone.`,
      'Delete persona')) return;
    await guarded(remove, error, async () => { await api('DELETE', `/v1/personas/${seg(persona.id)}`); await deleted(); });
  });
  return form;
}

function memories(persona, can) {
  const base = `/v1/personas/${seg(persona.id)}/memories`;
  const body = el('tbody', { id: 'memory-rows' });
  const error = el('p', { class: 'error', id: 'memory-error', attrs: { role: 'alert' } });
  const more = el('button', { type: 'button', text: 'Load more', hidden: true });
  let cursor = null;

  function row(memory) {
    const remove = el('button', { type: 'button', class: 'danger small', text: 'Delete', attrs: { 'data-memory': memory.id } });
    remove.addEventListener('click', async () => {
      if (!await confirmAction(`Delete the memory “${memory.content.slice(0, 80)}”?`, 'Delete memory')) return;
      await guarded(remove, error, async () => { await api('DELETE', `${base}/${seg(memory.id)}`); await reload(); });
    });
    return el('tr', {}, el('td', { text: time(memory.timestamp) }), el('td', { class: 'content', text: memory.content }),
      el('td', {}, json(memory.context)), el('td', { text: memory.dimension ?? '—' }), el('td', {}, can('write') ? remove : null));
  }

  async function page(reset) {
    await guarded(more, error, async () => {
      const query = new URLSearchParams({ limit: String(MEMORY_PAGE) });
      if (!reset && cursor) query.set('cursor', cursor);
      const { data } = await api('GET', `${base}?${query}`);
      if (reset) body.replaceChildren();
      for (const memory of data.memories) body.append(row(memory));
      cursor = data.next_cursor;
      more.hidden = cursor === null;
    });
  }
  const reload = () => page(true);
  more.addEventListener('click', () => page(false));
  page(true);

  return el('section', { class: 'panel', id: 'memories' },
    el('h3', { text: 'Memories (newest first)' }),
    can('write') ? addMemoryForm(base, reload) : null,
    memorySearch(base),
    el('table', { id: 'memory-table' },
      el('thead', {}, el('tr', {}, ['added', 'content', 'context', 'dimension', ''].map(h => el('th', { text: h })))), body),
    more, error);
}

function addMemoryForm(base, reload) {
  const content = el('textarea', { id: 'memory-content', rows: 2, required: true });
  const context = el('input', { id: 'memory-context', placeholder: '{"type": "conversation"}' });
  const vector = el('input', { id: 'memory-vector', placeholder: '[0.1, 0.2, …] (optional)' });
  const submit = el('button', { type: 'submit', text: 'Add memory' });
  const error = el('p', { class: 'error', id: 'memory-add-error', attrs: { role: 'alert' } });
  const form = el('form', { class: 'inline', id: 'memory-form' },
    field('Content', content), field('Context (JSON)', context), field('Vector', vector), submit, error);
  form.addEventListener('submit', event => {
    event.preventDefault();
    guarded(submit, error, async () => {
      const body = { content: content.value };
      const parsedContext = parseJSON(context.value, 'the context', null);
      if (parsedContext !== null) body.context = parsedContext;
      const parsedVector = parseJSON(vector.value, 'the vector', null);
      if (parsedVector !== null) body.vector = parsedVector;
      await api('POST', base, body);
      content.value = '';
      await reload();
    });
  });
  return form;
}

function memorySearch(base) {
  const query = el('input', { id: 'memory-query', placeholder: '[0.1, 0.2, …] or text (text needs an embedding provider)' });
  const limit = el('input', { id: 'memory-limit', type: 'number', value: '5' });
  const threshold = el('input', { id: 'memory-threshold', type: 'number', step: 'any', value: '0.7' });
  const submit = el('button', { type: 'submit', text: 'Search memories' });
  const error = el('p', { class: 'error', id: 'memory-search-error', attrs: { role: 'alert' } });
  const results = el('div', { id: 'memory-results' });
  const form = el('form', { class: 'inline', id: 'memory-search' },
    field('Query', query), field('Limit', limit), field('Threshold', threshold), submit, error, results);
  form.addEventListener('submit', event => {
    event.preventDefault();
    guarded(submit, error, async () => {
      const text = query.value.trim();
      const body = { limit: Number(limit.value), threshold: Number(threshold.value) };
      if (text.startsWith('[')) body.vector = parseJSON(text, 'the vector');
      else body.query = text;
      const { data } = await api('POST', `${base}/search`, body);
      replace(results, table(['score', 'content', 'context'],
        data.matches.map(m => [number(m.score, 4), m.content, json(m.context)]), { id: 'memory-search-table' }));
    });
  });
  return form;
}
