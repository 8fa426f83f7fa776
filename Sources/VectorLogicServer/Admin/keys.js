// API keys (admin only): list, create (the secret is shown once, with a copy button), rotate, revoke.

import { api, seg } from './api.js';
import { el, replace, field, table, confirmAction, guarded, number, time } from './dom.js';

export function mount(container) {
  const list = el('div');
  const error = el('p', { class: 'error', id: 'keys-error', attrs: { role: 'alert' } });
  const secretBox = el('div', { id: 'secret-box' });

  function showSecret(record) {
    const value = el('input', { id: 'new-secret', readOnly: true, value: record.key, size: 72, spellcheck: false });
    const copy = el('button', { type: 'button', text: 'Copy', id: 'copy-secret' });
    const copied = el('small', { class: 'muted' });
    copy.addEventListener('click', async () => {
      value.select();
      try {
        await navigator.clipboard.writeText(record.key);
        copied.textContent = ' copied';
      } catch {
        copied.textContent = ' selected: press Ctrl+C';
      }
    });
    replace(secretBox, el('div', { class: 'panel secret' },
      el('p', {}, el('strong', { text: `Secret of “${record.name}”` }), ' — shown this once only: the server keeps only its hash.'),
      value, copy, copied,
      el('button', { type: 'button', text: 'Done', on: { click: () => replace(secretBox) } })));
  }

  async function refresh() {
    await guarded(null, error, async () => {
      const { data } = await api('GET', '/v1/keys');
      replace(list, table(['name', 'prefix', 'permissions', 'rate limit/min', 'created', 'expires', 'last used', 'active', ''],
        data.map(k => [k.name, el('code', { text: k.prefix }), k.permissions.join(', '), number(k.rate_limit_per_minute),
          time(k.created_at), time(k.expires_at), time(k.last_used), k.active ? 'yes' : 'revoked', k.active ? actions(k) : '']),
        { id: 'keys-table' }));
    });
  }

  function actions(record) {
    const rotate = el('button', { type: 'button', text: 'Rotate', attrs: { 'data-rotate': record.name } });
    const revoke = el('button', { type: 'button', class: 'danger', text: 'Revoke', attrs: { 'data-revoke': record.name } });
    rotate.addEventListener('click', async () => {
      if (!await confirmAction(`Rotate the key “${record.name}”? Its current secret stops working at once.`, 'Rotate')) return;
      await guarded(rotate, error, async () => {
        const { data } = await api('POST', `/v1/keys/${seg(record.id)}/rotate`);
        showSecret(data);
        await refresh();
      });
    });
    revoke.addEventListener('click', async () => {
      if (!await confirmAction(`Revoke the key “${record.name}”? Clients using it get 401 from now on.`, 'Revoke')) return;
      await guarded(revoke, error, async () => { await api('DELETE', `/v1/keys/${seg(record.id)}`); await refresh(); });
    });
    return el('span', { class: 'row' }, rotate, revoke);
  }

  const name = el('input', { id: 'new-key-name', required: true, placeholder: 'reporting' });
  const permissions = ['read', 'write', 'admin'].map(p => el('input', { type: 'checkbox', value: p, checked: p === 'read', id: `new-key-${p}` }));
  const rate = el('input', { id: 'new-key-rate', type: 'number', value: '1000' });
  const expires = el('input', { id: 'new-key-expires', type: 'number', placeholder: 'never' });
  const submit = el('button', { type: 'submit', text: 'Create key' });
  const createError = el('p', { class: 'error', id: 'new-key-error', attrs: { role: 'alert' } });
  const form = el('form', { class: 'panel inline', id: 'new-key' }, el('h3', { text: 'New key' }),
    field('Name', name),
    el('fieldset', {}, el('legend', { text: 'Permissions' }), permissions.map(box => el('label', {}, box, ` ${box.value}`))),
    field('Rate limit per minute', rate), field('Expires in days', expires), submit, createError);
  form.addEventListener('submit', event => {
    event.preventDefault();
    guarded(submit, createError, async () => {
      const body = { name: name.value, permissions: permissions.filter(b => b.checked).map(b => b.value), rate_limit_per_minute: Number(rate.value) };
      if (expires.value !== '') body.expires_in_days = Number(expires.value);
      const { data } = await api('POST', '/v1/keys', body);
      name.value = '';
      showSecret(data);
      await refresh();
    });
  });

  container.append(el('h2', { text: 'API keys' }), secretBox, error, list, form);
  refresh();
}
