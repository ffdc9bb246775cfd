"""schemathesis hooks for payledger (loaded through SCHEMATHESIS_HOOKS by schemathesis_test.py).

- Form bodies in bracket notation, as Stripe's client libraries send them and docs/openapi.yaml
  describes them (`encoding: deepObject`): `metadata[k]=v`, `line_items[0][price]=...`,
  `enabled_events[0]=...`; booleans as `true`/`false`; null (JSON's "unset") as an empty value;
  an empty object or list as nothing.
  schemathesis's own form encoder would send a nested object's keys only.
- Webhook endpoints' `url`: an http(s) URL is sent as http://127.0.0.1:9/hook (nothing listens
  there), so that payledgerd never delivers anywhere but this machine; schemathesis_test.py also
  starts payledgerd behind a proxy on that closed port, which its libcurl uses for every attempt.
- `Payledger-Position`: a read waits up to 5 s for a position the views have not reached and
  then answers 503 (documented). A number is sent as 1, which the views have passed, so that
  fuzzing does not sleep; anything else goes as generated (a 400 names the header).
"""
import re
import urllib.parse

import schemathesis
from hypothesis.internal import lambda_sources

# Hypothesis names a filter's lambda by parsing its source file; CPython 3.11's ast.parse can then
# fail with "SystemError: AST constructor recursion depth mismatch" (a CPython bug, seen parsing
# schemathesis's coverage module), which ends the run with an error that is nobody's finding. The
# name only labels the strategy: a lambda that cannot be named goes unnamed.
_describe_lambda = lambda_sources._lambda_description


def _lambda_description(f, *args, **kwargs):
    try:
        return _describe_lambda(f, *args, **kwargs)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources._lambda_description = _lambda_description


def _scalar(value):
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def _flatten(prefix, value, out):
    # An empty object or list sends nothing, as Stripe's libraries do.
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}[{key}]" if prefix else str(key), inner, out)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _flatten(f"{prefix}[{i}]", inner, out)
    else:
        out.append((prefix, _scalar(value)))


@schemathesis.serializer("application/x-www-form-urlencoded")
def bracket_form(ctx, value):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, dict):
        pairs = []
        _flatten("", value, pairs)
        return urllib.parse.urlencode(pairs).encode("utf-8")
    # Out of the description (negative tests): a bare value, sent as it is.
    return _scalar(value).encode("utf-8", "surrogatepass")


_NUMBER = re.compile(r"^[0-9]+$")


LOOPBACK_HOOK = "http://127.0.0.1:9/hook"


@schemathesis.hook
def before_call(context, case, kwargs):
    if "/webhook_endpoints" in case.path and isinstance(case.body, dict):
        url = case.body.get("url")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            case.body["url"] = LOOPBACK_HOOK
    for headers in (case.headers, kwargs.get("headers")):
        if not headers:
            continue
        for name in list(headers):
            if name.lower() == "payledger-position" and _NUMBER.match(str(headers[name])):
                headers[name] = "1"
