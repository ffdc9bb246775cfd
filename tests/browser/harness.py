"""What the browser tests share: payledgerd on a fresh data dir, its API, a merchant's "shop"
on another origin, and checks that print what they saw."""
import base64
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

KEY = "sk_test_browser_0000001"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def start_payledgerd(binary, data_dir):
    """Starts payledgerd on an ephemeral port; returns (process, port)."""
    log = open(os.path.join(data_dir, "payledgerd.log"), "w+")
    proc = subprocess.Popen(
        [binary, "--data-dir", os.path.join(data_dir, "db"), "--listen", "127.0.0.1:0",
         "--bootstrap-key", KEY],
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        log.seek(0)
        m = re.search(r"listening on [\d.]+:(\d+)", log.read())
        if m:
            return proc, int(m.group(1))
        if proc.poll() is not None:
            raise SystemExit("payledgerd exited before listening")
        time.sleep(0.05)
    raise SystemExit("payledgerd did not start")


def api(port, method, path, body=None):
    """Calls the API with the merchant's key; returns the JSON answer."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    req.add_header("Authorization", "Basic " + base64.b64encode(f"{KEY}:".encode()).decode())
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def wait_for(condition, what, seconds=20):
    """Polls `condition` until it holds; fails naming `what` after `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out: " + what)


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print("ok:", what)


def serve(handler):
    """Serves `handler` on 127.0.0.1 (an ephemeral port) in a thread; returns the server."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=["--no-sandbox"])


def run(shop_handler, cases):
    """The test's main: argv is PAYLEDGERD OUTPUT_DIR. Starts the shop and payledgerd, then
    calls cases(browser, payledgerd_port, shop_port, out_dir) with a headless Chromium."""
    from playwright.sync_api import sync_playwright
    binary, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    shop = serve(shop_handler)
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_payledgerd(binary, tmp)
        try:
            with sync_playwright() as pw:
                browser = launch(pw)
                cases(browser, port, shop.server_address[1], out_dir)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            shop.shutdown()
    print("screenshots in", out_dir)
