#!/usr/bin/env python3
"""The Kubernetes CRDs in deploy/kubernetes/crds/ (and their copy in charts/hivekeeper/crds/)
match the manifests' JSON Schemas.

1. `scripts/gen-crds --check`: the committed CRDs, both copies, are exactly what the generator makes from
   manifests/schema/*.schema.json today (a changed description is enough to fail).
2. The generator's translation rules, on small synthetic schemas: each rule translates as its
   comment says, and constructs without a translation are errors, not silently dropped.
3. Each committed CRD: apiextensions.k8s.io/v1, the names, the status subresource, and an
   openAPIV3Schema that passes gen-crds' structural checks (Kubernetes' rules for structural
   schemas, as far as the generator can break them).
4. The CRD accepts what the runner accepts: every example manifest (manifests/*.yaml|json,
   deploy/compose/demo/manifests/*.yaml) validates against its kind's openAPIV3Schema with the
   independent `jsonschema` library (Draft 4, which the OpenAPI 3.0 subset of a CRD schema is;
   `x-kubernetes-*`, `nullable`, `example` are ignored by it), and none of its fields would be
   pruned by the API server. metadata is checked as Kubernetes does: the CRD's name restriction
   plus ObjectMeta's own types for namespace, labels and annotations.
5. The CRD rejects what the runner rejects, at the same fields: for every manifest in
   tests/data/manifests/invalid/, the fields the CRD schema refuses, plus the fields the API
   server would prune (which kubectl's default Strict field validation refuses), are exactly the
   fields its .errors file lists (the runner's own messages, checked by the unit tests).

Not checked here: a real API server's verdict. kubectl (scripts/fetch-k8s-tools fetches one)
cannot validate a CRD offline: `kubectl create --dry-run=client -f` still asks an API server for
its resource list, and there is no cluster in the tests.
"""
import argparse
import glob
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys

import jsonschema
import yaml


def load_generator(root):
    sys.dont_write_bytecode = True  # no scripts/__pycache__ in the source tree
    path = os.path.join(root, "scripts/gen-crds")
    loader = importlib.machinery.SourceFileLoader("gen_crds", path)
    spec = importlib.util.spec_from_loader("gen_crds", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def rule_failures(gen):
    """Each translation rule on a synthetic schema; returns a list of failure messages."""
    failures = []

    def expect(name, schema, expected, root=None):
        try:
            got = gen.translate(schema, root or schema, "x")
        except gen.TranslationError as error:
            got = f"error: {error}"
        if got != expected:
            failures.append(f"rule {name}: expected {expected!r}, got {got!r}")

    def expect_error(name, schema, fragment, root=None):
        try:
            got = gen.translate(schema, root or schema, "x")
        except gen.TranslationError as error:
            if fragment not in str(error):
                failures.append(f"rule {name}: error {error} does not mention {fragment!r}")
            return
        failures.append(f"rule {name}: expected an error mentioning {fragment!r}, got {got!r}")

    string = {"type": "string"}
    expect("R3 drops additionalProperties: false",
           {"type": "object", "additionalProperties": False, "properties": {"a": string}},
           {"type": "object", "properties": {"a": string}})
    expect("R3 keeps a map's additionalProperties",
           {"type": "object", "additionalProperties": string},
           {"type": "object", "additionalProperties": string})
    expect("R3 additionalProperties: true preserves unknown fields",
           {"type": "object", "additionalProperties": True},
           {"type": "object", "x-kubernetes-preserve-unknown-fields": True})
    expect_error("R3 properties with an additionalProperties schema",
                 {"type": "object", "properties": {"a": string}, "additionalProperties": string},
                 "cannot be structural")
    expect("R4 const", {"type": "string", "const": "v"}, {"type": "string", "enum": ["v"]})
    expect("R5 nullable", {"type": ["integer", "null"]}, {"type": "integer", "nullable": True})
    expect_error("R5 other type lists", {"type": ["integer", "string"]}, "no structural equivalent")
    expect("R6 $ref inlined",
           {"type": "object", "properties": {"a": {"$ref": "#/$defs/s", "description": "A."}}},
           {"type": "object", "properties": {"a": {"type": "string", "minLength": 1, "description": "A."}}},
           root={"$defs": {"s": {"type": "string", "minLength": 1}}})
    expect_error("R6 recursive $ref", {"$ref": "#/$defs/n"}, "recursive",
                 root={"$defs": {"n": {"type": "object", "properties": {"next": {"$ref": "#/$defs/n"}}}}})
    expect_error("R6 dangling $ref", {"$ref": "#/$defs/missing"}, "exists", root={"$defs": {}})
    expect("R7 examples", {"type": "integer", "examples": [3, 4]}, {"type": "integer", "example": 3})
    expect_error("R8 no type", {"description": "anything"}, "has no type")
    expect_error("R8 array without items", {"type": "array"}, "items")
    for keyword, value in [("oneOf", [string]), ("anyOf", [string]), ("allOf", [string]),
                           ("not", string), ("format", "email"), ("patternProperties", {}),
                           ("uniqueItems", True), ("if", string)]:
        expect_error(f"unknown keyword {keyword}", {"type": "string", keyword: value}, keyword)
    expect_error("nested unknown keyword",
                 {"type": "object", "properties": {"a": {"type": "string", "const": "x", "format": "uri"}}},
                 "format")
    return failures


def dotted(path, name=None):
    text = ""
    for part in list(path) + ([name] if name is not None else []):
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def schema_error_paths(validator, document):
    paths = set()
    for error in validator.iter_errors(document):
        if error.validator == "required":
            for name in error.validator_value:
                if isinstance(error.instance, dict) and name not in error.instance:
                    paths.add(dotted(error.absolute_path, name))
        else:
            paths.add(dotted(error.absolute_path))
    return paths


def pruned_paths(value, schema, path=()):
    """Fields the API server would prune: not in `properties` of a node that does not preserve
    unknown fields (for a map, additionalProperties describes every value)."""
    found = set()
    if isinstance(value, dict) and schema.get("type") == "object":
        properties = schema.get("properties", {})
        mapped = schema.get("additionalProperties")
        for name, child in value.items():
            if name in properties:
                found |= pruned_paths(child, properties[name], path + (name,))
            elif isinstance(mapped, dict):
                found |= pruned_paths(child, mapped, path + (name,))
            elif not schema.get("x-kubernetes-preserve-unknown-fields"):
                found.add(dotted(path, name))
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, child in enumerate(value):
            found |= pruned_paths(child, schema["items"], path + (index,))
    return found


def as_kubernetes_sees_it(openapi, gen):
    """The CRD schema with metadata as the API server checks it: ObjectMeta's fields and types,
    with the CRD's restrictions on name."""
    schema = json.loads(json.dumps(openapi))
    metadata = schema["properties"]["metadata"]
    metadata["properties"] = {**gen.OBJECT_META, **metadata.get("properties", {})}
    return schema


def flagged_paths(document, schema):
    validator = jsonschema.Draft4Validator(schema)
    return schema_error_paths(validator, document) | pruned_paths(document, schema)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    failures = []

    check = subprocess.run([sys.executable, os.path.join(root, "scripts/gen-crds"), "--check",
                            "--root", root], capture_output=True, text=True)
    if check.returncode != 0:
        failures.append(f"scripts/gen-crds --check exits {check.returncode}:\n{check.stdout}{check.stderr}")
    else:
        print("ok   scripts/gen-crds --check: the committed CRDs match the schemas")

    gen = load_generator(root)
    rules = rule_failures(gen)
    failures += rules
    if not rules:
        print("ok   translation rules R3-R8 and the errors for untranslated keywords")

    schemas = {}
    for _, kind, plural, singular, short_name in gen.CRDS:
        relative = f"{gen.OUTPUT_DIRS[0]}/{plural}.{gen.GROUP}.yaml"
        with open(os.path.join(root, relative)) as f:
            crd = yaml.safe_load(f)
        spec = crd["spec"]
        version = spec["versions"][0] if len(spec["versions"]) == 1 else {}
        shape = [
            (crd["apiVersion"], "apiextensions.k8s.io/v1"),
            (crd["kind"], "CustomResourceDefinition"),
            (crd["metadata"]["name"], f"{plural}.{gen.GROUP}"),
            (spec["group"], gen.GROUP),
            (spec["scope"], "Namespaced"),
            ((spec["names"]["kind"], spec["names"]["plural"], spec["names"]["singular"]), (kind, plural, singular)),
            (spec["names"].get("shortNames"), [short_name]),
            ((version.get("name"), version.get("served"), version.get("storage")), (gen.VERSION, True, True)),
            (version.get("subresources"), {"status": {}}),
        ]
        wrong = [f"{got!r} (expected {expected!r})" for got, expected in shape if got != expected]
        openapi = version.get("schema", {}).get("openAPIV3Schema", {})
        problems = gen.structural_problems(openapi)
        try:
            jsonschema.Draft4Validator.check_schema(openapi)
        except jsonschema.SchemaError as error:
            problems.append(f"not a valid Draft 4 schema: {error.message}")
        if wrong or problems:
            failures.append(f"{relative}: " + "; ".join(wrong + problems))
        else:
            print(f"ok   {relative}: a v1 CRD with the status subresource and a structural schema")
        schemas[kind] = as_kubernetes_sees_it(openapi, gen)

    examples = sorted(glob.glob(os.path.join(root, "manifests/*.yaml")) +
                      glob.glob(os.path.join(root, "manifests/*.json")) +
                      glob.glob(os.path.join(root, "deploy/compose/demo/manifests/*.yaml")))
    invalid = sorted(glob.glob(os.path.join(root, "tests/data/manifests/invalid/*.yaml")) +
                     glob.glob(os.path.join(root, "tests/data/manifests/invalid/*.json")))
    if not examples or not invalid:
        failures.append(f"found {len(examples)} examples and {len(invalid)} invalid manifests; expected some of each")

    for path in examples + invalid:
        name = os.path.relpath(path, root)
        with open(path) as f:
            document = yaml.safe_load(f)
        kind = document.get("kind")
        if kind not in schemas:
            failures.append(f"{name}: kind {kind!r} has no CRD")
            continue
        flagged = flagged_paths(document, schemas[kind])
        if path in examples:
            expected = set()
        else:
            with open(os.path.splitext(path)[0] + ".errors") as f:
                expected = {line.split(": ", 1)[0] for line in f if line.strip()}
        if flagged != expected:
            failures.append(f"{name}: the {kind} CRD flags {sorted(flagged) or 'nothing'}, "
                            f"the runner {sorted(expected) or 'nothing'}")
        elif expected:
            print(f"ok   {name}: the CRD refuses {', '.join(sorted(flagged))}, as the runner does")
        else:
            print(f"ok   {name}: valid for the {kind} CRD, nothing pruned")

    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
