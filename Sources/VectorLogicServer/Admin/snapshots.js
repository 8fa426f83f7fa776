// Snapshots (admin only): take, list, download, delete.

import { api, seg, download } from './api.js';
import { el, replace, table, confirmAction, guarded, bytes, time } from './dom.js';

export function mount(container) {
  const list = el('div');
  const error = el('p', { class: 'error', id: 'snapshots-error', attrs: { role: 'alert' } });
  const done = el('p', { class: 'muted', id: 'snapshot-done' });
  const take = el('button', { type: 'button', id: 'take-snapshot', text: 'Take snapshot' });

  async function refresh() {
    await guarded(null, error, async () => {
      const { data } = await api('GET', '/v1/snapshots');
      replace(list, table(['name', 'size', 'created', ''],
        data.map(s => [el('code', { text: s.name }), bytes(s.bytes), time(s.created_at), actions(s)]), { id: 'snapshots-table' }));
    });
  }

  function actions(snapshot) {
    const get = el('button', { type: 'button', text: 'Download', attrs: { 'data-download': snapshot.name } });
    const remove = el('button', { type: 'button', class: 'danger', text: 'Delete', attrs: { 'data-delete': snapshot.name } });
    get.addEventListener('click', () => guarded(get, error, () => download(`/v1/snapshots/${seg(snapshot.name)}`, snapshot.name)));
    remove.addEventListener('click', async () => {
      if (!await confirmAction(`Delete the snapshot “${snapshot.name}”?`, 'Delete snapshot')) return;
      await guarded(remove, error, async () => { await api('DELETE', `/v1/snapshots/${seg(snapshot.name)}`); await refresh(); });
    });
    return el('span', { class: 'row' }, get, remove);
  }

  take.addEventListener('click', async () => {
    done.textContent = 'Taking a snapshot…';
    const made = await guarded(take, error, async () => (await api('POST', '/v1/snapshots')).data);
    done.textContent = made ? `Snapshot ${made.name}: ${bytes(made.bytes)}, sha256 ${made.sha256}` : '';
    if (made) await refresh();
  });

  container.append(el('h2', {}, 'Snapshots ', take), done, error, list,
    el('p', { class: 'muted', text: 'A download goes through this page (the key is a header, not a link), so it is held in memory until saved.' }));
  refresh();
}
