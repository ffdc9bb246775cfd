"""schemathesis over every /v1 operation of payledgerd, against the description it serves.

Usage: schemathesis_test.py PAYLEDGERD OUTPUT_DIR

Starts payledgerd on a fresh data dir and an ephemeral port, loads GET /v1/openapi.json and runs
schemathesis (tests/api/setup.sh installs it, pinned) with the merchant's key: examples, the
coverage phase, random fuzzing and stateful sequences along the description's links (create ->
retrieve -> confirm -> capture -> refund ...). Checks: no 5xx, and every response's status code,
content type and body conform to the description. A dropped connection (payledgerd crashing, or
closing a connection without an answer) fails the run, and so does payledgerd not being alive
at the end.

The seed is printed; PAYLEDGER_SCHEMATHESIS_SEED=N replays the generated cases (with two workers
their order, and so the server's state between them, can differ from run to run).
PAYLEDGER_SCHEMATHESIS_EXAMPLES sets the examples per operation (default below).
Reports (JUnit, and a pytest file reproducing failures) land in OUTPUT_DIR.
"""
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "browser"))
from harness import KEY, start_payledgerd  # noqa: E402

CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
])
CLOSED_PROXY = "http://127.0.0.1:9"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
# Tuned on the project's 2-core machine: the whole test takes about a minute (under 3).
DEFAULT_EXAMPLES = 40
TIME_LIMIT_SECONDS = 420


def main():
    binary, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    seed_text = os.environ.get("PAYLEDGER_SCHEMATHESIS_SEED", "")
    seed = int(seed_text) if seed_text else random.randrange(1, 2**31)
    examples = int(os.environ.get("PAYLEDGER_SCHEMATHESIS_EXAMPLES", DEFAULT_EXAMPLES))
    print(f"schemathesis seed: {seed} (replay: PAYLEDGER_SCHEMATHESIS_SEED={seed} "
          f"ctest -R openapi_schemathesis); {examples} examples per operation", flush=True)
    schemathesis = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    with tempfile.TemporaryDirectory() as tmp:
        # Webhook deliveries (to whatever URL the fuzzer gives an endpoint) go through a proxy on a
        # closed port of this machine: each attempt fails at once, and nothing leaves it.
        saved = dict(os.environ)
        os.environ.update({name: CLOSED_PROXY for name in PROXY_VARIABLES})
        os.environ.pop("no_proxy", None)
        os.environ.pop("NO_PROXY", None)
        try:
            proc, port = start_payledgerd(binary, tmp)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        started = time.time()
        try:
            base = f"http://127.0.0.1:{port}"
            direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with direct.open(base + "/v1/openapi.json", timeout=30) as r:
                description = json.load(r)
            operations = sum(1 for path, item in description["paths"].items()
                             if path.startswith("/v1/")
                             for method in item if method in ("get", "post", "delete"))
            print(f"payledgerd on port {port}; {operations} /v1 operations described", flush=True)
            env = {name: value for name, value in os.environ.items()
                   if name not in PROXY_VARIABLES + ("HTTP_PROXY",)}
            env["SCHEMATHESIS_HOOKS"] = os.path.join(HERE, "schemathesis_hooks.py")
            command = [
                schemathesis, "--config-file", os.path.join(HERE, "schemathesis.toml"),
                "run", base + "/v1/openapi.json",
                "--include-path-regex", "^/v1/",
                "--checks", CHECKS,
                "--auth", f"{KEY}:",
                "--seed", str(seed),
                "--max-examples", str(examples),
                "--phases", "examples,coverage,fuzzing,stateful",
                "--workers", "2",
                "--request-timeout", "30",
                "--request-retries", "0",
                "--generation-database", "none",
                "--suppress-health-check", "all",
                "--max-failures", "50",
                "--no-color",
                "--report", "junit,pytest",
                "--report-dir", out_dir,
            ]
            try:
                run = subprocess.run(command, env=env, cwd=out_dir, timeout=TIME_LIMIT_SECONDS)
                status = run.returncode
            except subprocess.TimeoutExpired:
                print(f"FAILED: schemathesis ran longer than {TIME_LIMIT_SECONDS} s")
                status = 1
            alive = proc.poll() is None
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        took = time.time() - started
        if not alive:
            print("FAILED: payledgerd died during the run; its log:")
            with open(os.path.join(tmp, "payledgerd.log")) as log:
                print(log.read()[-4000:])
            status = 1
    print(f"schemathesis exit {status} after {took:.0f} s (seed {seed})")
    if status != 0:
        print(f"replay: PAYLEDGER_SCHEMATHESIS_SEED={seed} ctest --test-dir build -R "
              "openapi_schemathesis --output-on-failure")
    return 0 if status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
