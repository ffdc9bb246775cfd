#!/usr/bin/env python3
"""Checkout Sessions' pages in a real headless Chromium (Debian's), driven by Playwright.

Starts payledgerd on a fresh data dir and a "shop" on another origin that success_url,
cancel_url and return_url point at, and that mounts the embedded checkout. Each case creates a
session over the API, fills the page as a customer would (by the labels a screen reader reads),
lands on the shop and checks the session, its PaymentIntent and its Order over the API.
Screenshots of every page go to OUTPUT_DIR.

usage: checkout_test.py PAYLEDGERD OUTPUT_DIR
"""
import http.server
import os
import re
import urllib.parse

from harness import api, check, run

PORTS = {}


class Shop(http.server.BaseHTTPRequestHandler):
    """The merchant: a success page that shows its query, and a page embedding the checkout."""

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        if url.path == "/embed":
            secret = q["secret"][0]
            body = (f"<!doctype html><title>Shop checkout</title><h1>Shop</h1>"
                    f"<div id=\"checkout\"></div>"
                    f"<script src=\"http://127.0.0.1:{PORTS['payledgerd']}/checkout/embed.js\">"
                    f"</script><script>PayledgerCheckout.mount('#checkout', "
                    f"{{clientSecret: '{secret}'}});</script>")
        else:
            body = (f"<!doctype html><title>Shop</title><h1 id=\"back\">Back at the shop</h1>"
                    f"<p id=\"path\">{url.path}</p>"
                    f"<p id=\"session\">{q.get('session_id', [''])[0]}</p>")
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class Case:
    def __init__(self, browser, port, shop_port, out_dir):
        self.browser, self.port, self.shop, self.out = browser, port, shop_port, out_dir
        self.shop_url = f"http://127.0.0.1:{shop_port}"

    def shot(self, page, name):
        page.screenshot(path=os.path.join(self.out, f"{name}.png"), full_page=True)

    def price(self, name, amount, shippable=False):
        product = api(self.port, "POST", "/v1/products", {"name": name, "shippable": shippable})
        return api(self.port, "POST", "/v1/prices",
                   {"product": product["id"], "currency": "usd", "unit_amount": amount})["id"]

    def session(self, body):
        body.setdefault("success_url", f"{self.shop_url}/success?session_id={{CHECKOUT_SESSION_ID}}")
        body.setdefault("cancel_url", f"{self.shop_url}/cart")
        return api(self.port, "POST", "/v1/checkout/sessions", body)

    def get(self, path):
        return api(self.port, "GET", path)


def fill_card(form, number, email="jenny@example.com"):
    form.get_by_label("Email").fill(email)
    form.get_by_label("Name on card").fill("Jenny Rosen")
    form.get_by_label("Card number").fill(number)
    form.get_by_label("Expiry (MM / YY)").fill("12 / 30")
    form.get_by_label("CVC").fill("123")


def landed_on_success(c, page, session_id):
    page.wait_for_url(re.compile(rf"^{re.escape(c.shop_url)}/success\?"))
    check(page.locator("#session").inner_text() == session_id,
          "success_url's {CHECKOUT_SESSION_ID} became the session's id")


def payment_mode(c, lamp, notebook):
    cs = c.session({"mode": "payment", "line_items": [{"price": lamp, "quantity": 2},
                                                      {"price": notebook, "quantity": 1}]})
    page = c.browser.new_page()
    page.goto(cs["url"])
    check(page.locator("#merchant").inner_text() == "Test merchant", "the page names the merchant")
    rows = page.locator("#line-items tr.item")
    check(rows.count() == 2, "both line items are listed")
    check("Qty 2" in rows.nth(0).inner_text() and "50.00 USD" in rows.nth(0).inner_text(),
          "a line shows its quantity and amount")
    check(page.locator("#total").inner_text() == "60.00 USD", "the total is shown")
    for label, token in (("Email", "email"), ("Name on card", "cc-name"),
                         ("Card number", "cc-number"), ("Expiry (MM / YY)", "cc-exp"),
                         ("CVC", "cc-csc")):
        check(page.get_by_label(label).get_attribute("autocomplete") == token,
              f"'{label}' is labelled and autocompletes as {token}")
    check(page.locator("#cancel").get_attribute("href") == f"{c.shop_url}/cart",
          "a link goes back to cancel_url")
    check(page.locator("#test-cards").count() == 1, "the test cards are listed")
    c.shot(page, "hosted-payment")
    # A decline first: the page says why and keeps the form; then a good card.
    fill_card(page, "4000 0000 0000 0002")
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    page.wait_for_selector("#error")
    check("declined" in page.locator("#error").inner_text(), "a decline is shown on the page")
    check(page.get_by_label("Email").input_value() == "jenny@example.com",
          "the form keeps what was typed, but the card")
    check(page.get_by_label("Card number").input_value() == "" and
          "4000 0000 0000 0002" not in page.content(), "the card number is not sent back")
    c.shot(page, "hosted-declined")
    check(c.get(f"/v1/checkout/sessions/{cs['id']}")["status"] == "open",
          "a declined session stays open")
    fill_card(page, "4242 4242 4242 4242")
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    landed_on_success(c, page, cs["id"])
    c.shot(page, "hosted-success")
    done = c.get(f"/v1/checkout/sessions/{cs['id']}")
    check(done["status"] == "complete" and done["payment_status"] == "paid", "the session is paid")
    pi = c.get(f"/v1/payment_intents/{cs['payment_intent']}")
    check(pi["status"] == "succeeded" and pi["amount_received"] == 6000,
          "its PaymentIntent received the total")
    page.goto(cs["url"])
    check(page.locator("h1").inner_text() == "Payment complete",
          "a completed session shows that instead of a form")
    check(page.locator("#checkout-form").count() == 0, "no form on a completed session")
    c.shot(page, "hosted-completed")
    page.close()


def three_d_secure(c, lamp):
    cs = c.session({"mode": "payment", "line_items": [{"price": lamp, "quantity": 1}]})
    page = c.browser.new_page()
    page.goto(cs["url"])
    fill_card(page, "4000000000003220")
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    page.wait_for_url(re.compile(r"/authenticate\?"))
    check(page.locator("#amount").inner_text() == "25.00 USD", "the challenge shows the amount")
    c.shot(page, "hosted-3ds-challenge")
    page.click("#complete-auth")
    landed_on_success(c, page, cs["id"])
    check(c.get(f"/v1/checkout/sessions/{cs['id']}")["status"] == "complete",
          "3-D Secure passed: the session is complete")
    page.close()


def order_mode(c, lamp, desk):
    cs = c.session({
        "mode": "order",
        "line_items": [{"price": desk, "quantity": 1}, {"price": lamp, "quantity": 1}],
        "shipping_options": [
            {"name": "Standard Shipping", "amount": 500, "currency": "usd",
             "delivery_estimate": {"minimum": {"unit": "business_day", "value": 5},
                                   "maximum": {"unit": "business_day", "value": 7}}},
            {"name": "Express Shipping", "amount": 1500, "currency": "usd",
             "delivery_estimate": {"minimum": {"unit": "business_day", "value": 1},
                                   "maximum": {"unit": "business_day", "value": 2}}}],
        "shipping_address_collection": {"allowed_countries": ["US", "CA", "GB"]}})
    page = c.browser.new_page()
    page.goto(cs["url"])
    check(page.locator("#total").inner_text() == "529.00 USD", "standard shipping by default")
    page.get_by_label(re.compile("^Express Shipping")).check()
    check(page.locator("#total").inner_text() == "539.00 USD", "the total follows the choice")
    check(page.get_by_role("button", name=re.compile("^Pay ")).inner_text() == "Pay 539.00 USD",
          "the Pay button follows the choice")
    countries = page.get_by_label("Country").locator("option").all_inner_texts()
    check(countries == ["US", "CA", "GB"], "the country list is the allowed one")
    for label, token in (("Full name", "shipping name"), ("Address", "shipping address-line1"),
                         ("City", "shipping address-level2"), ("Postal code", "shipping postal-code"),
                         ("Country", "shipping country")):
        check(page.get_by_label(label, exact=True).get_attribute("autocomplete") == token,
              f"'{label}' autocompletes as {token}")
    page.get_by_label("Full name").fill("Jenny Rosen")
    page.get_by_label("Address", exact=True).fill("1 Main St")
    page.get_by_label("City").fill("Toronto")
    page.get_by_label("Postal code").fill("M5V 2T6")
    page.get_by_label("Country").select_option("CA")
    fill_card(page, "4242424242424242")
    c.shot(page, "hosted-order")
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    landed_on_success(c, page, cs["id"])
    done = c.get(f"/v1/checkout/sessions/{cs['id']}")
    check(done["amount_total"] == 53900, "the session's total has express shipping")
    order = c.get(f"/v1/orders/{done['order']}")
    check(order["shipping_cost"]["shipping_rate"]["display_name"] == "Express Shipping",
          "the order records the express option")
    check(order["shipping_cost"]["amount_total"] == 1500, "the order records the shipping cost")
    check(order["shipping_details"]["address"]["city"] == "Toronto" and
          order["shipping_details"]["address"]["country"] == "CA", "the order records the address")
    check(order["amount_total"] == 53900, "the order's total is what was paid")
    page.close()


def embedded(c, lamp):
    cs = c.session({"mode": "payment", "ui_mode": "embedded", "success_url": None,
                    "cancel_url": None, "line_items": [{"price": lamp, "quantity": 1}],
                    "return_url": f"{c.shop_url}/return?session_id={{CHECKOUT_SESSION_ID}}"})
    page = c.browser.new_page()
    page.goto(f"{c.shop_url}/embed?secret={urllib.parse.quote(cs['client_secret'])}")
    frame = page.frame_locator("iframe")
    frame.get_by_label("Email").wait_for()
    check(frame.locator("#total").inner_text() == "25.00 USD", "the embedded form shows the total")
    fill_card(frame, "4242424242424242")
    c.shot(page, "embedded")
    frame.get_by_role("button", name=re.compile("^Pay ")).click()
    page.wait_for_url(re.compile(rf"^{re.escape(c.shop_url)}/return\?"))
    check(page.locator("#session").inner_text() == cs["id"], "the shop went on to return_url")
    check(c.get(f"/v1/checkout/sessions/{cs['id']}")["status"] == "complete",
          "the embedded session is complete")
    c.shot(page, "embedded-returned")
    page.close()


def expired(c, lamp):
    cs = c.session({"mode": "payment", "line_items": [{"price": lamp, "quantity": 1}]})
    api(c.port, "POST", f"/v1/checkout/sessions/{cs['id']}/expire", {})
    page = c.browser.new_page()
    page.goto(cs["url"])
    check(page.locator("#expired").count() == 1, "an expired session says so")
    check(page.locator("#checkout-form").count() == 0, "no form on an expired session")
    c.shot(page, "hosted-expired")
    page.close()


def cases(browser, port, shop_port, out_dir):
    PORTS["payledgerd"] = port
    c = Case(browser, port, shop_port, out_dir)
    lamp = c.price("Desk Lamp", 2500)
    desk = c.price("Ergonomic Standing Desk", 49900, shippable=True)
    notebook = c.price("Notebook", 1000)
    payment_mode(c, lamp, notebook)
    three_d_secure(c, lamp)
    order_mode(c, lamp, desk)
    embedded(c, lamp)
    expired(c, lamp)


if __name__ == "__main__":
    run(Shop, cases)
