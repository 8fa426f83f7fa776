import HTTPTypes
import Hummingbird

extension Routes {
    /// `GET /admin`: a single self-contained page for operators (no external scripts or styles, so it works offline
    /// and under a strict CSP): engine figures, collections, and a search box, all read through the public JSON API.
    static func adminPage() -> RouteDefinition {
        // Open: the page holds no data; it asks for a key and reads the JSON API with it.
        RouteDefinition(.get, "/admin", nil, operation: "adminPage") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.contentSecurityPolicy] = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: AdminPage.bytes)))
        }
    }
}

/// The admin page's HTML. The page escapes every value it shows (ids and metadata are user data).
enum AdminPage {
    static let bytes = Array(html.utf8)

    static let html = """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>VectorLogic admin</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <style>
    body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#f6f7f9}
    h1{font-size:20px;margin:0 0 16px} h2{font-size:16px;margin:24px 0 8px}
    .cards{display:flex;flex-wrap:wrap;gap:12px} .card{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:10px 14px;min-width:120px}
    .card b{display:block;font-size:18px} table{border-collapse:collapse;background:#fff;width:100%}
    th,td{border:1px solid #dde1e7;padding:6px 8px;text-align:left;vertical-align:top} th{background:#eef1f5}
    textarea{width:100%;height:70px;font:12px monospace} .err{color:#b00020} .muted{color:#667}
    input,select,button{font:inherit;padding:4px 8px}
    </style></head><body>
    <h1>VectorLogic <span class="muted" id="status">…</span></h1>
    <label>API key (kept in this tab only) <input id="key" type="password" size="40" autocomplete="off"></label>
    <h2>Engine</h2><div class="cards" id="stats"></div>
    <h2>Collections</h2>
    <table><thead><tr><th>name</th><th>dimension</th><th>metric</th><th>index</th><th>vectors</th><th>deleted</th><th>segments</th><th>disk bytes</th></tr></thead>
    <tbody id="collections"></tbody></table>
    <h2>Search</h2>
    <p><select id="collection"></select> k <input id="k" type="number" value="10" min="1" max="1000" style="width:70px">
    filter (JSON, optional) <input id="filter" size="40" placeholder='{"persona_id":"p1"}'></p>
    <textarea id="vector" placeholder="[0.1, 0.2, …] — a vector of the collection's dimension"></textarea>
    <p><button id="go">Search</button> <span id="searchError" class="err"></span></p>
    <table><thead><tr><th>#</th><th>id</th><th>score</th><th>metadata</th></tr></thead><tbody id="matches"></tbody></table>
    <script>
    const $ = id => document.getElementById(id);
    const esc = s => String(s).replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
    $('key').value = sessionStorage.getItem('vlKey') || '';
    $('key').onchange = () => { sessionStorage.setItem('vlKey', $('key').value); refresh(); };
    async function api(path, body) {
      const headers = {'Accept': 'application/json'};
      if ($('key').value) headers['X-API-Key'] = $('key').value;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const r = await fetch(path, {method: body === undefined ? 'GET' : 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body)});
      const j = await r.json();
      if (j.status !== 'success') throw new Error(j.message || ('HTTP ' + r.status));
      return j.data;
    }
    async function refresh() {
      try {
        const s = await api('/v1/stats');
        $('status').textContent = s.writable ? 'ready' : 'read-only';
        const shown = ['collections','vectors','deleted','segments','memtable_vectors','unindexed_vectors','disk_bytes','mapped_bytes','resident_bytes','fsyncs','flushes','compactions','uptime_ms'];
        $('stats').innerHTML = shown.filter(k => k in s).map(k => `<div class="card"><span class="muted">${esc(k)}</span><b>${esc(Number(s[k]).toLocaleString())}</b></div>`).join('');
        const cs = await api('/v1/collections');
        const list = Array.isArray(cs) ? cs : (cs.collections || []);
        $('collections').innerHTML = list.map(c => `<tr><td>${esc(c.name)}</td><td>${esc(c.dimension)}</td><td>${esc(c.metric)}</td><td>${esc(JSON.stringify(c.index))}</td><td>${esc(c.vectors)}</td><td>${esc(c.deleted)}</td><td>${esc(c.segments)}</td><td>${esc(c.disk_bytes)}</td></tr>`).join('');
        const chosen = $('collection').value;
        $('collection').innerHTML = list.map(c => `<option${c.name === chosen ? ' selected' : ''}>${esc(c.name)}</option>`).join('');
      } catch (e) { $('status').textContent = e.message; }
    }
    $('go').onclick = async () => {
      $('searchError').textContent = '';
      try {
        const body = {vector: JSON.parse($('vector').value), k: Number($('k').value), include_metadata: true};
        if ($('filter').value.trim()) body.filter = JSON.parse($('filter').value);
        const d = await api('/v1/collections/' + encodeURIComponent($('collection').value) + '/search', body);
        $('matches').innerHTML = d.matches.map((m, i) => `<tr><td>${i + 1}</td><td>${esc(m.id)}</td><td>${esc(m.score)}</td><td><code>${esc(JSON.stringify(m.metadata))}</code></td></tr>`).join('');
      } catch (e) { $('searchError').textContent = e.message; }
    };
    refresh(); setInterval(refresh, 5000);
    </script></body></html>
    """
}
