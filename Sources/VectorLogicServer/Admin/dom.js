// DOM helpers. Every value reaches the page as text (textContent, createTextNode) or as an attribute set by name:
// nothing is ever parsed as HTML, so a `<script>` in metadata or a persona prompt shows as the characters it is.

const SVG = 'http://www.w3.org/2000/svg';

/** An element: `props` may hold class, text, attrs {name: value}, on {event: handler}, and any DOM property. */
export function el(tag, props = {}, ...children) {
  return build(document.createElement(tag), props, children);
}

/** An SVG element (same props as `el`). */
export function svg(tag, props = {}, ...children) {
  return build(document.createElementNS(SVG, tag), props, children);
}

function build(node, props, children) {
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null) continue;
    if (name === 'class') node.setAttribute('class', value);
    else if (name === 'text') node.textContent = String(value);
    else if (name === 'attrs') for (const [a, v] of Object.entries(value)) { if (v !== undefined && v !== null && v !== false) node.setAttribute(a, v === true ? '' : String(v)); }
    else if (name === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else node[name] = value;
  }
  append(node, children);
  return node;
}

/** Appends nodes and strings (as text); null and false are skipped, arrays are flattened. */
export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Removes every child. */
export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/** Replaces the children of `node`. */
export function replace(node, ...children) {
  return append(clear(node), children);
}

/** A labelled form field. */
export function field(label, input, hint) {
  return el('label', { class: 'field' }, el('span', { text: label }), input, hint ? el('small', { class: 'muted', text: hint }) : null);
}

/** A table with a header row; `rows` are arrays of cells (nodes or text). */
export function table(headers, rows, props = {}) {
  return el('table', props,
    el('thead', {}, el('tr', {}, headers.map(h => el('th', { text: h })))),
    el('tbody', {}, rows.map(cells => el('tr', {}, cells.map(c => el('td', {}, c))))));
}

/** Metadata or any JSON value as preformatted text. */
export function json(value) {
  return el('code', { class: 'json', text: value === undefined ? '' : JSON.stringify(value) });
}

/** Asks before a destructive action: resolves true when confirmed. `message` is shown as text. */
export function confirmAction(message, action = 'Confirm') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = message;
  document.getElementById('confirm-ok').textContent = action;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise(resolve => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

/** Runs `work` with `button` disabled; an error's message goes into `errorNode` exactly as the API worded it. */
export async function guarded(button, errorNode, work) {
  if (errorNode) errorNode.textContent = '';
  if (button) button.disabled = true;
  try {
    return await work();
  } catch (error) {
    if (errorNode) errorNode.textContent = error.message;
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

/** Parses a JSON text typed by the operator; `what` names it in the error. Empty text gives `fallback`. */
export function parseJSON(text, what, fallback) {
  if (text.trim() === '' && fallback !== undefined) return fallback;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${error.message}`);
  }
}

const numberFormat = new Intl.NumberFormat('en');

/** 12,345 (or — for null). */
export function number(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return numberFormat.format(Number(Number(value).toFixed(digits)));
}

/** 1.2 MB. */
export function bytes(value) {
  if (value === null || value === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = Number(value);
  let unit = 0;
  while (v >= 1000 && unit < units.length - 1) { v /= 1000; unit += 1; }
  return `${v.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** A date from epoch milliseconds. */
export function time(ms) {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
