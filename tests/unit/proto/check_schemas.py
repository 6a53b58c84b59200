#!/usr/bin/env python3
"""check_schemas.py: proto/schema against JSON Schema 2020-12, and proto/README.md
against proto/schema.

1. Every file under proto/schema is a valid 2020-12 schema, its $id matches its
   path, and every $ref resolves.
2. Every example in proto/README.md validates: in the section of a method
   (heading "### `name`"), each ```json block holding a request is checked
   against envelope/request.json and the method's params schema, each response
   against envelope/response.json and the method's result schema, each error
   response against envelope/error_response.json; in the section of a stream
   notification, each notification against envelope/notification.json and its
   params schema. Every method and notification must have at least one
   example request/notification and one response.

Needs the `jsonschema` package (Debian: python3-jsonschema); without it, the
script exits 77, which CTest reports as skipped.
"""
import json
import os
import re
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed: skipped")
    sys.exit(77)

PROTO = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../proto")
SCHEMA = os.path.join(PROTO, "schema")
BASE = "https://heapd.invalid/proto/schema/"
failures = []


def fail(msg):
    failures.append(msg)


def load_schemas():
    store = {}
    for root, _, files in os.walk(SCHEMA):
        for f in sorted(files):
            if not f.endswith(".json"):
                continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, SCHEMA)
            with open(path) as fh:
                doc = json.load(fh)
            if doc.get("$id") != BASE + rel:
                fail(f"{rel}: $id is {doc.get('$id')}, expected {BASE + rel}")
            try:
                jsonschema.Draft202012Validator.check_schema(doc)
            except jsonschema.SchemaError as e:
                fail(f"{rel}: not a valid 2020-12 schema: {e.message}")
            store[BASE + rel] = doc
    return store


def make_validator(store):
    """validate(instance, uri) using whatever ref resolution this jsonschema has."""
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        registry = Registry().with_resources(
            [(uri, Resource(contents=doc, specification=DRAFT202012)) for uri, doc in store.items()])

        def validate(instance, uri):
            v = jsonschema.Draft202012Validator({"$ref": uri}, registry=registry)
            return sorted(v.iter_errors(instance), key=lambda e: list(e.path))
    except ImportError:  # jsonschema < 4.18 (Debian 12 ships 4.10)
        def validate(instance, uri):
            resolver = jsonschema.RefResolver(base_uri=uri, referrer={}, store=store)
            v = jsonschema.Draft202012Validator({"$ref": uri}, resolver=resolver)
            return sorted(v.iter_errors(instance), key=lambda e: list(e.path))
    return validate


def check_refs(store, validate):
    # resolving every $ref: validating null against every $defs entry forces resolution
    for uri, doc in store.items():
        for name in doc.get("$defs", {}):
            try:
                validate(None, f"{uri}#/$defs/{name}")
            except Exception as e:  # an unresolvable $ref raises
                fail(f"{uri}#/$defs/{name}: {e}")


def readme_sections(text):
    sections, current = {}, None
    for line in text.splitlines(keepends=True):
        m = re.match(r"^### `([a-z_.]+)`", line)
        if m:
            current = m.group(1)
            sections[current] = ""
        elif line.startswith("## ") or line.startswith("### "):
            current = None
        elif current:
            sections[current] += line
    return sections


def check_readme(validate, methods):
    with open(os.path.join(PROTO, "README.md")) as fh:
        sections = readme_sections(fh.read())
    for m in methods["methods"] + methods["notifications"]:
        name = m["name"]
        is_stream = "topic" in m
        body = sections.get(name)
        if body is None:
            fail(f"README.md: no section ### `{name}`")
            continue
        seen = set()
        for block in re.findall(r"```json\n(.*?)```", body, re.S):
            try:
                msg = json.loads(block)
            except ValueError as e:
                fail(f"README.md {name}: example is not JSON: {e}")
                continue
            kind = "request" if "method" in msg else "error" if "error" in msg else "response"
            where = f"README.md {name} ({kind})"
            if is_stream:
                checks = [(msg, BASE + "envelope/notification.json"),
                          (msg.get("params"), BASE + f"streams/{name}.json#/$defs/params")]
                if msg.get("method") != name:
                    fail(f"{where}: method {msg.get('method')} in the section of {name}")
            elif kind == "request":
                checks = [(msg, BASE + "envelope/request.json"),
                          (msg.get("params", {}), BASE + f"methods/{name}.json#/$defs/params")]
                if msg.get("method") != name:
                    fail(f"{where}: method {msg.get('method')} in the section of {name}")
            elif kind == "response":
                checks = [(msg, BASE + "envelope/response.json"),
                          (msg.get("result"), BASE + f"methods/{name}.json#/$defs/result")]
            else:
                checks = [(msg, BASE + "envelope/error_response.json")]
            seen.add(kind)
            for instance, uri in checks:
                for e in validate(instance, uri):
                    fail(f"{where}: {uri.removeprefix(BASE)} at {list(e.path)}: {e.message}")
        want = {"request"} if is_stream else {"request", "response"}
        if not want <= seen:
            fail(f"README.md {name}: examples lack {sorted(want - seen)}")


def main():
    store = load_schemas()
    validate = make_validator(store)
    check_refs(store, validate)
    with open(os.path.join(PROTO, "methods.json")) as fh:
        methods = json.load(fh)
    for m in methods["methods"]:
        if BASE + f"methods/{m['name']}.json" not in store:
            fail(f"no schema for method {m['name']}")
    for n in methods["notifications"]:
        if BASE + f"streams/{n['name']}.json" not in store:
            fail(f"no schema for notification {n['name']}")
    if "--schemas-only" not in sys.argv:
        check_readme(validate, methods)
    for f in failures:
        print(f)
    print(f"{len(store)} schemas, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
