"""The whole API as a merchant's Python code sees it: Stripe's Python SDK (pinned by
tests/webhooks/setup.sh) with its default settings but the base URL, against the payledgerd
binary on a fresh data dir. PaymentIntents (create, update, retrieve, confirm, capture, cancel,
auto-paginated lists both ways), refunds, customers, products, prices, Checkout Sessions (line
items paged, expire), the Events list (auto-paginated, filtered by type), a webhook endpoint
whose real deliveries `stripe.Webhook.construct_event` verifies (and refuses when tampered or
signed with another secret), the SDK's own retries after a dropped connection (a proxy in this
test closes the connection after payledgerd answered; the retry carries the same
Idempotency-Key and gets the same object), and each error class with its fields.

Every check expects what Stripe answers, except where docs/api.md documents payledger's own
choice (the seeds win over Stripe): those checks say so and cite the section. A failed check is
recorded and the suite goes on, so a run lists every difference; it ends with a one-line summary
and the exit status is 1 if any check failed.

Usage: python_sdk_test.py PAYLEDGERD"""
import collections
import gzip
import http.server
import json
import os
import socket
import sys
import tempfile
import threading
import time
import traceback
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser"))
from harness import KEY, api, serve, start_payledgerd  # noqa: E402

import stripe  # noqa: E402

FAILED = []
PASSED = [0]


def expect(condition, what, got=None):
    """Records a check; a failure is printed with what was seen and the suite goes on."""
    if condition:
        PASSED[0] += 1
        print("ok:", what)
    else:
        line = what + ("" if got is None else f" (got {got!r})")
        print("FAIL:", line)
        FAILED.append(line)
    return condition


def section(name, fn, *args):
    """Runs one part of the suite; an exception fails that part only."""
    print(f"--- {name}")
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001 - any SDK or assertion error fails the section
        traceback.print_exc()
        FAILED.append(f"{name}: {type(e).__name__}: {e}")
        print(f"FAIL: {name} raised {type(e).__name__}: {e}")


def has(obj, key):
    return key in obj


class Missing:
    def __repr__(self):
        return "<missing>"


MISSING = Missing()


def field(obj, key):
    """obj[key], or MISSING (shown as <missing>) when the answer lacks the field."""
    return obj[key] if key in obj else MISSING


def raises(cls, call):
    """Calls `call`; returns the exception of class `cls` it raised, or None (recorded)."""
    try:
        call()
    except cls as e:
        return e
    except stripe.StripeError as e:
        expect(False, f"{cls.__name__} raised", f"{type(e).__name__} {e.http_status} {e.json_body}")
        return None
    expect(False, f"{cls.__name__} raised", "no error")
    return None


# What the suite did, for the Events check: (type, data.object.id) pairs in Stripe's names.
EXPECTED_EVENTS = collections.Counter()
PAYMENT_INTENTS = []  # every PaymentIntent the suite made, oldest first
SESSION_INTENTS = set()  # PaymentIntents payledger made with a Checkout Session (Stripe: none)


def happened(event_type, object_id):
    EXPECTED_EVENTS[(event_type, object_id)] += 1


def made_intent(pi):
    PAYMENT_INTENTS.append(pi.id)
    happened("payment_intent.created", pi.id)


LATEST_CHARGE_MISSING = []  # intents with a charge but no latest_charge


def charge_of(c, pi):
    """The PaymentIntent's latest charge, as Stripe's SDK user reads it (latest_charge); when
    the answer lacks it, noted (checked once, at the end) and found through the charges list."""
    latest = field(pi, "latest_charge")
    if isinstance(latest, str) and latest.startswith("ch_"):
        return c.v1.charges.retrieve(latest)
    LATEST_CHARGE_MISSING.append(pi.id)
    charges = c.v1.charges.list(params={"payment_intent": pi.id}).data
    return charges[0] if charges else None


# --- PaymentIntents -----------------------------------------------------------------------

def payment_intents(c):
    pi = c.v1.payment_intents.create(params={
        "amount": 2000, "currency": "usd", "description": "sdk suite",
        "metadata": {"order_ref": "A-1"}})
    made_intent(pi)
    expect(pi.object == "payment_intent" and pi.id.startswith("pi_"), "create: a pi_ object")
    expect(pi.status == "requires_payment_method", "create: requires_payment_method", pi.status)
    expect((pi.amount, pi.currency, pi.metadata["order_ref"]) == (2000, "usd", "A-1"),
           "create: amount, currency, metadata")
    expect(pi.client_secret.startswith(pi.id + "_secret_"), "create: client_secret",
           pi.client_secret)
    expect(pi.livemode is False and isinstance(pi.created, int), "create: livemode, created")

    up = c.v1.payment_intents.update(pi.id, params={
        "amount": 2500, "description": "changed", "metadata": {"step": "2"}})
    expect(up.amount == 2500 and up.description == "changed", "update: amount, description")
    expect(up.metadata.to_dict() == {"order_ref": "A-1", "step": "2"}, "update: metadata merged",
           up.metadata.to_dict())
    got = c.v1.payment_intents.retrieve(pi.id)
    expect((got.id, got.amount, got.description) == (pi.id, 2500, "changed"),
           "retrieve: the updated intent")

    done = c.v1.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_visa"})
    happened("payment_intent.succeeded", pi.id)
    expect(done.status == "succeeded", "confirm pm_card_visa: succeeded", done.status)
    expect(done.amount_received == 2500 and done.amount_capturable == 0,
           "confirm: amount_received 2500", (done.amount_received, done.amount_capturable))
    expect(isinstance(done.payment_method, str) and done.payment_method.startswith("pm_"),
           "confirm: payment_method is a pm_ id", done.payment_method)
    ch = charge_of(c, done)
    if ch is not None:
        happened("charge.succeeded", ch.id)
        expect((ch.object, ch.amount, ch.captured, ch.status, ch.payment_intent)
               == ("charge", 2500, True, "succeeded", pi.id), "the charge: captured, succeeded",
               (ch.object, ch.amount, ch.captured, ch.status))
        expect(field(ch, "paid") is True, "the charge: paid", field(ch, "paid"))
    again = raises(stripe.InvalidRequestError, lambda: c.v1.payment_intents.confirm(
        pi.id, params={"payment_method": "pm_card_visa"}))
    if again:
        expect(again.code == "payment_intent_unexpected_state",
               "confirm of a succeeded intent: payment_intent_unexpected_state", again.code)

    # Manual capture, in part.
    m = c.v1.payment_intents.create(params={
        "amount": 5000, "currency": "eur", "capture_method": "manual",
        "payment_method": "pm_card_visa", "confirm": True})
    made_intent(m)
    happened("payment_intent.amount_capturable_updated", m.id)
    expect(m.status == "requires_capture", "manual: requires_capture", m.status)
    expect((m.amount_capturable, m.amount_received) == (5000, 0),
           "manual: amount_capturable 5000, received 0", (m.amount_capturable, m.amount_received))
    mch = charge_of(c, m)
    if mch is not None:
        happened("charge.succeeded", mch.id)
        expect(mch.captured is False and mch.status == "succeeded",
               "manual: the charge is authorized, not captured")
    cap = c.v1.payment_intents.capture(m.id, params={"amount_to_capture": 3000})
    happened("payment_intent.succeeded", m.id)
    if mch is not None:
        happened("charge.captured", mch.id)
    expect(cap.status == "succeeded" and cap.amount_received == 3000
           and cap.amount_capturable == 0, "capture 3000 of 5000: succeeded, received 3000",
           (cap.status, cap.amount_received, cap.amount_capturable))
    if mch is not None:
        mch = c.v1.charges.retrieve(mch.id)
        expect(mch.captured is True and mch.amount_captured == 3000,
               "the charge: captured 3000", (mch.captured, mch.amount_captured))

    # Cancel: an authorization (released) and an intent never confirmed.
    a = c.v1.payment_intents.create(params={
        "amount": 1500, "currency": "usd", "capture_method": "manual",
        "payment_method": "pm_card_visa", "confirm": True})
    made_intent(a)
    happened("payment_intent.amount_capturable_updated", a.id)
    happened("payment_intent.canceled", a.id)
    ach = charge_of(c, a)
    if ach is not None:
        happened("charge.succeeded", ach.id)
    canceled = c.v1.payment_intents.cancel(a.id, params={
        "cancellation_reason": "requested_by_customer"})
    expect(canceled.status == "canceled" and canceled.cancellation_reason
           == "requested_by_customer" and isinstance(canceled.canceled_at, int),
           "cancel an authorization: canceled, reason, canceled_at")
    expect(canceled.amount_capturable == 0, "cancel: amount_capturable 0",
           canceled.amount_capturable)
    b = c.v1.payment_intents.create(params={"amount": 700, "currency": "usd"})
    made_intent(b)
    happened("payment_intent.canceled", b.id)
    cb = c.v1.payment_intents.cancel(b.id, params={"cancellation_reason": "abandoned"})
    expect(cb.status == "canceled" and cb.cancellation_reason == "abandoned",
           "cancel an unconfirmed intent")
    twice = raises(stripe.InvalidRequestError, lambda: c.v1.payment_intents.cancel(b.id))
    if twice:
        expect(twice.code == "payment_intent_unexpected_state" and twice.http_status == 400,
               "cancel twice: 400 payment_intent_unexpected_state", (twice.http_status, twice.code))


def pagination(c):
    before = [p.id for p in c.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()]
    batch = []
    for i in range(25):
        pi = c.v1.payment_intents.create(params={
            "amount": 100 + i, "currency": "usd", "metadata": {"batch": "paging", "i": str(i)}})
        made_intent(pi)
        batch.append(pi.id)
    first = c.v1.payment_intents.list(params={"limit": 10})
    expect(len(first.data) == 10 and first.has_more is True, "the first page: 10, has_more")
    expect(first.url == "/v1/payment_intents", "the list's url", first.url)
    seen = [p.id for p in first.auto_paging_iter()]
    expect(len(seen) == len(set(seen)), "auto_paging_iter (limit=10): no intent twice")
    expect(seen == list(reversed(batch)) + before,
           f"auto_paging_iter: all {len(seen)} intents, newest first",
           (len(seen), len(batch) + len(before)))
    # The global API pages the same way.
    stripe_ids = [p.id for p in stripe.PaymentIntent.list(limit=10).auto_paging_iter()]
    expect(stripe_ids == seen, "stripe.PaymentIntent.list(limit=10).auto_paging_iter(): the same")
    # Backwards from the oldest of the batch: the SDK walks ending_before, oldest first.
    back = [p.id for p in c.v1.payment_intents.list(params={
        "limit": 10, "ending_before": batch[0]}).auto_paging_iter()]
    expect(back == batch[1:], "ending_before auto-pagination: the 24 newer, oldest first",
           (len(back), back[:3]))
    # A list with a filter: the customer's intents.
    cus = c.v1.customers.create(params={"email": "paging@example.com"})
    happened("customer.created", cus.id)
    mine = []
    for i in range(3):
        pi = c.v1.payment_intents.create(params={"amount": 300 + i, "currency": "usd",
                                                 "customer": cus.id})
        made_intent(pi)
        mine.append(pi.id)
    listed = [p.id for p in c.v1.payment_intents.list(params={
        "customer": cus.id, "limit": 2}).auto_paging_iter()]
    expect(listed == list(reversed(mine)), "list customer=...: that customer's 3, newest first",
           listed)


# --- Refunds ------------------------------------------------------------------------------

def refunds(c):
    pi = c.v1.payment_intents.create(params={
        "amount": 4000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True})
    made_intent(pi)
    happened("payment_intent.succeeded", pi.id)
    ch = charge_of(c, pi)
    if ch is not None:
        happened("charge.succeeded", ch.id)
    part = c.v1.refunds.create(params={"payment_intent": pi.id, "amount": 1500,
                                       "reason": "requested_by_customer",
                                       "metadata": {"ticket": "T-9"}})
    happened("refund.created", part.id)
    expect(part.object == "refund" and part.id.startswith("re_"), "refund: a re_ object")
    expect((part.amount, part.currency, part.status, part.payment_intent, part.reason)
           == (1500, "usd", "succeeded", pi.id, "requested_by_customer"),
           "partial refund: 1500, succeeded, the intent, the reason")
    expect(part.metadata["ticket"] == "T-9", "refund: metadata")
    if ch is not None:
        expect(part.charge == ch.id, "refund: its charge", part.charge)
        happened("charge.refunded", ch.id)
        ch = c.v1.charges.retrieve(ch.id)
        expect((ch.amount_refunded, ch.refunded) == (1500, False),
               "the charge after 1500: amount_refunded 1500, not refunded",
               (ch.amount_refunded, ch.refunded))
    after = c.v1.payment_intents.retrieve(pi.id)
    # docs/api.md "Statuses": refunds move succeeded -> partially_refunded -> refunded (seeds).
    expect(after.status == "partially_refunded", "a partly refunded intent: partially_refunded",
           after.status)
    rest = c.v1.refunds.create(params={"payment_intent": pi.id})
    happened("refund.created", rest.id)
    expect(rest.amount == 2500 and rest.status == "succeeded", "full refund: the rest, 2500",
           rest.amount)
    if ch is not None:
        happened("charge.refunded", ch.id)
        ch = c.v1.charges.retrieve(ch.id)
        expect((ch.amount_refunded, ch.refunded) == (4000, True),
               "the charge: amount_refunded 4000, refunded", (ch.amount_refunded, ch.refunded))
    after = c.v1.payment_intents.retrieve(pi.id)
    # docs/api.md "Statuses": refunds move succeeded -> partially_refunded -> refunded (seeds).
    expect(after.status == "refunded", "a fully refunded intent: refunded", after.status)
    got = c.v1.refunds.retrieve(part.id)
    expect(got.id == part.id and got.amount == 1500, "retrieve the refund")
    listed = [r.id for r in c.v1.refunds.list(params={"payment_intent": pi.id,
                                                      "limit": 1}).auto_paging_iter()]
    expect(listed == [rest.id, part.id], "list payment_intent=...: both, newest first", listed)
    more = raises(stripe.InvalidRequestError,
                  lambda: c.v1.refunds.create(params={"payment_intent": pi.id, "amount": 1}))
    if more:
        expect(more.code == "charge_already_refunded",
               "a refund of a refunded charge: charge_already_refunded", more.code)


# --- Customers, products, prices ----------------------------------------------------------

def customers(c):
    cus = c.v1.customers.create(params={
        "email": "jenny.rosen@example.com", "name": "Jenny Rosen", "phone": "+15555550100",
        "description": "sdk suite", "metadata": {"crm": "42"},
        "address": {"line1": "1 Main St", "city": "Springfield", "postal_code": "12345",
                    "country": "us"}})
    happened("customer.created", cus.id)
    expect(cus.object == "customer" and cus.id.startswith("cus_"), "create: a cus_ object")
    expect((cus.email, cus.name, cus.metadata["crm"]) == ("jenny.rosen@example.com",
                                                          "Jenny Rosen", "42"),
           "create: email, name, metadata")
    expect(cus.address.country == "US" and cus.address.city == "Springfield",
           "create: the address")
    got = c.v1.customers.retrieve(cus.id)
    expect(got.id == cus.id and got.email == cus.email, "retrieve")
    up = c.v1.customers.update(cus.id, params={"name": "Jenny R.", "metadata": {"tier": "gold"},
                                               "phone": ""})
    happened("customer.updated", cus.id)
    expect(up.name == "Jenny R." and up.phone is None, "update: name set, phone unset",
           (up.name, up.phone))
    expect(up.metadata.to_dict() == {"crm": "42", "tier": "gold"}, "update: metadata merged")
    other = c.v1.customers.create(params={"email": "other@example.com"})
    happened("customer.created", other.id)
    by_email = c.v1.customers.list(params={"email": "jenny.rosen@example.com"}).data
    expect([x.id for x in by_email] == [cus.id], "list email=...: that customer")
    everyone = [x.id for x in c.v1.customers.list(params={"limit": 1}).auto_paging_iter()]
    expect(everyone[:2] == [other.id, cus.id] and len(everyone) == len(set(everyone)),
           "list: newest first, each once", everyone)
    gone = c.v1.customers.delete(other.id)
    happened("customer.deleted", other.id)
    expect(gone.id == other.id and gone.deleted is True, "delete: deleted true")
    tomb = c.v1.customers.retrieve(other.id)
    expect(has(tomb, "deleted") and tomb.deleted is True, "retrieve a deleted customer: deleted")
    expect(other.id not in [x.id for x in c.v1.customers.list().auto_paging_iter()],
           "a deleted customer leaves the list")


def products_prices(c):
    prod = c.v1.products.create(params={"name": "T-shirt", "description": "cotton",
                                        "metadata": {"sku": "TS-1"}})
    happened("product.created", prod.id)
    expect(prod.object == "product" and prod.id.startswith("prod_") and prod.active is True,
           "product create: active prod_")
    up = c.v1.products.update(prod.id, params={"description": "organic cotton"})
    happened("product.updated", prod.id)
    expect(up.description == "organic cotton" and up.name == "T-shirt", "product update")
    expect(c.v1.products.retrieve(prod.id).description == "organic cotton", "product retrieve")

    price = c.v1.prices.create(params={"currency": "usd", "unit_amount": 1500,
                                       "product": prod.id, "nickname": "standard"})
    happened("price.created", price.id)
    expect((price.object, price.product, price.unit_amount, price.type, price.active)
           == ("price", prod.id, 1500, "one_time", True), "price with product")
    expect(str(price.unit_amount_decimal) == "1500", "price: unit_amount_decimal",
           price.unit_amount_decimal)
    inline = c.v1.prices.create(params={"currency": "usd", "unit_amount": 2500,
                                        "product_data": {"name": "Desk lamp"}})
    happened("price.created", inline.id)
    expect(isinstance(inline.product, str) and inline.product.startswith("prod_"),
           "price with product_data: a new prod_ id", inline.product)
    happened("product.created", inline.product)
    lamp = c.v1.products.retrieve(inline.product)
    expect(lamp.name == "Desk lamp", "the product_data product exists", lamp.name)
    nick = c.v1.prices.update(price.id, params={"nickname": "launch", "metadata": {"a": "b"}})
    happened("price.updated", price.id)
    expect(nick.nickname == "launch" and nick.unit_amount == 1500, "price update: nickname")
    listed = [p.id for p in c.v1.prices.list(params={"product": prod.id}).auto_paging_iter()]
    expect(listed == [price.id], "prices list product=...", listed)
    actives = [p.id for p in c.v1.prices.list(params={"active": True, "limit": 1})
               .auto_paging_iter()]
    expect(actives[:2] == [inline.id, price.id], "prices list active=true, newest first", actives)
    products = [p.id for p in c.v1.products.list(params={"limit": 1}).auto_paging_iter()]
    expect(products[:2] == [lamp.id, prod.id], "products list, newest first", products[:2])
    blocked = raises(stripe.InvalidRequestError, lambda: c.v1.products.delete(prod.id))
    if blocked:
        expect(blocked.http_status == 400, "delete a product with prices: 400")
    bare = c.v1.products.create(params={"name": "Gone soon"})
    happened("product.created", bare.id)
    deleted = c.v1.products.delete(bare.id)
    happened("product.deleted", bare.id)
    expect(deleted.deleted is True and deleted.id == bare.id, "delete a product without prices")
    return price, inline


# --- Checkout Sessions --------------------------------------------------------------------

def checkout(c, prices):
    price, inline = prices
    line_items = [{"price": price.id, "quantity": 2}, {"price": inline.id, "quantity": 1}]
    for i in range(3):
        p = c.v1.prices.create(params={"currency": "usd", "unit_amount": 100 * (i + 1),
                                       "product_data": {"name": f"Sticker {i}"}})
        happened("price.created", p.id)
        happened("product.created", p.product)
        line_items.append({"price": p.id, "quantity": i + 1})
    s = c.v1.checkout.sessions.create(params={
        "mode": "payment", "line_items": line_items,
        "success_url": "https://example.com/ok?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://example.com/cancel", "metadata": {"cart": "C-7"},
        "client_reference_id": "user-7"})
    total = 2 * 1500 + 2500 + 100 + 2 * 200 + 3 * 300
    expect(s.object == "checkout.session" and s.id.startswith("cs_"), "session: a cs_ object")
    expect((s.status, s.payment_status, s.mode) == ("open", "unpaid", "payment"),
           "session: open, unpaid, payment", (s.status, s.payment_status))
    expect((s.amount_total, s.amount_subtotal, s.currency) == (total, total, "usd"),
           "session: amount_total", (s.amount_total, s.currency))
    expect(isinstance(s.url, str) and s.url.startswith("http"), "session: url", s.url)
    expect(s.success_url == f"https://example.com/ok?session_id={s.id}"
           or s.success_url.endswith("{CHECKOUT_SESSION_ID}"), "session: success_url")
    expect(s.client_reference_id == "user-7" and s.metadata["cart"] == "C-7",
           "session: client_reference_id, metadata")
    # docs/api.md "Checkout Sessions and Orders (seed 004)": the session is created with its
    # PaymentIntent (Stripe makes it only when the customer pays).
    spi = s.payment_intent
    if expect(isinstance(spi, str) and spi.startswith("pi_"),
              "session create: payment_intent is a pi_ id", spi):
        SESSION_INTENTS.add(spi)
        happened("payment_intent.created", spi)
        happened("payment_intent.canceled", spi)  # by the expire below
        opi = c.v1.payment_intents.retrieve(spi)
        expect((opi.status, opi.amount, opi.currency) == ("requires_payment_method", total, "usd"),
               "the session's PaymentIntent: requires_payment_method, the session's total",
               (opi.status, opi.amount, opi.currency))
    else:
        spi = None
    got = c.v1.checkout.sessions.retrieve(s.id)
    expect(got.id == s.id and got.status == "open", "session retrieve")

    page = stripe.checkout.Session.list_line_items(s.id, limit=2)
    expect(len(page.data) == 2 and page.has_more is True, "list_line_items limit=2: has_more")
    items = list(page.auto_paging_iter())
    expect(len(items) == 5 and len({i.id for i in items}) == 5,
           "list_line_items auto_paging_iter: all 5 items once", len(items))
    expect(all(i.object == "item" for i in items), "line items: object item")
    expect(sum(i.amount_total for i in items) == total, "line items: amounts add up")
    # docs/api.md "Choices where seed 004 is silent": a line item's price is the price id (no
    # expand[] on the line_items list is documented, so the expanded form is not tested).
    expect(sorted(i.price for i in items if isinstance(i.price, str))
           == sorted(x["price"] for x in line_items), "line items: price is the price id",
           [i.price for i in items][:1])
    by_price = {i.price if isinstance(i.price, str) else i.price.id: i for i in items}
    expect(by_price.get(price.id) is not None and by_price[price.id].quantity == 2
           and by_price[price.id].amount_subtotal == 3000, "the T-shirt line: 2 x 1500")
    svc_items = [i.id for i in c.v1.checkout.sessions.line_items.list(
        s.id, params={"limit": 2}).auto_paging_iter()]
    expect(svc_items == [i.id for i in items], "client.v1.checkout.sessions.line_items: same")

    listed = [x.id for x in c.v1.checkout.sessions.list(params={"limit": 1}).auto_paging_iter()]
    expect(listed[:1] == [s.id] and len(listed) == len(set(listed)), "sessions list")
    expired = c.v1.checkout.sessions.expire(s.id)
    happened("checkout.session.expired", s.id)
    expect(expired.status == "expired" and expired.payment_status == "unpaid",
           "expire: expired", expired.status)
    if spi is not None:
        # docs/api.md "Checkout Sessions and Orders (seed 004)": expiring cancels the intent.
        cpi = c.v1.payment_intents.retrieve(spi)
        expect((cpi.status, cpi.cancellation_reason) == ("canceled", "abandoned"),
               "expire: the session's PaymentIntent canceled, abandoned",
               (cpi.status, cpi.cancellation_reason))
    opened = [x.id for x in c.v1.checkout.sessions.list(params={"status": "open"})
              .auto_paging_iter()]
    expect(s.id not in opened, "an expired session leaves status=open")
    again = raises(stripe.InvalidRequestError, lambda: c.v1.checkout.sessions.expire(s.id))
    if again:
        expect(again.http_status == 400, "expire twice: 400")


# --- Errors -------------------------------------------------------------------------------

def errors(c, port):
    # A declined card, on create with confirm=true.
    e = raises(stripe.CardError, lambda: c.v1.payment_intents.create(params={
        "amount": 1200, "currency": "usd", "payment_method": "pm_card_chargeDeclined",
        "confirm": True}))
    if e:
        expect(e.http_status == 402, "decline: HTTP 402", e.http_status)
        expect(e.code == "card_declined" and e.error.decline_code == "generic_decline",
               "decline: code card_declined, decline_code generic_decline",
               (e.code, e.error.decline_code))
        expect(e.error.type == "card_error" and bool(e.user_message), "decline: card_error, "
               "message", e.error.type)
        expect(isinstance(e.error.charge, str) and e.error.charge.startswith("ch_"),
               "decline: the failed charge's id", field(e.error, "charge"))
        expect(isinstance(e.request_id, str) and e.request_id.startswith("req_"),
               "decline: request_id", e.request_id)
        pi = e.error.payment_intent
        if expect(pi is not None and isinstance(pi, stripe.PaymentIntent),
                  "decline: error.payment_intent is a PaymentIntent", type(pi)):
            PAYMENT_INTENTS.append(pi.id)
            happened("payment_intent.created", pi.id)
            happened("payment_intent.payment_failed", pi.id)
            happened("charge.failed", e.error.charge)
            expect(pi.status == "requires_payment_method", "decline: the intent is "
                   "requires_payment_method", pi.status)
            lpe = pi.last_payment_error
            expect(lpe is not None and lpe.code == "card_declined"
                   and lpe.decline_code == "generic_decline",
                   "decline: last_payment_error code, decline_code")
            # docs/api.md "Where the seeds disagree, and other choices": payment_error (seed 001).
            expect(lpe is not None and lpe.type == "payment_error",
                   "decline: last_payment_error.type payment_error", lpe and lpe.type)
            ch = c.v1.charges.retrieve(e.error.charge)
            expect((ch.status, ch.failure_code) == ("failed", "card_declined"),
                   "decline: the charge failed, card_declined", (ch.status, ch.failure_code))
    # A decline on confirm, insufficient funds.
    pi = c.v1.payment_intents.create(params={"amount": 1300, "currency": "usd"})
    made_intent(pi)
    e = raises(stripe.CardError, lambda: c.v1.payment_intents.confirm(
        pi.id, params={"payment_method": "pm_card_insufficientFunds"}))
    if e:
        happened("payment_intent.payment_failed", pi.id)
        expect((e.code, e.error.decline_code) == ("card_declined", "insufficient_funds"),
               "confirm declined: insufficient_funds", (e.code, e.error.decline_code))
        expect(e.error.payment_intent is not None and e.error.payment_intent.id == pi.id,
               "confirm declined: error.payment_intent is the intent")
        if isinstance(field(e.error, "charge"), str):
            happened("charge.failed", e.error.charge)
    # The intent can be paid after the decline.
    ok = c.v1.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_visa"})
    happened("payment_intent.succeeded", pi.id)
    expect(ok.status == "succeeded", "confirm again after a decline: succeeded", ok.status)
    okch = charge_of(c, ok)
    if okch is not None:
        happened("charge.succeeded", okch.id)
    e = raises(stripe.CardError, lambda: c.v1.payment_intents.create(params={
        "amount": 1200, "currency": "usd", "payment_method": "pm_card_expired", "confirm": True}))
    if e:
        expect(e.code == "expired_card", "an expired card: expired_card", e.code)
        if e.error.payment_intent is not None:
            PAYMENT_INTENTS.append(e.error.payment_intent.id)
            happened("payment_intent.created", e.error.payment_intent.id)
            happened("payment_intent.payment_failed", e.error.payment_intent.id)

    # A missing parameter.
    e = raises(stripe.InvalidRequestError,
               lambda: c.v1.payment_intents.create(params={"currency": "usd"}))
    if e:
        expect((e.http_status, e.code, e.param) == (400, "parameter_missing", "amount"),
               "no amount: 400 parameter_missing, param amount", (e.http_status, e.code, e.param))
        expect(e.error.type == "invalid_request_error", "no amount: invalid_request_error")
    e = raises(stripe.InvalidRequestError, lambda: c.v1.payment_intents.create(
        params={"amount": 100, "currency": "usd", "colour": "red"}))
    if e:
        expect((e.code, e.param) == ("parameter_unknown", "colour"),
               "an unknown parameter: parameter_unknown naming it", (e.code, e.param))
    e = raises(stripe.InvalidRequestError, lambda: c.v1.customers.create(
        params={"email": "not an email"}))
    if e:
        expect(e.param == "email", "a bad email: param email", e.param)

    # A wrong key.
    wrong = stripe.StripeClient("sk_test_wrong_0000000000", base_addresses={
        "api": f"http://127.0.0.1:{port}"})
    e = raises(stripe.AuthenticationError, lambda: wrong.v1.customers.list())
    if e:
        expect(e.http_status == 401, "a wrong key: 401", e.http_status)
    e = raises(stripe.AuthenticationError, lambda: stripe.Customer.list(api_key="sk_test_nope"))
    if e:
        expect(e.http_status == 401, "a wrong key per request (global API): 401")

    # The same Idempotency-Key: the same request replays, other parameters are refused.
    key = str(uuid.uuid4())
    first = c.v1.payment_intents.create(params={"amount": 900, "currency": "usd"},
                                        options={"idempotency_key": key})
    made_intent(first)
    replay = c.v1.payment_intents.create(params={"amount": 900, "currency": "usd"},
                                         options={"idempotency_key": key})
    expect(replay.id == first.id, "the same key and parameters: the same intent")
    headers = replay.last_response.headers if replay.last_response else {}
    expect(headers.get("Idempotent-Replayed") == "true", "the replay: Idempotent-Replayed: true",
           headers.get("Idempotent-Replayed"))
    e = raises(stripe.IdempotencyError, lambda: c.v1.payment_intents.create(
        params={"amount": 901, "currency": "usd"}, options={"idempotency_key": key}))
    if e:
        expect(e.http_status == 400 and e.error.type == "idempotency_error",
               "the same key, other parameters: 400 idempotency_error",
               (e.http_status, e.error.type))
    e = raises(stripe.IdempotencyError, lambda: stripe.PaymentIntent.create(
        amount=902, currency="usd", idempotency_key=key))
    if e:
        expect(e.http_status == 400, "the global API: IdempotencyError too")

    # Not found.
    e = raises(stripe.InvalidRequestError, lambda: c.v1.payment_intents.retrieve("pi_nothere0000"))
    if e:
        expect((e.http_status, e.code) == (404, "resource_missing"),
               "an unknown intent: 404 resource_missing", (e.http_status, e.code))
    e = raises(stripe.InvalidRequestError, lambda: stripe.Customer.retrieve("cus_nothere0000"))
    if e:
        expect((e.http_status, e.code, e.param) == (404, "resource_missing", "id"),
               "an unknown customer: 404 resource_missing, param id",
               (e.http_status, e.code, e.param))
    e = raises(stripe.InvalidRequestError, lambda: c.v1.refunds.create(
        params={"payment_intent": "pi_nothere0000"}))
    if e:
        expect(e.code == "resource_missing" and e.param == "payment_intent",
               "a refund of an unknown intent: resource_missing, param payment_intent",
               (e.code, e.param))


# --- Dropped connections and the SDK's own retries ----------------------------------------

def read_message(f):
    """One HTTP/1.1 message from a socket file: (head bytes, body bytes, headers dict), or None
    at EOF."""
    head = b""
    while True:
        line = f.readline()
        if not line:
            return None
        head += line
        if line in (b"\r\n", b"\n"):
            break
    headers = {}
    for raw in head.split(b"\r\n")[1:]:
        if b":" in raw:
            k, v = raw.split(b":", 1)
            headers[k.decode().strip().lower()] = v.decode().strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size_line = f.readline()
            body += size_line
            size = int(size_line.split(b";")[0], 16)
            body += f.read(size + 2)
            if size == 0:
                break
    else:
        body = f.read(int(headers.get("content-length", "0")))
    return head, body, headers


def body_text(message):
    _, body, headers = message
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode()


class DroppingProxy:
    """Forwards each request to payledgerd and its answer back; while armed, the next answer is
    read from payledgerd in full and the client's connection is closed without it."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.lock = threading.Lock()
        self.drops = 0
        self.log = []  # {"method", "path", "key", "status", "replayed", "body", "dropped"}
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def arm(self):
        with self.lock:
            self.drops = 1
            self.log.clear()

    def accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.relay, args=(client,), daemon=True).start()

    def relay(self, client):
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        cf, uf = client.makefile("rb"), upstream.makefile("rb")
        try:
            while True:
                req = read_message(cf)
                if req is None:
                    return
                upstream.sendall(req[0] + req[1])
                resp = read_message(uf)
                if resp is None:
                    return
                request_line = req[0].split(b"\r\n")[0].decode().split(" ")
                status = int(resp[0].split(b" ")[1])
                with self.lock:
                    drop = self.drops > 0
                    if drop:
                        self.drops -= 1
                    self.log.append({
                        "method": request_line[0], "path": request_line[1],
                        "key": req[2].get("idempotency-key"), "status": status,
                        "replayed": resp[2].get("idempotent-replayed"),
                        "body": body_text(resp), "dropped": drop})
                if drop:
                    return  # payledgerd answered; the client never sees it
                client.sendall(resp[0] + resp[1])
        except OSError:
            pass
        finally:
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self):
        self.sock.close()


def retries(c, port):
    proxy = DroppingProxy(port)
    # The global API on purpose, not StripeClient: the global API retries by default
    # (stripe.max_network_retries is 2) while a StripeClient made with default settings retries
    # never (its max_network_retries None means 0), so only the global API shows the SDK's own
    # default retry. Only its base URL is changed: the proxy's.
    expect(stripe.max_network_retries == 2, "the SDK's default: 2 network retries")
    saved = stripe.api_base
    stripe.api_base = f"http://127.0.0.1:{proxy.port}"
    try:
        # A warm connection first: the drop then hits a kept-alive connection, as in real life.
        stripe.Customer.list(limit=1)
        marker = str(uuid.uuid4())
        proxy.arm()
        t0 = time.time()
        pi = stripe.PaymentIntent.create(amount=4321, currency="usd", metadata={"marker": marker})
        took = time.time() - t0
        made_intent(pi)
        with proxy.lock:
            log = list(proxy.log)
        posts = [x for x in log if x["method"] == "POST"]
        expect(len(posts) == 2 and posts[0]["dropped"] and not posts[1]["dropped"],
               "create: the first answer dropped, the SDK retried once", len(posts))
        if len(posts) == 2:
            expect(posts[0]["key"] and posts[0]["key"] == posts[1]["key"],
                   "the retry carried the same Idempotency-Key", (posts[0]["key"],
                                                                  posts[1]["key"]))
            dropped = json.loads(posts[0]["body"])
            expect(posts[0]["status"] == 200 and dropped.get("id") == pi.id,
                   "the SDK returned the object of the dropped answer", dropped.get("id"))
            expect(posts[1]["replayed"] == "true", "the retry's answer is the stored one "
                   "(Idempotent-Replayed: true)", posts[1]["replayed"])
        print(f"    the SDK's retry took {took:.2f} s")
        same = [p.id for p in c.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
                if p.metadata.to_dict().get("marker") == marker]
        expect(same == [pi.id], "exactly one intent was created", same)

        target = c.v1.payment_intents.create(params={"amount": 5432, "currency": "usd"})
        made_intent(target)
        proxy.arm()
        done = stripe.PaymentIntent.confirm(target.id, payment_method="pm_card_visa")
        happened("payment_intent.succeeded", target.id)
        expect(done.status == "succeeded" and done.amount_received == 5432,
               "confirm through the drop: succeeded", done.status)
        with proxy.lock:
            log = list(proxy.log)
        expect(len(log) == 2 and log[0]["dropped"] and log[0]["key"] == log[1]["key"]
               and log[1]["replayed"] == "true",
               "confirm: dropped once, retried with the same key, replayed",
               [(x["status"], x["dropped"], x["replayed"]) for x in log])
        charges = c.v1.charges.list(params={"payment_intent": target.id}).data
        expect(len(charges) == 1 and charges[0].amount_captured == 5432,
               "confirm: exactly one charge", len(charges))
        if charges:
            happened("charge.succeeded", charges[0].id)
    finally:
        stripe.api_base = saved
        proxy.close()


# --- Webhooks and events ------------------------------------------------------------------

class Inbox:
    def __init__(self):
        self.lock = threading.Lock()
        self.secret = None
        self.events = collections.Counter()  # event id -> deliveries verified
        self.deliveries = []  # (body, signature)
        self.refused = 0


INBOX = Inbox()


class Hook(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/hook":
            signature = self.headers.get("Stripe-Signature", "")
            try:
                event = stripe.Webhook.construct_event(body, signature, INBOX.secret)
                with INBOX.lock:
                    INBOX.events[event.id] += 1
                    INBOX.deliveries.append((body, signature))
                status = 200
            except (stripe.SignatureVerificationError, ValueError):
                with INBOX.lock:
                    INBOX.refused += 1
                status = 400
        else:
            status = 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def webhook_endpoint(hook_url):
    ep = stripe.WebhookEndpoint.create(url=hook_url, enabled_events=["*"],
                                       description="sdk suite", metadata={"env": "test"})
    expect(ep.object == "webhook_endpoint" and ep.id.startswith("we_"), "endpoint: a we_ object")
    expect(ep.secret.startswith("whsec_"), "endpoint create: the whsec_ secret")
    expect(ep.status == "enabled" and list(ep.enabled_events) == ["*"], "endpoint: enabled, *")
    INBOX.secret = ep.secret
    return ep


def webhook_endpoints_crud(hook_url):
    other = stripe.WebhookEndpoint.create(url=hook_url.replace("/hook", "/other"),
                                          enabled_events=["product.created"])
    got = stripe.WebhookEndpoint.retrieve(other.id)
    expect(got.url.endswith("/other") and not has(got, "secret"),
           "endpoint retrieve: no secret shown again")
    up = stripe.WebhookEndpoint.modify(other.id, enabled_events=["customer.*", "price.created"],
                                       disabled=True)
    expect(list(up.enabled_events) == ["customer.*", "price.created"]
           and up.status == "disabled", "endpoint update: events, disabled")
    ids = [w.id for w in stripe.WebhookEndpoint.list(limit=1).auto_paging_iter()]
    expect(other.id in ids and len(ids) == 2, "endpoints list", ids)
    gone = stripe.WebhookEndpoint.delete(other.id)
    expect(gone.deleted is True, "endpoint delete: deleted")


def events_and_deliveries(c, port):
    events = list(stripe.Event.list(limit=25).auto_paging_iter())
    ids = [e.id for e in events]
    expect(len(ids) == len(set(ids)), f"Event.list auto_paging_iter: {len(ids)} events, each once")
    created = [e.created for e in events]
    expect(created == sorted(created, reverse=True), "events: newest first")
    expect(all(e.object == "event" and e.id.startswith("evt_") for e in events), "evt_ objects")
    actual = collections.Counter((e.type, e.data.object.id) for e in events)
    tracked = {oid for (_, oid) in EXPECTED_EVENTS}
    for (etype, oid), n in sorted(EXPECTED_EVENTS.items(), key=str):
        expect(actual[(etype, oid)] == n, f"event {etype} for {oid}: {n}",
               actual[(etype, oid)])
    extra = collections.Counter()
    for (etype, oid), n in actual.items():
        if oid in tracked and (etype, oid) not in EXPECTED_EVENTS:
            extra[etype] += n
    if extra:
        print("    events for the suite's objects beyond Stripe's list:", dict(extra))
    print("    event types listed:", dict(collections.Counter(e.type for e in events)))
    # A type filter, an exact type and a wildcard, paged by the SDK.
    created_events = list(stripe.Event.list(type="payment_intent.created", limit=10)
                          .auto_paging_iter())
    expect([e.id for e in created_events]
           == [e.id for e in events if e.type == "payment_intent.created"],
           "type=payment_intent.created: the same events as the full list")
    made = [e.data.object.id for e in created_events
            if e.data.object.id not in SESSION_INTENTS]
    expect(made == list(reversed(PAYMENT_INTENTS)),
           f"payment_intent.created: one per intent made ({len(PAYMENT_INTENTS)}), newest first",
           len(made))
    customer = [e.id for e in c.v1.events.list(params={"type": "customer.*", "limit": 3})
                .auto_paging_iter()]
    expect(customer == [e.id for e in events if e.type.startswith("customer.")],
           "type=customer.*: every customer event", len(customer))
    both = [e.id for e in stripe.Event.list(types=["refund.created", "charge.refunded"], limit=2)
            .auto_paging_iter()]
    expect(both == [e.id for e in events if e.type in ("refund.created", "charge.refunded")],
           "types[]=refund.created,charge.refunded", len(both))
    one = stripe.Event.retrieve(ids[0])
    expect(one.id == ids[0] and one.type == events[0].type, "Event.retrieve")

    # Every event was delivered to the endpoint and verified by construct_event.
    deadline = time.time() + 30
    while time.time() < deadline:
        with INBOX.lock:
            missing = set(ids) - set(INBOX.events)
        if not missing:
            break
        time.sleep(0.1)
    expect(not missing, f"every one of {len(ids)} events delivered and verified by "
           "stripe.Webhook.construct_event", len(missing))
    with INBOX.lock:
        expect(INBOX.refused == 0, "no delivery failed verification", INBOX.refused)
        body, signature = INBOX.deliveries[0]
    event = stripe.Webhook.construct_event(body, signature, INBOX.secret)
    expect(json.loads(body)["id"] == event.id, "construct_event: the delivered event")
    expect(json.loads(body) == api(port, "GET", "/v1/events/" + event.id),
           "the delivery is the event GET /v1/events/{id} serves")
    client_event = c.construct_event(body, signature, INBOX.secret)
    expect(client_event.id == event.id, "StripeClient.construct_event accepts it too")
    tampered = body.replace(b'"livemode":false', b'"livemode":true', 1)
    if tampered == body:
        tampered = body[:-1] + b" }"
    for what, call in [
            ("a tampered payload", lambda: stripe.Webhook.construct_event(
                tampered, signature, INBOX.secret)),
            ("the wrong secret", lambda: stripe.Webhook.construct_event(
                body, signature, "whsec_" + "0" * 32)),
            ("no v1 signature", lambda: stripe.Webhook.construct_event(
                body, signature.split(",")[0], INBOX.secret))]:
        try:
            call()
            expect(False, f"construct_event refuses {what}", "accepted")
        except stripe.SignatureVerificationError:
            expect(True, f"construct_event refuses {what}")
    stale = f"t={int(time.time()) - 3600}," + ",".join(signature.split(",")[1:])
    try:
        stripe.Webhook.construct_event(body, stale, INBOX.secret)
        expect(False, "construct_event refuses a signature an hour old", "accepted")
    except stripe.SignatureVerificationError:
        expect(True, "construct_event refuses a signature an hour old")


def main():
    binary = sys.argv[1]
    started = time.time()
    receiver = serve(Hook)
    hook_url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_payledgerd(binary, tmp)
        try:
            base = f"http://127.0.0.1:{port}"
            # The global API and a StripeClient, each with default settings but the base URL.
            stripe.api_key = KEY
            stripe.api_base = base
            c = stripe.StripeClient(KEY, base_addresses={"api": base})
            section("webhook endpoint", webhook_endpoint, hook_url)
            section("payment intents", payment_intents, c)
            section("payment intents: auto-pagination", pagination, c)
            section("refunds", refunds, c)
            section("customers", customers, c)
            prices = [None]

            def pp():
                prices[0] = products_prices(c)
            section("products and prices", pp)
            if prices[0] is not None:
                section("checkout sessions", checkout, c, prices[0])
            section("errors", errors, c, port)
            section("retries after a dropped connection", retries, c, port)
            section("webhook endpoints: retrieve, update, list, delete",
                    webhook_endpoints_crud, hook_url)
            section("events and webhook deliveries", events_and_deliveries, c, port)
            expect(not LATEST_CHARGE_MISSING, "every PaymentIntent with a charge has "
                   "latest_charge (a ch_ id)",
                   f"missing on {len(LATEST_CHARGE_MISSING)}: {LATEST_CHARGE_MISSING[:1]}")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            receiver.shutdown()
    if FAILED:
        print(f"\n{len(FAILED)} check(s) failed:")
        for f in FAILED:
            print("  -", f)
    print(f"python sdk suite: {PASSED[0]} passed, {len(FAILED)} failed, "
          f"{time.time() - started:.1f} s")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
