"""The finance CLI against a running payledgerd, as finance would use it: money moved through
Stripe's Python SDK (PaymentIntents captured in full and in part, refunds, three currencies) and
the Direct API (seed 002), with a kill -9 of payledgerd in between; then, while payledgerd keeps running, `payledger verify` passes and
prints the head, `payledger reconcile` reports no difference and totals equal to GET /v1/balance
and to the balance transactions the SDK pages through, and `payledger export` loads unchanged
into Python's csv module and into DuckDB with sums equal to reconcile's.

Usage: cli_test.py PAYLEDGERD PAYLEDGER"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser"))
from harness import KEY, api, check, start_payledgerd, wait_for  # noqa: E402

import duckdb  # noqa: E402
import stripe  # noqa: E402


def run(payledger, *args, expect=0):
    r = subprocess.run([payledger, *args], capture_output=True, text=True, timeout=120)
    if (r.returncode == 0) if expect == "nonzero" else r.returncode != expect:
        raise AssertionError(f"payledger {' '.join(args)} exited {r.returncode}, not {expect}:\n"
                             f"{r.stdout}\n{r.stderr}")
    return r


def move_money(port):
    stripe.api_key = KEY
    stripe.api_base = f"http://127.0.0.1:{port}"
    for amount in (1000, 2550, 999):
        pi = stripe.PaymentIntent.create(amount=amount, currency="usd",
                                         payment_method="pm_card_visa", confirm=True)
        assert pi.status == "succeeded", pi.status
    manual = stripe.PaymentIntent.create(amount=5000, currency="eur", capture_method="manual",
                                         payment_method="pm_card_visa", confirm=True)
    stripe.PaymentIntent.capture(manual.id, amount_to_capture=4000)
    stripe.Refund.create(payment_intent=manual.id, amount=1500)
    yen = stripe.PaymentIntent.create(amount=1200, currency="jpy",
                                      payment_method="pm_card_visa", confirm=True)
    stripe.Refund.create(payment_intent=yen.id)
    # An authorization never captured moves nothing.
    stripe.PaymentIntent.create(amount=777, currency="usd", capture_method="manual",
                                payment_method="pm_card_visa", confirm=True)
    # A Direct API payment (seed 002), settled by payledgerd's own sweeper, then refunded.
    pay = api(port, "POST", "/v1/payments", {
        "amount": 4999, "currency": "eur",
        "card": {"number": "4111111111111111", "exp_month": 12, "exp_year": 2030, "cvc": "314",
                 "holder_name": "Jenny Rosen"},
        "customer": {"email": "jenny@example.com", "first_name": "Jenny", "last_name": "Rosen",
                     "country": "DE"}})
    wait_for(lambda: api(port, "GET", "/v1/payments/" + pay["id"])["status"] == "succeeded",
             "the payment succeeds")
    api(port, "POST", f"/v1/payments/{pay['id']}/refund", {"amount": 999})
    wait_for(lambda: api(port, "GET", "/v1/payments/" + pay["id"])["refunded_amount"] == 999,
             "the refund succeeds")
    # usd 1000 + 2550 + 999; eur 4000 - 1500 + 4999 - 999; jpy 1200 - 1200
    return {"usd": 4549, "eur": 6500, "jpy": 0}


def main():
    payledgerd, payledger = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_payledgerd(payledgerd, tmp)
        data_dir = os.path.join(tmp, "db")
        try:
            first = move_money(port)
            # kill -9 in the middle of the day, and on again: nothing acknowledged is lost.
            proc.kill()
            proc.wait()
            proc, port = start_payledgerd(payledgerd, tmp)
            second = move_money(port)
            expected = {c: first[c] + second[c] for c in first}
            balance = stripe.Balance.retrieve()
            available = {f.currency: f.amount for f in balance.available}
            check(available == expected, f"GET /v1/balance is {available}")
            paged = {}
            for t in stripe.BalanceTransaction.list(limit=3).auto_paging_iter():
                paged[t.currency] = paged.get(t.currency, 0) + t.net
            check(paged == expected, "the balance transactions, auto-paginated, sum to the balance")
            verified = run(payledger, "verify", "--data-dir", data_dir)
            check("ok" in verified.stdout.splitlines(), "verify passes while payledgerd runs")
            head = dict(line.split(" ", 2)[1:] for line in verified.stdout.splitlines()
                        if line.startswith("head "))
            check(len(head["hash"]) == 64, "verify prints the head hash")
            run(payledger, "verify", "--data-dir", data_dir, "--expect-head",
                f"{head['position']}:{head['hash']}")
            bad = run(payledger, "verify", "--data-dir", data_dir, "--expect-head",
                      f"{head['position']}:{'0' * 64}", expect=1)
            check(f"position {head['position']}" in bad.stdout, "a wrong anchor is named")

            rec = json.loads(run(payledger, "reconcile", "--data-dir", data_dir,
                                 "--format", "json").stdout)
            check(rec["differences"] == [], "reconcile: no differences")
            check(rec["views_compared"] and rec["documents_compared"] > 10,
                  "reconcile compared the views' documents")
            nets = {t["currency"]: t["net_minor"] for t in rec["totals"]}
            check(nets == expected, f"reconcile's nets are the balance: {nets}")
            check(all(t["balance_minor"] == t["net_minor"] == t["ledger_net_minor"]
                      for t in rec["totals"]), "log, ledger and balance agree per currency")
            counts = {(c["object"], c["status"]): c["count"] for c in rec["counts"]}
            check(counts[("payment_intent", "succeeded")] == 6, "6 intents succeeded")
            check(counts[("payment_intent", "partially_refunded")] == 2, "2 partly refunded")
            check(counts[("payment_intent", "refunded")] == 2, "2 refunded in full")
            check(counts[("payment_intent", "requires_capture")] == 2, "2 wait for capture")
            check(counts[("payment", "succeeded")] == 2, "2 direct payments succeeded")
            table = run(payledger, "reconcile", "--data-dir", data_dir).stdout
            check("no differences" in table and "90.98" in table, "the table shows usd 90.98")
            early = json.loads(run(payledger, "reconcile", "--data-dir", data_dir, "--format",
                                   "json", "--position", "3").stdout)
            check(early["differences"] == [] and not early["views_compared"],
                  "reconcile at an earlier position")

            csv_path = os.path.join(tmp, "txns.csv")
            run(payledger, "export", "--data-dir", data_dir, "--output", csv_path)
            with open(csv_path, newline="") as f:
                rows = list(csv.DictReader(f))
            check(list(rows[0].keys())[:4] == ["id", "merchant", "created", "created_utc"],
                  "the header comes first, in its stable order")
            sums = {}
            for r in rows:
                sums[r["currency"]] = sums.get(r["currency"], 0) + int(r["net_minor"])
                digits = 0 if r["currency"] == "jpy" else 2
                check(Decimal(r["amount"]) == Decimal(int(r["amount_minor"])).scaleb(-digits),
                      f"{r['id']}: the decimal column is the minor units in {r['currency']}")
            check({c: s for c, s in sums.items()} == expected, "csv: the sums are reconcile's")
            totals = dict(duckdb.sql(
                f"select currency, sum(net_minor)::BIGINT from read_csv('{csv_path}', header=true)"
                " group by currency").fetchall())
            check(totals == expected, f"DuckDB reads the csv unchanged: {totals}")
            lines = run(payledger, "export", "--data-dir", data_dir, "--format", "jsonl").stdout
            check(len(lines.splitlines()) == len(rows), "jsonl: a line per transaction")
            check(json.loads(lines.splitlines()[0])["amount_minor"] == int(rows[0]["amount_minor"]),
                  "jsonl amounts are numbers")
            events = list(csv.DictReader(io.StringIO(run(
                payledger, "export", "--data-dir", data_dir, "--what", "events").stdout)))
            check(len(events) == int(head["position"]), "events: one row per event of the log")
            check(json.loads(events[0]["data"]) is not None, "each event's data is JSON")
            payments = list(csv.DictReader(io.StringIO(run(
                payledger, "export", "--data-dir", data_dir, "--what", "payments").stdout)))
            check(len(payments) == 14, "payments: 12 intents and 2 direct payments")
            none = run(payledger, "export", "--data-dir", data_dir, "--from", "2999-01-01").stdout
            check(none.count("\n") == 1, "--from in the future: the header alone")

            bad = run(payledger, "reconcile", "--data-dir", data_dir, "--at", "last month",
                      expect="nonzero")
            check("--at" in bad.stderr, "a bad --at is refused, naming it")
            run(payledger, "verify", "--data-dir", os.path.join(tmp, "nothing"), expect=2)
        finally:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main()
