"""The auditor: a seeded random workload over every money-moving resource against the payledgerd
binary, with kill -9 at random points between acknowledged writes, then a check that the money
adds up three ways from an independent model of what was acknowledged.

Money moves through PaymentIntents (captured at once, captured in part or in full later,
canceled, declined, refunded in part and in full), Direct API payments (seed 002, processed and
refunded by payledgerd's sweeper), Checkout Sessions completed by the customer's own call
(seed 004), and authorizations of a customer on a test clock that expire when the clock is
advanced eight days. The model keeps, per currency, the net the merchant should hold and, per
PaymentIntent, the status it should have. At the end:
- `payledger verify` passes (hash chain, every stream re-folded, debits = credits);
- `payledger reconcile` reports no difference, its nets equal the model's and GET /v1/balance,
  and its counts of PaymentIntents per status equal the model's;
- the balance transactions, paged, sum to the balance, each one's net = amount - fee;
- the export's rows sum to reconcile's totals, and number one per money movement.

The seed is printed; PAYLEDGER_AUDIT_SEED replays one.

Usage: audit_test.py PAYLEDGERD PAYLEDGER"""
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser"))
from harness import api, check, start_payledgerd, wait_for  # noqa: E402

CURRENCIES = ("usd", "eur", "jpy")
ROUNDS = 4  # three kill -9 restarts between them
OPS_PER_ROUND = 50
DAY = 86400


class Refused(Exception):
    def __init__(self, status, body):
        super().__init__(f"{status}: {body}")
        self.status, self.body = status, body


class Auditor:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.port = None
        self.net = {c: 0 for c in CURRENCIES}  # what the merchant should hold
        self.movements = 0  # balance transactions the model expects
        self.intents = {}  # id -> {"status", "currency", "received", "refunded", "clock"}
        self.payments = []  # direct payments: (id, currency, amount, refund)
        self.price = {}  # currency -> price id (checkout)
        self.clock = self.customer = None

    def call(self, method, path, body=None):
        try:
            return api(self.port, method, path, body)
        except urllib.error.HTTPError as e:
            raise Refused(e.code, json.loads(e.read() or b"{}")) from None

    def page_call(self, path, form):
        """A customer-side call (no key), form-encoded, as a checkout page's script sends it."""
        data = urllib.parse.urlencode(form).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                     method="POST")
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.load(r)

    def amount(self, currency):
        return self.rng.randint(100, 20000) if currency != "jpy" else self.rng.randint(50, 9000)

    def book(self, currency, amount):
        self.net[currency] += amount
        self.movements += 1

    # --- the operations -------------------------------------------------------------------

    def intent(self, manual, card="pm_card_visa", customer=None):
        currency = self.rng.choice(CURRENCIES)
        amount = self.amount(currency)
        body = {"amount": amount, "currency": currency, "payment_method": card, "confirm": True,
                "capture_method": "manual" if manual else "automatic"}
        if customer:
            body["customer"] = customer
        try:
            pi = self.call("POST", "/v1/payment_intents", body)
        except Refused as r:  # a declined card: the intent waits for another payment method
            check(r.status == 402 and r.body["error"]["type"] == "card_error", "a card error")
            pi = r.body["error"]["payment_intent"]
        self.intents[pi["id"]] = {"status": pi["status"], "currency": currency, "amount": amount,
                                  "received": 0, "refunded": 0, "clock": bool(customer)}
        if pi["status"] == "succeeded":
            self.intents[pi["id"]]["received"] = amount
            self.book(currency, amount)
        return pi["id"]

    def capture(self):
        waiting = [i for i, s in self.intents.items() if s["status"] == "requires_capture"]
        if not waiting:
            return
        pi_id = self.rng.choice(waiting)
        s = self.intents[pi_id]
        amount = self.rng.choice([s["amount"], max(1, s["amount"] // 2)])
        pi = self.call("POST", f"/v1/payment_intents/{pi_id}/capture",
                       {"amount_to_capture": amount})
        check(pi["status"] == "succeeded", f"{pi_id} captured")
        s.update(status="succeeded", received=amount)
        self.book(s["currency"], amount)

    def cancel(self):
        open_ = [i for i, s in self.intents.items()
                 if s["status"] in ("requires_capture", "requires_payment_method")]
        if open_:
            pi_id = self.rng.choice(open_)
            self.call("POST", f"/v1/payment_intents/{pi_id}/cancel", {})
            self.intents[pi_id]["status"] = "canceled"

    def refund(self):
        paid = [i for i, s in self.intents.items()
                if s["status"] in ("succeeded", "partially_refunded")]
        if not paid:
            return
        pi_id = self.rng.choice(paid)
        s = self.intents[pi_id]
        left = s["received"] - s["refunded"]
        amount = self.rng.choice([left, max(1, left // 3)])
        self.call("POST", "/v1/refunds", {"payment_intent": pi_id, "amount": amount})
        s["refunded"] += amount
        s["status"] = "refunded" if s["refunded"] == s["received"] else "partially_refunded"
        self.book(s["currency"], -amount)

    def direct_payment(self):
        currency = self.rng.choice(("usd", "eur"))  # seed 002 takes eur, usd, gbp
        amount = self.amount(currency)
        pay = self.call("POST", "/v1/payments", {
            "amount": amount, "currency": currency,
            "card": {"number": "4111111111111111", "exp_month": 12, "exp_year": 2030,
                     "cvc": "314", "holder_name": "Jenny Rosen"},
            "customer": {"email": "jenny@example.com", "first_name": "Jenny",
                         "last_name": "Rosen", "country": "DE"}})
        refund = self.rng.choice([0, 0, amount // 4])
        self.payments.append([pay["id"], currency, amount, refund, False])

    def refund_payments(self):
        """Refunds the payments the model chose to, once they have succeeded."""
        for p in self.payments:
            pay_id, currency, amount, refund, done = p
            if done:
                continue
            status = self.call("GET", f"/v1/payments/{pay_id}")["status"]
            if status != "succeeded":
                continue
            if refund:
                self.call("POST", f"/v1/payments/{pay_id}/refund", {"amount": refund})
            p[4] = True

    def checkout(self):
        currency = self.rng.choice(CURRENCIES)
        quantity = self.rng.randint(1, 3)
        cs = self.call("POST", "/v1/checkout/sessions", {
            "mode": "payment", "ui_mode": "custom",
            "return_url": "https://yourstore.com/return?session_id={CHECKOUT_SESSION_ID}",
            "line_items": [{"price": self.price[currency], "quantity": quantity}]})
        paid = self.page_call(f"/v1/payment_pages/{cs['id']}/confirm", {
            "client_secret": cs["client_secret"], "email": "jenny@example.com",
            "name": "Jenny Rosen", "card[number]": "4242424242424242", "card[exp_month]": "12",
            "card[exp_year]": "2030", "card[cvc]": "123"})
        check(paid.get("status") == "complete", f"checkout {cs['id']} complete")
        total = cs["amount_total"]
        self.intents[cs["payment_intent"]] = {
            "status": "succeeded", "currency": currency, "amount": total, "received": total,
            "refunded": 0, "clock": False}
        self.book(currency, total)

    def setup(self):
        product = self.call("POST", "/v1/products", {"name": "Desk Lamp"})
        for c in CURRENCIES:
            self.price[c] = self.call("POST", "/v1/prices", {
                "currency": c, "unit_amount": 2500 if c != "jpy" else 300,
                "product": product["id"]})["id"]
        self.clock = self.call("POST", "/v1/test_helpers/test_clocks",
                               {"frozen_time": int(time.time()), "name": "audit"})["id"]
        self.customer = self.call("POST", "/v1/customers", {"test_clock": self.clock})["id"]

    def step(self):
        op = self.rng.choices(
            ["auto", "manual", "declined", "capture", "cancel", "refund", "direct", "checkout",
             "clock"], weights=[6, 4, 1, 4, 1, 5, 2, 2, 2])[0]
        if op == "auto":
            self.intent(False)
        elif op == "manual":
            self.intent(True)
        elif op == "declined":
            self.intent(False, card="pm_card_chargeDeclined")
        elif op == "capture":
            self.capture()
        elif op == "cancel":
            self.cancel()
        elif op == "refund":
            self.refund()
        elif op == "direct":
            self.direct_payment()
        elif op == "checkout":
            self.checkout()
        else:
            self.intent(True, customer=self.customer)

    def expire_clock_authorizations(self):
        """Advances the test clock eight days: its customer's authorizations expire."""
        self.intent(True, customer=self.customer)  # at least one, whatever the seed
        frozen = self.call("GET", f"/v1/test_helpers/test_clocks/{self.clock}")["frozen_time"]
        self.call("POST", f"/v1/test_helpers/test_clocks/{self.clock}/advance",
                  {"frozen_time": frozen + 8 * DAY})
        wait_for(lambda: self.call("GET", f"/v1/test_helpers/test_clocks/{self.clock}")[
            "status"] == "ready", "the test clock is ready")
        expired = [i for i, s in self.intents.items()
                   if s["clock"] and s["status"] == "requires_capture"]
        for pi_id in expired:
            pi = self.call("GET", f"/v1/payment_intents/{pi_id}")
            assert pi["status"] == "canceled" and pi["cancellation_reason"] == "automatic", pi
            self.intents[pi_id]["status"] = "canceled"
        check(True, f"{len(expired)} authorizations on the test clock expired by advancing it")

    def settle_payments(self):
        """Waits for every direct payment and its refund to settle, and books them."""
        for _ in range(3):
            wait_for(lambda: all(self.call("GET", f"/v1/payments/{p[0]}")["status"] not in
                                 ("pending", "processing", "requires_action")
                                 for p in self.payments), "direct payments settle", 60)
            self.refund_payments()
        for pay_id, currency, amount, refund, _ in self.payments:
            wait_for(lambda: self.call("GET", f"/v1/payments/{pay_id}")["refunded_amount"] ==
                     refund, f"{pay_id}'s refund settles", 60)
            self.book(currency, amount)
            if refund:
                self.book(currency, -refund)


def run(payledger, *args, expect=0):
    r = subprocess.run([payledger, *args], capture_output=True, text=True, timeout=300)
    if r.returncode != expect:
        raise AssertionError(f"payledger {' '.join(args)} exited {r.returncode}:\n"
                             f"{r.stdout}\n{r.stderr}")
    return r


def all_pages(auditor, path):
    out, after = [], None
    while True:
        page = auditor.call("GET", path + "?limit=100" + (f"&starting_after={after}" if after
                                                           else ""))
        out += page["data"]
        if not page["has_more"]:
            return out
        after = page["data"][-1]["id"]


def audit(auditor, payledger, data_dir):
    expected = {c: n for c, n in auditor.net.items()}
    run(payledger, "verify", "--data-dir", data_dir)
    print("ok: verify passes: chain, streams re-folded, debits = credits")
    rec = json.loads(run(payledger, "reconcile", "--data-dir", data_dir, "--format",
                         "json").stdout)
    check(rec["differences"] == [], "reconcile: no differences")
    nets = {t["currency"]: t["net_minor"] for t in rec["totals"]}
    check(all(nets.get(c, 0) == expected[c] for c in CURRENCIES),
          f"reconcile's nets {nets} are the model's {expected}")
    check(all(t["balance_minor"] == t["net_minor"] == t["ledger_net_minor"]
              for t in rec["totals"]), "log, ledger and balance agree per currency")
    want = {}
    for s in auditor.intents.values():
        want[s["status"]] = want.get(s["status"], 0) + 1
    counts = {c["status"]: c["count"] for c in rec["counts"] if c["object"] == "payment_intent"}
    check(counts == want, f"PaymentIntents per status: {counts} (model {want})")

    balance = auditor.call("GET", "/v1/balance")
    available = {f["currency"]: f["amount"] for f in balance["available"]}
    check(all(available.get(c, 0) == expected[c] for c in CURRENCIES),
          f"GET /v1/balance is {available}")
    txns = all_pages(auditor, "/v1/balance_transactions")
    sums = {}
    for t in txns:
        assert t["net"] == t["amount"] - t["fee"], f"{t['id']}: net is not amount - fee"
        sums[t["currency"]] = sums.get(t["currency"], 0) + t["net"]
    check(all(sums.get(c, 0) == available.get(c, 0) for c in CURRENCIES),
          "the balance transactions sum to the balance")
    check(len(txns) == auditor.movements,
          f"{len(txns)} balance transactions, one per money movement of the model")

    exported = run(payledger, "export", "--data-dir", data_dir).stdout
    rows = list(csv.DictReader(exported.splitlines()))
    check(len(rows) == len(txns), "the export has a row per balance transaction")
    export_sums = {}
    for r in rows:
        export_sums[r["currency"]] = export_sums.get(r["currency"], 0) + int(r["net_minor"])
    check(all(export_sums.get(c, 0) == nets.get(c, 0) for c in CURRENCIES),
          "the export's sums are reconcile's totals")


def main():
    payledgerd, payledger = sys.argv[1], sys.argv[2]
    seed = int(os.environ.get("PAYLEDGER_AUDIT_SEED", time.time_ns() % 1_000_000))
    print(f"audit seed {seed} (PAYLEDGER_AUDIT_SEED={seed} replays it)", flush=True)
    auditor = Auditor(seed)
    with tempfile.TemporaryDirectory() as tmp:
        proc, auditor.port = start_payledgerd(payledgerd, tmp)
        try:
            auditor.setup()
            for round_ in range(ROUNDS):
                # kill -9 after a random acknowledged write of the round, then on again.
                kill_at = auditor.rng.randrange(OPS_PER_ROUND) if round_ < ROUNDS - 1 else -1
                for i in range(OPS_PER_ROUND):
                    auditor.step()
                    if i == kill_at:
                        proc.kill()
                        proc.wait()
                        proc, auditor.port = start_payledgerd(payledgerd, tmp)
                        print(f"ok: kill -9 after op {i} of round {round_}; restarted",
                              flush=True)
                auditor.refund_payments()
            auditor.expire_clock_authorizations()
            auditor.settle_payments()
            audit(auditor, payledger, os.path.join(tmp, "db"))
        except Exception:
            print(f"audit seed {seed} failed", flush=True)
            raise
        finally:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main()
