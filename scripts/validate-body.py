#!/usr/bin/env python3
"""Validates request bodies against docs/request-body.schema.json.

Usage: validate-body.py FILE...   (or a body on standard input with no FILE)
Exit 0 when every body is valid; 1 with one line per error otherwise. Needs the jsonschema module.
"""
import json
import pathlib
import sys

import jsonschema

SCHEMA = json.loads((pathlib.Path(__file__).resolve().parent.parent / "docs" / "request-body.schema.json").read_text())


def main(paths):
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    bodies = [(p, pathlib.Path(p).read_bytes()) for p in paths] or [("<stdin>", sys.stdin.buffer.read())]
    failed = False
    for name, data in bodies:
        for error in validator.iter_errors(json.loads(data)):
            failed = True
            print(f"{name}: {error.json_path}: {error.message}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
