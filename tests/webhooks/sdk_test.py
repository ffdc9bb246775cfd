"""Webhooks as a merchant's code sees them. payledgerd (the real binary, real clock) delivers to
a receiver that verifies each Stripe-Signature with Stripe's Python SDK
(stripe.Webhook.construct_event); the same deliveries are then verified by Stripe's Node SDK
(verify.js). The API calls go through the Python SDK too (webhook endpoint, PaymentIntents, the
Events list with auto-pagination). Mid-delivery, payledgerd is killed with SIGKILL and started
again on its data: every event still arrives at least once.

Usage: sdk_test.py PAYLEDGERD NODE_DIR (NODE_DIR holds node_modules/stripe)."""
import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser"))
from harness import KEY, check, serve, wait_for, start_payledgerd  # noqa: E402

import stripe  # noqa: E402

PAYMENTS = 30
WANTED = ["payment_intent.created", "payment_intent.succeeded", "charge.succeeded"]


class Inbox:
    """What the receiver got: every verified delivery, by event id."""

    def __init__(self):
        self.lock = threading.Lock()
        self.secret = None
        self.deliveries = []  # {"body", "signature"}
        self.by_event = {}  # event id -> deliveries
        self.refused_first = set()  # events whose first delivery was answered 500
        self.bad_signatures = 0
        self.delay = 0.0


INBOX = Inbox()


class Hook(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        signature = self.headers.get("Stripe-Signature", "")
        try:
            event = stripe.Webhook.construct_event(body, signature, INBOX.secret)
        except stripe.SignatureVerificationError:
            with INBOX.lock:
                INBOX.bad_signatures += 1
            self.answer(400)
            return
        time.sleep(INBOX.delay)
        with INBOX.lock:
            # Every charge.succeeded is refused once: payledger must retry it.
            if event["type"] == "charge.succeeded" and event["id"] not in INBOX.refused_first:
                INBOX.refused_first.add(event["id"])
                status = 500
            else:
                INBOX.deliveries.append({"body": body, "signature": signature})
                INBOX.by_event[event["id"]] = INBOX.by_event.get(event["id"], 0) + 1
                status = 200
        self.answer(status)

    def answer(self, status):
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


def all_events():
    """Every wanted event, listed through the SDK's auto-pagination (pages of 7)."""
    ids = set()
    for event in stripe.Event.list(limit=7).auto_paging_iter():
        if event["type"] in WANTED:
            ids.add(event["id"])
    return ids


def main():
    binary, node_dir = sys.argv[1], sys.argv[2]
    receiver = serve(Hook)
    hook_url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_payledgerd(binary, tmp)
        stripe.api_key = KEY
        stripe.api_base = f"http://127.0.0.1:{port}"
        stripe.max_network_retries = 2
        try:
            endpoint = stripe.WebhookEndpoint.create(url=hook_url, enabled_events=WANTED)
            check(endpoint["secret"].startswith("whsec_"), "the SDK's create shows the whsec_ secret")
            check("secret" not in stripe.WebhookEndpoint.retrieve(endpoint["id"]),
                  "a retrieve does not show the secret again")
            INBOX.secret = endpoint["secret"]
            INBOX.delay = 0.05  # a receiver slow enough that deliveries are in flight at the kill
            for i in range(PAYMENTS):
                pi = stripe.PaymentIntent.create(amount=1000 + i, currency="usd",
                                                 payment_method="pm_card_visa", confirm=True)
                assert pi["status"] == "succeeded", pi
            time.sleep(0.3)
            with INBOX.lock:
                before_kill = len(INBOX.deliveries)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            print(f"killed payledgerd with SIGKILL after {before_kill} deliveries")
            check(before_kill < 3 * PAYMENTS, "the kill came while deliveries were still due")
            proc, port = start_payledgerd(binary, tmp)
            stripe.api_base = f"http://127.0.0.1:{port}"
            expected = all_events()
            check(len(expected) == 3 * PAYMENTS,
                  f"the Events list (auto-paginated by the SDK) has all {3 * PAYMENTS} events")
            wait_for(lambda: expected <= set(INBOX.by_event),
                     "every event delivered after the restart", 60)
            with INBOX.lock:
                twice = sum(1 for n in INBOX.by_event.values() if n > 1)
                check(INBOX.bad_signatures == 0, "Stripe's Python SDK verified every signature")
                deliveries = list(INBOX.deliveries)
            print(f"ok: every one of {len(expected)} events delivered at least once "
                  f"({twice} twice, across the kill)")
            charges = [e for e in expected if e in INBOX.refused_first]
            check(len(charges) == PAYMENTS, "each charge.succeeded was refused once, then delivered")
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump(deliveries, f)
            env = dict(os.environ, NODE_PATH=os.path.join(node_dir, "node_modules"))
            subprocess.run(["node", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "verify.js"), f.name, INBOX.secret],
                           env=env, check=True)
            os.unlink(f.name)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
            receiver.shutdown()


if __name__ == "__main__":
    main()
