// The admin console's shell: login and logout, the session's permissions, the page router and the live channel.

import { api, session, APIError } from './api.js';
import { el, replace } from './dom.js';
import { LiveChannel } from './live.js';
import * as dashboard from './dashboard.js';
import * as collections from './collections.js';
import * as personas from './personas.js';
import * as keys from './keys.js';
import * as snapshots from './snapshots.js';

const PAGES = { dashboard, collections, personas, keys, snapshots };
const ADMIN_ONLY = new Set(['keys', 'snapshots']);

const $ = id => document.getElementById(id);
const live = new LiveChannel();
let permissions = new Set();
let unmount = null;

const can = permission => permissions.has('admin') || permissions.has(permission);

function showLogin(message) {
  live.stop();
  if (unmount) { unmount(); unmount = null; }
  replace($('page'));
  $('page').hidden = true;
  $('nav').hidden = true;
  $('logout').hidden = true;
  $('banner').hidden = true;
  $('who').textContent = '';
  $('login').hidden = false;
  $('login-error').textContent = message ?? '';
  $('login-key').focus();
}

/** Asks the server what the key in sessionStorage may do; shows the console or the login. */
async function start() {
  let answer;
  try {
    answer = (await api('GET', '/v1/admin/session')).data;
  } catch (error) {
    session.clear();
    showLogin(error instanceof APIError && error.status === 401 ? error.message : `The server answered: ${error.message}`);
    return;
  }
  permissions = new Set(answer.permissions);
  $('login').hidden = true;
  $('nav').hidden = false;
  $('logout').hidden = !answer.auth;
  $('who').textContent = answer.key ? `${answer.key.name} (${answer.permissions.join(', ')})` : '';
  $('banner').hidden = answer.auth;
  $('banner').textContent = answer.auth ? '' : 'Authentication is off on this server: anyone who can reach it can do everything (start it with --auth on).';
  for (const link of document.querySelectorAll('#nav a')) link.hidden = link.dataset.needs !== undefined && !can(link.dataset.needs);
  live.start();
  route();
}

/** Shows the page named by the URL's fragment (#dashboard by default). */
function route() {
  if ($('login').hidden === false) return;
  let name = location.hash.replace(/^#/, '') || 'dashboard';
  if (!(name in PAGES) || (ADMIN_ONLY.has(name) && !can('admin'))) name = 'dashboard';
  if (unmount) { unmount(); unmount = null; }
  const container = $('page');
  replace(container);
  container.hidden = false;
  container.dataset.page = name;
  for (const link of document.querySelectorAll('#nav a')) link.classList.toggle('current', link.dataset.page === name);
  const result = PAGES[name].mount(container, { can, live });
  unmount = typeof result === 'function' ? result : null;
}

$('login-form').addEventListener('submit', event => {
  event.preventDefault();
  session.key = $('login-key').value.trim();
  $('login-key').value = '';
  start();
});

$('logout').addEventListener('click', () => {
  session.clear();
  showLogin('Logged out.');
});

window.addEventListener('hashchange', route);
window.addEventListener('vl-unauthorized', event => {
  session.clear();
  showLogin(event.detail || 'The API key is no longer valid: log in again.');
});

start();
