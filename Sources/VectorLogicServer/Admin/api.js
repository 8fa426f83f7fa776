// The JSON API from the browser. The key lives in sessionStorage (this tab only, gone when it closes) and goes out
// only in the X-API-Key header: never in a URL, never in a cookie (`credentials: 'omit'`).

const STORAGE = 'vectorlogic.apiKey';

export const session = {
  get key() { return sessionStorage.getItem(STORAGE) ?? ''; },
  set key(value) { sessionStorage.setItem(STORAGE, value); },
  clear() { sessionStorage.removeItem(STORAGE); },
};

/** An error answer of the API: `message` is the API's own sentence. */
export class APIError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The headers of every API call. */
export function headers(extra = {}) {
  const result = { Accept: 'application/json', ...extra };
  if (session.key) result['X-API-Key'] = session.key;
  return result;
}

/** A 401 anywhere brings back the login page (app.js listens). */
function unauthorized(error) {
  window.dispatchEvent(new CustomEvent('vl-unauthorized', { detail: error.message }));
}

/** Calls the API; resolves to `{data, meta}` of the success envelope, throws APIError with the API's words. */
export async function api(method, path, body) {
  const init = { method, headers: headers(), cache: 'no-store', credentials: 'omit' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new APIError(0, 'network', `the server did not answer (${error.message})`);
  }
  let envelope = null;
  try { envelope = await response.json(); } catch { envelope = null; }
  if (envelope && envelope.status === 'success') return { data: envelope.data, meta: envelope.meta ?? {} };
  const error = envelope && envelope.status === 'error'
    ? new APIError(response.status, envelope.error, envelope.message, envelope.details)
    : new APIError(response.status, 'http', `HTTP ${response.status}`);
  if (response.status === 401) unauthorized(error);
  throw error;
}

/** A path segment, escaped. */
export function seg(value) {
  return encodeURIComponent(value);
}

/** Downloads `path` (sent with the key header) and hands the file to the browser as `filename`. */
export async function download(path, filename) {
  const response = await fetch(path, { headers: headers({ Accept: 'application/octet-stream' }), cache: 'no-store', credentials: 'omit' });
  if (!response.ok) {
    let error = new APIError(response.status, 'http', `HTTP ${response.status}`);
    try {
      const envelope = await response.json();
      error = new APIError(response.status, envelope.error, envelope.message, envelope.details);
    } catch { /* not JSON: keep the status */ }
    if (response.status === 401) unauthorized(error);
    throw error;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
