// Dashboard: the live figures as cards and two charts (latency; throughput) over the last 5 minutes.

import { el, number, bytes } from './dom.js';
import { LineChart } from './chart.js';

const CARDS = [
  ['connections', 'Active connections', v => number(v)],
  ['requests_per_s', 'Requests/s', v => number(v, 1)],
  ['searches_per_s', 'Searches/s', v => number(v, 1)],
  ['p50_ms', 'p50 latency', v => v === null ? '—' : `${number(v, 2)} ms`],
  ['p99_ms', 'p99 latency', v => v === null ? '—' : `${number(v, 2)} ms`],
  ['ingest_vectors_per_s', 'Ingest vectors/s', v => number(v, 1)],
  ['cpu_percent', 'CPU (% of one core)', v => v === null ? '—' : `${number(v, 1)} %`],
  ['rss_bytes', 'Memory (RSS)', v => bytes(v)],
  ['memory_percent', 'Memory (% of machine)', v => v === null ? '—' : `${number(v, 2)} %`],
  ['disk_bytes', 'Disk', v => bytes(v)],
  ['fsyncs_per_s', 'fsyncs/s', v => number(v, 1)],
  ['memtable_rows', 'Memtable rows', v => number(v)],
  ['segments', 'Segments', v => number(v)],
  ['flushes_running', 'Flushes running', v => number(v)],
  ['compactions_running', 'Compactions running', v => number(v)],
  ['rate_limited_per_s', 'Rate-limited/s', v => number(v, 1)],
  ['auth_failed_per_s', 'Auth failures/s', v => number(v, 1)],
  ['vectors', 'Vectors', v => number(v)],
];

export function mount(container, { live }) {
  const values = new Map();
  const cards = el('div', { class: 'cards' }, CARDS.map(([key, label]) => {
    const value = el('b', { text: '—', attrs: { 'data-figure': key } });
    values.set(key, value);
    return el('div', { class: 'card' }, el('span', { class: 'muted', text: label }), value);
  }));
  const latency = new LineChart('Latency', [
    { key: 'p50_ms', label: 'p50', cls: 's1' }, { key: 'p99_ms', label: 'p99', cls: 's2' }], 'ms');
  const throughput = new LineChart('Throughput', [
    { key: 'requests_per_s', label: 'requests/s', cls: 's1' }, { key: 'searches_per_s', label: 'searches/s', cls: 's2' },
    { key: 'ingest_vectors_per_s', label: 'ingest vectors/s', cls: 's3' }], '/s');
  const note = el('p', { class: 'muted', text: 'One frame a second from /v1/admin/live: the figures of /metrics over the last second.' });
  container.append(el('h2', { text: 'Dashboard' }), cards, el('div', { class: 'charts' }, latency.element, throughput.element), note);

  const show = () => {
    const frame = live.frames[live.frames.length - 1];
    if (frame) for (const [key, , format] of CARDS) values.get(key).textContent = format(frame[key] ?? null);
    latency.update(live.frames);
    throughput.update(live.frames);
  };
  show();
  return live.subscribe(show);
}
