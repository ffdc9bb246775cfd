"""payledger listen and payledger trigger, as Stripe's CLI is used: listen forwards the
merchant's events to a receiver that verifies them with Stripe's Python SDK and the secret
listen signs with; trigger causes payment_intent.succeeded and checkout.session.completed; listen
rides out a restart of payledgerd.

Usage: cli_test.py PAYLEDGERD PAYLEDGER"""
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser"))
from harness import KEY, check, serve, wait_for  # noqa: E402

import stripe  # noqa: E402
import http.server  # noqa: E402

SECRET = "whsec_cli_test_secret_0123456789"
RECEIVED = []
LOCK = threading.Lock()


class Hook(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        try:
            event = stripe.Webhook.construct_event(body, self.headers["Stripe-Signature"], SECRET)
            status = 200
            with LOCK:
                RECEIVED.append(event["type"])
        except stripe.SignatureVerificationError:
            status = 400
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, data_dir, port, log):
    proc = subprocess.Popen([binary, "--data-dir", data_dir, "--listen", f"127.0.0.1:{port}",
                             "--bootstrap-key", KEY], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.05)
    raise SystemExit("payledgerd did not start")


def main():
    payledgerd, payledger = sys.argv[1], sys.argv[2]
    receiver = serve(Hook)
    port = free_port()
    api = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        log = open(os.path.join(tmp, "payledgerd.log"), "w")
        server = start(payledgerd, os.path.join(tmp, "db"), port, log)
        out = open(os.path.join(tmp, "listen.out"), "w+")
        listen = subprocess.Popen(
            [payledger, "listen", "--api", api, "--key", KEY, "--secret", SECRET,
             "--forward-to", f"http://127.0.0.1:{receiver.server_address[1]}/hook",
             "--events", "payment_intent.succeeded,checkout.session.*"],
            stdout=out, stderr=subprocess.STDOUT)
        try:
            def printed():
                out.seek(0)
                return out.read()
            wait_for(lambda: "Ready!" in printed(), "listen is ready")
            check(SECRET in printed(), "listen prints the secret it signs with")
            for event in ("payment_intent.succeeded", "checkout.session.completed"):
                subprocess.run([payledger, "trigger", event, "--api", api, "--key", KEY],
                               check=True, capture_output=True)
            # The session's own PaymentIntent succeeds too.
            wanted = ["payment_intent.succeeded", "checkout.session.completed",
                      "payment_intent.succeeded"]
            wait_for(lambda: sorted(RECEIVED) == sorted(wanted),
                     f"the events forwarded and verified by Stripe's SDK (got {RECEIVED})")
            check(True, "trigger caused each event; listen forwarded only the ones asked for")
            check("<--  [200] POST" in printed() and "-->  payment_intent.succeeded" in printed(),
                  "listen prints a line per event and per answer")
            server.terminate()
            server.wait(timeout=30)
            server = start(payledgerd, os.path.join(tmp, "db"), port, log)
            subprocess.run([payledger, "trigger", "payment_intent.succeeded", "--api", api,
                            "--key", KEY], check=True, capture_output=True)
            wait_for(lambda: len(RECEIVED) == 4, "an event after payledgerd's restart forwarded")
            check(True, "listen rode out a restart of payledgerd")
            bad = subprocess.run([payledger, "trigger", "no.such_event", "--key", KEY],
                                 capture_output=True, text=True)
            check(bad.returncode != 0 and "payment_intent.succeeded" in bad.stderr + bad.stdout,
                  "an unknown event is refused, naming those it can cause")
        finally:
            listen.terminate()
            server.terminate()
            server.wait(timeout=30)
            receiver.shutdown()


if __name__ == "__main__":
    main()
