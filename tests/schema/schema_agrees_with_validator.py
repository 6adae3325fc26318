#!/usr/bin/env python3
"""The manifest JSON Schema and the runner's validator agree.

Every example manifest in manifests/ must be valid for both the JSON Schema (checked here with the
independent `jsonschema` library) and `hivekeeper validate`; every manifest in
tests/data/manifests/invalid/ must be invalid for both. The runner compiles the same schema file
in, so this guards the subset of JSON Schema it implements, and the examples users copy.
"""
import argparse
import glob
import json
import os
import subprocess
import sys

import jsonschema
import yaml


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--root", required=True)
    args = parser.parse_args()

    validators = {}
    for kind, file in [("BackupJob", "backupjob"), ("RestoreJob", "restorejob"), ("DrillJob", "drilljob")]:
        with open(os.path.join(args.root, f"manifests/schema/{file}.schema.json")) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        validators[kind] = jsonschema.Draft202012Validator(schema)

    examples = sorted(glob.glob(os.path.join(args.root, "manifests/*.yaml")) +
                      glob.glob(os.path.join(args.root, "manifests/*.json")))
    invalid = sorted(glob.glob(os.path.join(args.root, "tests/data/manifests/invalid/*.yaml")))
    if not examples or not invalid:
        print(f"FAIL: found {len(examples)} examples and {len(invalid)} invalid manifests; expected some of each")
        return 1

    failures = 0
    for path, expected_valid in [(p, True) for p in examples] + [(p, False) for p in invalid]:
        with open(path) as f:
            try:
                document = yaml.safe_load(f)
                kind = document.get("kind") if isinstance(document, dict) else None
                validator = validators.get(kind, validators["BackupJob"])
                schema_errors = [e.message for e in validator.iter_errors(document)]
            except yaml.YAMLError as error:
                schema_errors = [f"YAML: {error}"]
        runner = subprocess.run([args.binary, "validate", "-f", path], capture_output=True, text=True)
        schema_valid = not schema_errors
        runner_valid = runner.returncode == 0
        name = os.path.relpath(path, args.root)
        if schema_valid != expected_valid or runner_valid != expected_valid:
            failures += 1
            print(f"FAIL {name}: expected {'valid' if expected_valid else 'invalid'}; "
                  f"jsonschema says {'valid' if schema_valid else schema_errors}, "
                  f"hivekeeper validate exits {runner.returncode}: {runner.stderr.strip()}")
        elif not expected_valid and runner.returncode != 2:
            failures += 1
            print(f"FAIL {name}: hivekeeper validate exits {runner.returncode}, expected 2 for invalid input")
        else:
            print(f"ok   {name}: {'valid' if expected_valid else 'invalid'} for both")
    print(f"{len(examples) + len(invalid) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
