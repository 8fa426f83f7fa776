// A line chart drawn as SVG by the page (no chart library): the last 5 minutes of some series of the live frames.

import { el, svg, clear, number } from './dom.js';

const WIDTH = 640;
const HEIGHT = 200;
const LEFT = 56;
const BOTTOM = 22;
const TOP = 8;
const WINDOW_MS = 5 * 60 * 1000;

/** The smallest of 1, 2, 5 × 10^n at or above `value` (a round top for the y axis). */
function niceCeiling(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export class LineChart {
  /** `series`: [{key, label, cls}] read from each frame; `unit` follows the axis numbers. */
  constructor(title, series, unit) {
    this.series = series;
    this.unit = unit;
    this.plot = svg('svg', { class: 'chart', attrs: { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': title } });
    this.element = el('figure', { class: 'chart-box' },
      el('figcaption', {}, el('strong', { text: title }), ' ',
        series.map(s => el('span', { class: `legend ${s.cls}`, text: s.label }))),
      this.plot);
  }

  /** Redraws from `frames` (oldest first). */
  update(frames) {
    clear(this.plot);
    const now = frames.length > 0 ? frames[frames.length - 1].timestamp_ms : Date.now();
    const start = now - WINDOW_MS;
    let top = 0;
    for (const frame of frames) for (const s of this.series) if (typeof frame[s.key] === 'number') top = Math.max(top, frame[s.key]);
    top = niceCeiling(top);
    const x = t => LEFT + (WIDTH - LEFT - 4) * (t - start) / WINDOW_MS;
    const y = v => TOP + (HEIGHT - TOP - BOTTOM) * (1 - v / top);
    for (const fraction of [0, 0.5, 1]) {
      const value = top * fraction;
      this.plot.append(
        svg('line', { class: 'grid', attrs: { x1: LEFT, x2: WIDTH - 4, y1: y(value), y2: y(value) } }),
        svg('text', { class: 'axis', text: `${number(value, value < 10 ? 1 : 0)} ${this.unit}`, attrs: { x: LEFT - 4, y: y(value) + 4, 'text-anchor': 'end' } }));
    }
    for (const [label, t] of [['−5 min', start], ['−2.5 min', start + WINDOW_MS / 2], ['now', now]]) {
      this.plot.append(svg('text', { class: 'axis', text: label, attrs: { x: x(t), y: HEIGHT - 6, 'text-anchor': t === start ? 'start' : t === now ? 'end' : 'middle' } }));
    }
    for (const s of this.series) {
      let path = '';
      let pen = 'M';
      for (const frame of frames) {
        const value = frame[s.key];
        if (typeof value !== 'number' || frame.timestamp_ms < start) { pen = 'M'; continue; }
        path += `${pen}${x(frame.timestamp_ms).toFixed(1)},${y(value).toFixed(1)}`;
        pen = 'L';
      }
      if (path) this.plot.append(svg('path', { class: `line ${s.cls}`, attrs: { d: path } }));
    }
  }
}
