"""The admin console in a real browser: Debian's headless Chromium driven by Selenium, against the real
`vectorlogic serve` started here on a free port of 127.0.0.1 with auth on.

Usage: python3 Tests/browser/admin_console.py PATH_TO_VECTORLOGIC [SCREENSHOT_DIR]
Screenshots of every page at 1280x800 go to SCREENSHOT_DIR (default docs/screenshots). Prints one PASS line per
check and a closing "N passed, M failed" line; exits non-zero on any failure.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ADMIN_KEY = "browser-test-admin-key-0123456789"
XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'

results = {"passed": 0, "failed": 0}


def check(condition, what):
    if condition:
        results["passed"] += 1
        print(f"PASS {what}", flush=True)
    else:
        results["failed"] += 1
        print(f"FAIL {what}", flush=True)
    return condition


class Server:
    """`vectorlogic serve` on a fresh data directory, stopped with SIGTERM."""

    def __init__(self, binary):
        self.work = tempfile.mkdtemp(prefix="vl-browser-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = dict(os.environ, VECTORLOGIC_ADMIN_KEY=ADMIN_KEY)
        self.process = subprocess.Popen(
            [binary, "serve", "--data-dir", os.path.join(self.work, "data"), "--port", str(self.port), "--auth", "on",
             "--default-dimension", "4", "--log-level", "warning", "--durability", "batch"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening on"):
            raise RuntimeError(f"server did not start: {line} {self.process.stderr.read()}")
        self.url = f"http://127.0.0.1:{self.port}"

    def call(self, method, path, body=None, key=ADMIN_KEY):
        headers = {"Accept": "application/json"}
        if key:
            headers["X-API-Key"] = key
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.work, ignore_errors=True)


class Console:
    """The browser, with the console's log and CSP violations collected."""

    def __init__(self, base, downloads):
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800",
                         "--hide-scrollbars", "--force-device-scale-factor=1"]:
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
        driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        self.driver = webdriver.Chrome(service=Service(driver_path), options=options)
        # The page itself is 1280x800 (the window's size would include the browser's own bars).
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        # Every CSP violation is recorded in the page (besides the console), before any page script runs.
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": """
            window.__violations = [];
            document.addEventListener('securitypolicyviolation',
              e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
        """})
        self.base = base
        self.wait = WebDriverWait(self.driver, 20, ignored_exceptions=[StaleElementReferenceException])

    def open(self, fragment=""):
        self.driver.get(f"{self.base}/admin{fragment}")

    def find(self, selector):
        return self.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, selector))

    def visible(self, selector):
        return self.wait.until(lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()), None))

    def text_of(self, selector):
        try:
            elements = self.driver.find_elements(By.CSS_SELECTOR, selector)
            return elements[0].text if elements else ""
        except StaleElementReferenceException:
            return ""

    def until(self, condition, timeout=20):
        try:
            # A page re-renders after each answer: an element found a moment ago may be gone; ask again.
            WebDriverWait(self.driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(lambda d: condition())
            return True
        except TimeoutException:
            return False

    def type(self, selector, text):
        element = self.visible(selector)
        element.clear()
        element.send_keys(text)

    def set_value(self, selector, text):
        """Sets a field's value in one step (long JSON typed key by key is slow) and tells the page it changed."""
        element = self.visible(selector)
        self.driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));", element, text)

    def click(self, selector):
        self.visible(selector).click()

    def go(self, page):
        self.click(f'#nav a[data-page="{page}"]')
        self.until(lambda: self.driver.find_element(By.ID, "page").get_attribute("data-page") == page)

    def confirm(self, expected_words):
        """Accepts the confirmation dialog; checks that it names what it is about."""
        dialog = self.visible("#confirm")
        text = self.text_of("#confirm-text")
        check(all(word in text for word in expected_words), f"the confirmation names {expected_words}: {text!r}")
        dialog.find_element(By.ID, "confirm-ok").click()
        self.until(lambda: not self.driver.find_element(By.ID, "confirm").is_displayed())

    def screenshot(self, folder, name):
        time.sleep(0.3)
        self.driver.save_screenshot(os.path.join(folder, name))

    def problems(self, allowed_statuses=()):
        """Console errors and CSP violations since the last call; network errors of `allowed_statuses` are expected."""
        found = []
        for entry in self.driver.get_log("browser"):
            message = entry.get("message", "")
            if entry.get("level") != "SEVERE" and "Content Security Policy" not in message:
                continue
            if entry.get("source") == "network" and any(f"status of {s}" in message for s in allowed_statuses):
                continue
            found.append(message)
        found += self.driver.execute_script("const v = window.__violations || []; window.__violations = []; return v;")
        return found

    def quit(self):
        self.driver.quit()


def clean(console, what, allowed_statuses=()):
    problems = console.problems(allowed_statuses)
    check(not problems, f"no console errors or CSP violations on {what}: {problems}")


def test_login(console, server, shots):
    console.open()
    console.visible("#login-key")
    console.screenshot(shots, "login.png")
    console.type("#login-key", "vdb_" + "0" * 64)
    console.click('#login-form button[type="submit"]')
    check(console.until(lambda: console.text_of("#login-error") == "the API key is not valid"),
          f"a wrong key is refused with the API's words: {console.text_of('#login-error')!r}")
    clean(console, "the login page", allowed_statuses=(401,))
    console.type("#login-key", ADMIN_KEY)
    console.click('#login-form button[type="submit"]')
    check(console.until(lambda: console.driver.find_element(By.ID, "page").get_attribute("data-page") == "dashboard"),
          "the admin key opens the dashboard")
    stored = console.driver.execute_script("return sessionStorage.getItem('vectorlogic.apiKey')")
    cookies = console.driver.get_cookies()
    check(stored == ADMIN_KEY and not cookies, "the key is in sessionStorage, and there is no cookie")


def test_dashboard(console, server, shots):
    check(console.until(lambda: console.find("#live").get_attribute("data-state") == "on"), "the live dot turns green")
    check(console.until(lambda: console.text_of('[data-figure="connections"]') not in ("", "—")), "figures arrive")
    stop = threading.Event()

    def searches():
        while not stop.is_set():
            server.call("POST", "/v1/collections/default/search", {"vector": [1, 0, 0, 0], "k": 3})
    threads = [threading.Thread(target=searches) for _ in range(2)]
    for thread in threads:
        thread.start()
    seen = set()
    try:
        def moved():
            seen.add(console.text_of('[data-figure="searches_per_s"]'))
            return any(v not in ("", "—", "0") for v in seen) and len(seen) >= 2
        check(console.until(moved, timeout=30), f"searches/s changes while searches are sent: {sorted(seen)}")
        check(console.until(lambda: console.text_of('[data-figure="requests_per_s"]') not in ("", "—", "0")),
              f"requests/s is above zero: {console.text_of('[data-figure=requests_per_s]')}")
        check(console.until(lambda: len(console.driver.find_elements(By.CSS_SELECTOR, "svg.chart path.line")) >= 3),
              "the charts draw their lines")
        time.sleep(3)
        console.screenshot(shots, "dashboard.png")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    clean(console, "the dashboard")


def test_collections(console, server, shots):
    console.go("collections")
    console.visible("#collections-table")
    # The API's validation message, shown as the API words it.
    status, answer = server.call("POST", "/v1/collections", {"name": "bad name!", "dimension": 4, "metric": "cosine", "index": {"type": "hnsw"}})
    console.type("#new-collection-name", "bad name!")
    console.type("#new-collection-dimension", "4")
    console.click('#new-collection button[type="submit"]')
    check(status == 400 and console.until(lambda: console.text_of("#new-collection-error") == answer["message"]),
          f"an invalid name shows the API's message: {console.text_of('#new-collection-error')!r}")
    clean(console, "the collections page (invalid create)", allowed_statuses=(400,))
    console.type("#new-collection-name", "docs")
    console.click('#new-collection button[type="submit"]')
    check(console.until(lambda: console.driver.find_elements(By.CSS_SELECTOR, '[data-collection="docs"]')), "the new collection is listed")
    console.click('[data-collection="docs"]')
    vectors = [
        {"id": "a", "values": [1, 0, 0, 0], "metadata": {"lang": "en", "note": XSS}},
        {"id": "b", "values": [0, 1, 0, 0], "metadata": {"lang": "de"}},
        {"id": "c", "values": [0.7, 0.7, 0, 0], "metadata": {"lang": "en"}},
    ]
    console.set_value("#upsert-vectors", json.dumps(vectors))
    console.click('#upsert-form button[type="submit"]')
    check(console.until(lambda: "3 vectors stored" in console.text_of("#upsert-done")), "vectors are added")
    console.set_value("#search-vector", "[1, 0.1, 0, 0]")
    console.type("#search-k", "3")
    console.click('#search-form button[type="submit"]')
    check(console.until(lambda: console.text_of("#search-table tbody tr:first-child td:nth-child(2)") == "a"),
          "the search shows the expected id first")
    console.set_value("#search-filter", '{"lang": "de"}')
    console.click('#search-form button[type="submit"]')
    check(console.until(lambda: console.text_of("#search-table tbody tr:first-child td:nth-child(2)") == "b"), "the filter applies")
    status, answer = server.call("POST", "/v1/collections/docs/search", {"query": "hello", "k": 3, "include_metadata": True})
    console.set_value("#search-vector", "hello")
    console.click('#search-form button[type="submit"]')
    check(status == 400 and console.until(lambda: console.text_of("#search-error") == answer["message"]),
          f"a text search without an embedding provider shows the API's message: {console.text_of('#search-error')!r}")
    clean(console, "the search playground (text query)", allowed_statuses=(400,))
    console.set_value("#search-vector", "[0, 1, 0, 0]")
    console.click('#search-form button[type="submit"]')
    check(console.until(lambda: console.text_of("#search-table tbody tr:first-child td:nth-child(2)") == "b"), "a vector search again")
    console.driver.execute_script("document.getElementById('browse-table').scrollIntoView()")
    check(console.until(lambda: "<img src=x onerror=" in console.text_of("#browse-table")),
          "metadata with <img onerror> shows as text in the browse table")
    check(not console.driver.find_elements(By.CSS_SELECTOR, "#page img, #page script"), "no element was made from the metadata")
    check(console.driver.execute_script("return window.__pwned === undefined"), "the metadata ran nothing")
    console.driver.execute_script("document.getElementById('collection-detail').scrollIntoView()")
    console.screenshot(shots, "collections.png")
    clean(console, "the collections page")
    # Drop, confirmed by name.
    server.call("POST", "/v1/collections", {"name": "scratch", "dimension": 2})
    console.go("dashboard")
    console.go("collections")
    console.click('[data-collection="scratch"]')
    console.click("#drop-collection")
    console.confirm(["scratch"])
    check(console.until(lambda: not console.driver.find_elements(By.CSS_SELECTOR, '[data-collection="scratch"]')), "a dropped collection leaves the list")
    check(server.call("GET", "/v1/collections/scratch")[0] == 404, "the drop reached the server")
    clean(console, "the collections page (drop)")


def test_personas(console, server, shots):
    console.go("personas")
    console.click("#new-persona")
    console.type("#persona-name", "helper")
    console.set_value("#persona-prompt", "You help. " + XSS)
    console.type("#persona-temperature", "0.3")
    console.click('#persona-form button[type="submit"]')
    check(console.until(lambda: console.driver.find_elements(By.CSS_SELECTOR, '[data-persona="helper"]')), "the new persona is listed")
    check(console.until(lambda: console.find("#persona-prompt").get_attribute("value").endswith(XSS)), "the prompt comes back as text")
    check(console.until(lambda: console.text_of("#persona-note") == "Saved."), "the new persona is saved")
    console.type("#persona-max-tokens", "512")
    console.driver.execute_script("document.getElementById('persona-note').textContent = ''")
    console.click('#persona-form button[type="submit"]')
    check(console.until(lambda: console.text_of("#persona-note") == "Saved."), "the edit is saved")
    check(console.until(lambda: any(p["name"] == "helper" and p["max_tokens"] == 512 and p["temperature"] == 0.3
                                    for p in server.call("GET", "/v1/personas")[1]["data"])), "an edit is saved")
    console.set_value("#memory-content", "remember the milk")
    console.set_value("#memory-vector", "[1, 0, 0]")
    console.click('#memory-form button[type="submit"]')
    check(console.until(lambda: "remember the milk" in console.text_of("#memory-rows")), "a memory is added and listed")
    console.set_value("#memory-query", "[0.9, 0.1, 0]")
    console.type("#memory-threshold", "0.5")
    console.click('#memory-search button[type="submit"]')
    check(console.until(lambda: "remember the milk" in console.text_of("#memory-search-table")), "the memory is found by vector")
    console.set_value("#memory-query", "milk")
    console.click('#memory-search button[type="submit"]')
    status, answer = server.call("POST", f"/v1/personas/{persona_id(server)}/memories/search", {"query": "milk"})
    check(console.until(lambda: console.text_of("#memory-search-error") == answer["message"]),
          f"a text query without an embedding provider shows the API's message: {console.text_of('#memory-search-error')!r}")
    console.driver.execute_script("window.scrollTo(0, 0)")
    console.screenshot(shots, "personas.png")
    clean(console, "the personas page", allowed_statuses=(400,))
    console.click("#memory-rows button[data-memory]")
    console.confirm(["remember the milk"])
    check(console.until(lambda: "remember the milk" not in console.text_of("#memory-rows")), "the memory is deleted")
    check(not console.driver.find_elements(By.CSS_SELECTOR, "#page img, #page script")
          and console.driver.execute_script("return window.__pwned === undefined"), "the persona prompt ran nothing")
    console.click("#delete-persona")
    console.confirm(["helper"])
    check(console.until(lambda: not console.driver.find_elements(By.CSS_SELECTOR, '[data-persona="helper"]')), "the persona is deleted")
    clean(console, "the personas page (deletes)")


def persona_id(server):
    return next(p["id"] for p in server.call("GET", "/v1/personas")[1]["data"] if p["name"] == "helper")


def test_keys(console, server, shots):
    console.go("keys")
    console.type("#new-key-name", "viewer")
    console.click('#new-key button[type="submit"]')
    check(console.until(lambda: console.find("#new-secret").get_attribute("value").startswith("vdb_")), "a new key's secret is shown once")
    first = console.find("#new-secret").get_attribute("value")
    check(server.call("GET", "/v1/collections", key=first)[0] == 200, "the new key works")
    console.click("#copy-secret")
    console.click('[data-rotate="viewer"]')
    console.confirm(["viewer"])
    check(console.until(lambda: console.find("#new-secret").get_attribute("value") not in ("", first)), "rotating shows a new secret")
    second = console.find("#new-secret").get_attribute("value")
    check(server.call("GET", "/v1/collections", key=first)[0] == 401, "the old secret is rejected after the rotation")
    check(server.call("GET", "/v1/collections", key=second)[0] == 200, "the new secret works")
    console.screenshot(shots, "keys.png")
    clean(console, "the keys page")
    return second


def test_snapshots(console, server, shots, downloads):
    console.go("snapshots")
    console.click("#take-snapshot")
    check(console.until(lambda: "sha256" in console.text_of("#snapshot-done"), timeout=60), "a snapshot is taken")
    check(console.until(lambda: console.driver.find_elements(By.CSS_SELECTOR, "[data-download]")), "it is listed")
    name = console.find("[data-download]").get_attribute("data-download")
    console.click("[data-download]")
    target = os.path.join(downloads, name)
    check(console.until(lambda: os.path.exists(target) and os.path.getsize(target) > 0, timeout=60), "the snapshot downloads")
    console.screenshot(shots, "snapshots.png")
    console.click(f'[data-delete="{name}"]')
    console.confirm([name])
    check(console.until(lambda: not console.driver.find_elements(By.CSS_SELECTOR, f'[data-download="{name}"]')), "the snapshot is deleted")
    clean(console, "the snapshots page")


def test_read_only_and_logout(console, server, shots, read_key):
    console.click("#logout")
    check(console.until(lambda: console.find("#login").is_displayed()), "logout brings back the login")
    check(console.driver.execute_script("return sessionStorage.getItem('vectorlogic.apiKey')") is None, "logout clears the key")
    console.type("#login-key", read_key)
    console.click('#login-form button[type="submit"]')
    check(console.until(lambda: console.driver.find_element(By.ID, "page").get_attribute("data-page") == "dashboard"), "a read key logs in")
    hidden = console.driver.execute_script(
        "return ['keys','snapshots'].every(p => document.querySelector(`#nav a[data-page=\"${p}\"]`).hidden)")
    check(hidden, "a read key sees no Keys or Snapshots page")
    console.go("collections")
    console.click('[data-collection="docs"]')
    console.visible("#search-form")
    check(not console.driver.find_elements(By.CSS_SELECTOR, "#new-collection, #upsert-form, #drop-collection"),
          "a read key sees no create, add or drop controls")
    console.screenshot(shots, "collections-read-only.png")
    clean(console, "the read-only pages")
    # The key is revoked elsewhere: the next call's 401 brings back the login with the API's words.
    key_id = next(k["id"] for k in server.call("GET", "/v1/keys")[1]["data"] if k["name"] == "viewer")
    server.call("DELETE", f"/v1/keys/{key_id}")
    console.go("personas")
    check(console.until(lambda: console.find("#login").is_displayed()), "a 401 brings back the login")
    check("revoked" in console.text_of("#login-error"), f"with the API's words: {console.text_of('#login-error')!r}")
    clean(console, "the login after a revoked key", allowed_statuses=(401,))


def main():
    binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ".build/debug/vectorlogic"
    shots = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.abspath("docs/screenshots")
    os.makedirs(shots, exist_ok=True)
    downloads = tempfile.mkdtemp(prefix="vl-downloads-")
    server = Server(binary)
    console = None
    started = time.time()
    try:
        console = Console(server.url, downloads)
        test_login(console, server, shots)
        test_dashboard(console, server, shots)
        test_collections(console, server, shots)
        test_personas(console, server, shots)
        read_key = test_keys(console, server, shots)
        test_snapshots(console, server, shots, downloads)
        test_read_only_and_logout(console, server, shots, read_key)
    except Exception as error:  # a step that could not run is a failure, with its reason
        check(False, f"the browser test ran to the end: {type(error).__name__}: {error}")
        if console:
            console.screenshot(shots, "failure.png")
    finally:
        if console:
            console.quit()
        server.stop()
        shutil.rmtree(downloads, ignore_errors=True)
    print(f"browser test took {time.time() - started:.0f} s; screenshots in {shots}")
    print(f"{results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
