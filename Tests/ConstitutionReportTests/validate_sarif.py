#!/usr/bin/env python3
"""Validate a SARIF log against the official SARIF 2.1.0 JSON schema.

Usage: python3 validate_sarif.py SCHEMA FILE

Exits 0 when FILE is valid, 1 (printing one line per problem) when it is not, 2 on bad usage
or when SCHEMA does not exist: it never reports a file valid without validating it. (The Swift
tests that call it are skipped, and reported as skipped, when the schema is absent.)

Needs the `jsonschema` package. `format` keywords are checked: `uri` (absolute) and
`uri-reference` by RFC 3986 below, because jsonschema checks them only when the optional
`rfc3987` package is installed, and the schema relies on them (`helpUri` must be absolute;
an artifact `uri` must be percent-encoded).

Besides the schema, it checks what constitution promises about its SARIF (README.md, "In CI and before each commit")
and what the SARIF specification says but the schema cannot express:
- every result has locations[0].physicalLocation.region with startLine and startColumn;
- ruleIndex, when present, points at the rule named by ruleId;
- every uriBaseId used is declared in run.originalUriBaseIds.
"""

import json
import os
import re
import sys

# RFC 3986, appendix B: scheme, authority, path, query, fragment.
_SPLIT = re.compile(r"^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*$")
# Characters allowed anywhere in a URI reference; `%` must start a `%XX` escape.
_ALLOWED = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*$")


def is_uri_reference(value):
    if not isinstance(value, str):
        return True
    if not _ALLOWED.match(value):
        return False
    m = _SPLIT.match(value)
    if m is None:
        return False
    scheme, authority, path, query, fragment = m.group(2), m.group(4), m.group(5), m.group(7), m.group(9)
    if scheme is not None and not _SCHEME.match(scheme):
        return False
    if scheme is None and authority is None:
        # A relative-path reference: its first segment may not contain a colon (RFC 3986 4.2).
        first = path.split("/", 1)[0]
        if ":" in first:
            return False
    for part in (path, query or "", fragment or ""):
        if "[" in part or "]" in part:
            return False
    if fragment is not None and "#" in fragment:
        return False
    return True


def is_uri(value):
    if not isinstance(value, str):
        return True
    m = _SPLIT.match(value)
    return is_uri_reference(value) and m is not None and m.group(2) is not None


def contract_problems(doc):
    problems = []
    for r, run in enumerate(doc.get("runs", [])):
        declared = set((run.get("originalUriBaseIds") or {}).keys())
        rules = ((run.get("tool") or {}).get("driver") or {}).get("rules") or []

        def check_base(where, location):
            artifact = (location.get("physicalLocation") or {}).get("artifactLocation") or {}
            base = artifact.get("uriBaseId")
            if base is not None and base not in declared:
                problems.append(f"{where}: uriBaseId {base!r} is not declared in originalUriBaseIds")

        for i, result in enumerate(run.get("results") or []):
            where = f"runs/{r}/results/{i}"
            locations = result.get("locations") or []
            region = ((locations[0] if locations else {}).get("physicalLocation") or {}).get("region") or {}
            if "startLine" not in region or "startColumn" not in region:
                problems.append(f"{where}: locations[0].physicalLocation.region needs startLine and startColumn")
            for location in locations:
                check_base(where, location)
            index = result.get("ruleIndex")
            if index is not None:
                if not 0 <= index < len(rules):
                    problems.append(f"{where}: ruleIndex {index} is outside tool.driver.rules")
                elif rules[index].get("id") != result.get("ruleId"):
                    problems.append(f"{where}: ruleIndex {index} is {rules[index].get('id')!r}, not ruleId {result.get('ruleId')!r}")
            for s, suppression in enumerate(result.get("suppressions") or []):
                if "location" in suppression:
                    check_base(f"{where}/suppressions/{s}", suppression["location"])
        for v, invocation in enumerate(run.get("invocations") or []):
            for n, notification in enumerate(invocation.get("toolExecutionNotifications") or []):
                for location in notification.get("locations") or []:
                    check_base(f"runs/{r}/invocations/{v}/toolExecutionNotifications/{n}", location)
    return problems


def main(argv):
    if len(argv) != 3:
        print("usage: validate_sarif.py SCHEMA FILE", file=sys.stderr)
        return 2
    schema_path, sarif_path = argv[1], argv[2]
    if not os.path.exists(schema_path):
        print(f"validate_sarif.py: no schema at {schema_path}: nothing was validated")
        return 2
    import jsonschema

    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    try:
        with open(sarif_path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{sarif_path}: not JSON: {e}")
        return 1

    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    checker = jsonschema.FormatChecker()
    checker.checks("uri")(is_uri)
    checker.checks("uri-reference")(is_uri_reference)
    validator = cls(schema, format_checker=checker)

    problems = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        problems.append(f"{where}: {error.message}")
    problems += contract_problems(doc)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{sarif_path}: {len(problems)} problem(s)")
        return 1
    print(f"{sarif_path}: valid SARIF 2.1.0")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
