#!/usr/bin/env python3
"""The 3-D Secure challenge page in a real headless Chromium (Debian's), driven by Playwright.

Starts payledgerd on a fresh data dir and a small "shop" that the payment's return_url points
at. For each answer (complete, fail) it creates a 3-D Secure payment over the API, opens its
next_action.redirect_url, checks the page, clicks, lands on the shop with the payment id and
status in the query, and checks the payment through the API. Screenshots go to OUTPUT_DIR.

usage: three_d_secure_test.py PAYLEDGERD OUTPUT_DIR
"""
import http.server
import os
import re
import time
import urllib.parse

from harness import api, check, run


class Shop(http.server.BaseHTTPRequestHandler):
    """The merchant's return page: shows what the query says."""

    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        body = (f"<!doctype html><title>Shop</title><h1 id=\"back\">Back at the shop</h1>"
                f"<p id=\"payment\">{q.get('payment_id', [''])[0]}</p>"
                f"<p id=\"status\">{q.get('status', [''])[0]}</p>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def wait_for_status(port, payment_id, wanted, timeout_s=10):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        p = api(port, "GET", f"/v1/payments/{payment_id}")
        if p["status"] == wanted:
            return p
        time.sleep(0.02)
    raise AssertionError(f"{payment_id} did not reach {wanted}: {p['status']}")


def run_case(browser, port, shop_port, answer, out_dir):
    return_url = f"http://127.0.0.1:{shop_port}/done?order=42"
    created = api(port, "POST", "/v1/payments", {
        "amount": 4999, "currency": "eur", "description": "Order #42",
        "card": {"number": "4000000000003220", "exp_month": 12, "exp_year": 2030, "cvc": "123",
                 "holder_name": "Jenny Rosen"},
        "return_url": return_url})
    check(created["status"] == "pending", f"{answer}: created pending")
    started = time.time()
    p = wait_for_status(port, created["id"], "requires_action")
    print(f"processed to requires_action in {1000 * (time.time() - started):.0f} ms")
    url = p["next_action"]["redirect_url"]
    page = browser.new_page()
    page.goto(url)
    check(page.locator("#merchant").inner_text() == "Test merchant", "the page shows the merchant")
    check(page.locator("#amount").inner_text() == "49.99 EUR", "the page shows the amount")
    check("3220" in page.locator("#card").inner_text(), "the page shows the card's last4")
    check("4000000000003220" not in page.content(), "the page never shows the card number")
    page.screenshot(path=os.path.join(out_dir, f"challenge-{answer}.png"), full_page=True)
    page.click(f"#{answer}")
    page.wait_for_url(re.compile(rf"^http://127\.0\.0\.1:{shop_port}/done\?"))
    landed = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    wanted = "succeeded" if answer == "complete" else "failed"
    check(landed["order"] == ["42"], f"{answer}: the return_url's own query is kept")
    check(landed["payment_id"] == [p["id"]], f"{answer}: landed with the payment id")
    check(landed["status"] == [wanted], f"{answer}: landed with status {wanted}")
    check(page.locator("#status").inner_text() == wanted, f"{answer}: the shop shows {wanted}")
    page.screenshot(path=os.path.join(out_dir, f"returned-{answer}.png"), full_page=True)
    final = api(port, "GET", f"/v1/payments/{p['id']}")
    check(final["status"] == wanted, f"{answer}: the API says {wanted}")
    if answer == "fail":
        check(final["decline_code"] == "three_d_secure_failed", "fail: three_d_secure_failed")
    page.close()


def cases(browser, port, shop_port, out_dir):
    for answer in ("complete", "fail"):
        run_case(browser, port, shop_port, answer, out_dir)


if __name__ == "__main__":
    run(Shop, cases)
