// The push channel: GET /v1/admin/live as Server-Sent Events, read with fetch() so that the key travels in a header
// (the browser's EventSource cannot send one). Reconnects by itself; keeps the last 5 minutes of frames for the chart.

import { headers } from './api.js';

const HISTORY_MS = 5 * 60 * 1000;

export class LiveChannel {
  constructor() {
    this.frames = [];          // the last 5 minutes, oldest first
    this.listeners = new Set();
    this.state = 'off';
    this.controller = null;
    this.retryTimer = null;
    this.failures = 0;
    this.indicator = document.getElementById('live');
    this.indicatorText = document.getElementById('live-text');
  }

  /** Calls `listener(frame)` on every frame; returns the unsubscribe function. */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start() {
    this.stop();
    this.running = true;
    this.connect();
  }

  stop() {
    this.running = false;
    clearTimeout(this.retryTimer);
    if (this.controller) this.controller.abort();
    this.controller = null;
    this.setState('off', 'Disconnected');
  }

  setState(state, text) {
    this.state = state;
    this.indicator.dataset.state = state;
    this.indicatorText.textContent = text;
  }

  async connect() {
    const controller = new AbortController();
    this.controller = controller;
    this.setState('connecting', 'Connecting…');
    let reason = 'Disconnected';
    try {
      const response = await fetch('/v1/admin/live', {
        headers: headers({ Accept: 'text/event-stream' }), cache: 'no-store', credentials: 'omit', signal: controller.signal,
      });
      if (response.status === 401) {
        window.dispatchEvent(new CustomEvent('vl-unauthorized', { detail: 'the API key is not valid' }));
        return;
      }
      if (!response.ok || !response.body) {
        let message = `HTTP ${response.status}`;
        try { message = (await response.json()).message ?? message; } catch { /* keep the status */ }
        reason = `Disconnected: ${message}`;
      } else {
        this.setState('on', 'Connected');
        this.failures = 0;
        await this.read(response.body.getReader());
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      reason = 'Disconnected';
    }
    if (this.controller !== controller || !this.running) return;
    this.failures += 1;
    this.setState('off', reason);
    // 1 s, 2 s, 4 s … at most 10 s between tries.
    this.retryTimer = setTimeout(() => this.connect(), Math.min(10_000, 1000 * 2 ** Math.min(this.failures - 1, 4)));
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        this.dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  dispatch(block) {
    let event = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (event !== 'figures' || data.length === 0) return;
    let frame;
    try { frame = JSON.parse(data.join('\n')); } catch { return; }
    this.frames.push(frame);
    const oldest = frame.timestamp_ms - HISTORY_MS;
    while (this.frames.length > 0 && this.frames[0].timestamp_ms < oldest) this.frames.shift();
    for (const listener of this.listeners) listener(frame);
  }
}
