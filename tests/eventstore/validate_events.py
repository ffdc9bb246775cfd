#!/usr/bin/env python3
"""Validates every event of a JSON-lines file against docs/schemas/events.schema.json, and
checks that every event type of the schema occurs at least once."""
import json
import sys

import jsonschema


def main(schema_path: str, events_path: str) -> int:
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    seen = set()
    passed = failed = 0
    with open(events_path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            event = json.loads(line)
            errors = list(validator.iter_errors(event))
            if errors:
                failed += 1
                print(f"line {number}: {errors[0].message} at {list(errors[0].path)}")
            else:
                passed += 1
            seen.add(event.get("type"))
    missing = set(schema["$defs"]) - seen
    for t in sorted(missing):
        failed += 1
        print(f"no event of type {t} in {events_path}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
