#!/usr/bin/env python3
"""Build step: docs/openapi.yaml -> a C++ source holding it as JSON, which payledgerd serves at
GET /v1/openapi.json. Usage: openapi_json.py OPENAPI_YAML OUTPUT_CC

Fails (exit 1, naming the place) on YAML that is no JSON: a key that is not text (YAML 1.1
reads an unquoted `on` or `no` as a boolean), a date, a value of another kind."""
import json
import sys

import yaml

DELIMITER = "openapi"


def check(value, where):
    if isinstance(value, dict):
        for key, inner in value.items():
            # Status codes (200) may stay unquoted: JSON makes them text.
            if isinstance(key, bool) or not isinstance(key, (str, int)):
                raise SystemExit(f"{where}: key {key!r} is not text; quote it")
            check(inner, f"{where}/{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            check(inner, f"{where}/{i}")
    elif value is not None and not isinstance(value, (str, int, float, bool)):
        raise SystemExit(f"{where}: {value!r} ({type(value).__name__}) is no JSON value; quote it")


def main():
    source, output = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as f:
        description = yaml.safe_load(f)
    check(description, source)
    text = json.dumps(description, ensure_ascii=True, separators=(",", ":"))
    if f'){DELIMITER}"' in text:
        raise SystemExit(f"{source}: the text holds the raw string's end, ){DELIMITER}\"")
    with open(output, "w", encoding="utf-8") as f:
        f.write("// Generated from docs/openapi.yaml by app/openapi_json.py at build time.\n")
        f.write('#include "app/openapi.h"\n\n')
        f.write("namespace payledger::api {\n\n")
        f.write("std::string_view openapi_json() {\n")
        f.write(f'  static constexpr std::string_view kJson = R"{DELIMITER}({text}){DELIMITER}";\n')
        f.write("  return kJson;\n}\n\n}  // namespace payledger::api\n")


if __name__ == "__main__":
    main()
