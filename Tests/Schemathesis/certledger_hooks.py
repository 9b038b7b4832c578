"""Schemathesis hooks for CertLedger's OpenAPI document (Tests/LedgerServerTests/OpenAPIConformanceTests.swift).

What JSON Schema cannot say, said here for the generator: the `uscc` string format (GB 32100-2015, two check
characters, also inside a `license:` map key), and the rules between two query parameters that the document states in prose (index < size,
from <= to). Requests generated to break the document's own rules are left as they are.
"""

import json
import re

import schemathesis
from hypothesis import strategies as st

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
AUTHORITIES = "123456789ANY"
ORGANISATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def organisation_check(body):
    """GB 11714: digits are their value, letters A=10 ... Z=35; 11 - (sum mod 11), 10 is X, 11 is 0."""
    total = sum((int(c) if c.isdigit() else ord(c) - ord("A") + 10) * w for c, w in zip(body, ORGANISATION_WEIGHTS))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_check(first17):
    """GB 32100: weights 3^i mod 31 over positions 1-17, C18 = 31 - (sum mod 31), 31 meaning 0."""
    total = sum(ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return ALPHABET[(31 - total % 31) % 31]


@st.composite
def uscc(draw):
    authority = draw(st.sampled_from(AUTHORITIES))
    category = draw(st.sampled_from(ALPHABET[1:10]))
    division = draw(st.text("0123456789", min_size=6, max_size=6))
    # An organisation code whose own check character is a code character (X is not: I, O, Z, S, V never are).
    body = draw(st.text(ALPHABET, min_size=8, max_size=8).filter(lambda b: organisation_check(b) != "X"))
    first17 = authority + category + division + body + organisation_check(body)
    return first17 + uscc_check(first17)


schemathesis.openapi.format("uscc", uscc())


@st.composite
def map_key(draw):
    kind = draw(st.sampled_from(["license", "seal", "document"]))
    if kind == "license":
        return "license:" + draw(uscc())
    if kind == "seal":
        return "seal:" + draw(st.text("0123456789", min_size=6, max_size=6)) + draw(
            st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=26))
    algorithm = draw(st.sampled_from(["sha256", "sm3"]))
    return "document:" + algorithm + ":" + draw(st.text("0123456789abcdef", min_size=64, max_size=64))


schemathesis.openapi.format("map-key", map_key())


WELL_FORMED = re.compile(r"^[1-9ANY][0-9A-HJ-NPQRTUW-Y][0-9]{6}[0-9A-HJ-NPQRTUW-Y]{10}$")


def with_check_characters(value):
    """A well-formed USCC (the document's pattern) given its two check characters; anything else unchanged, so
    that requests generated to break the document's rules still break them."""
    if not isinstance(value, str) or not WELL_FORMED.match(value):
        return value
    body = value[8:16]
    while organisation_check(body) == "X":
        body = body[:7] + ALPHABET[(ALPHABET.index(body[7]) + 1) % len(ALPHABET)]
    first17 = value[:8] + body + organisation_check(body)
    return first17 + uscc_check(first17)


def as_count(value):
    """A query number as an int (generators send ints, or their decimal text), or None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and (value == "0" or value[0] != "0"):
        return int(value)
    return None


def reorder(query, low, high, strict):
    """Swaps query[low] and query[high] (keeping each one's spelling) when both are numbers out of order."""
    a, b = as_count(query.get(low)), as_count(query.get(high))
    if a is None or b is None or (a < b if strict else a <= b):
        return
    if a == b:
        if b == 0:
            return
        query[low] = type(query[low])(a - 1)
        return
    query[low], query[high] = type(query[low])(b), type(query[high])(a)


@schemathesis.hook
def map_case(ctx, case):
    """Gives generated USCCs their check characters (schemathesis's coverage phase draws from the pattern, not the
    format), and orders index < size and from <= to, the rules the document states in prose."""
    if isinstance(case.path_parameters, dict) and "uscc" in case.path_parameters:
        case.path_parameters["uscc"] = with_check_characters(case.path_parameters["uscc"])
    if isinstance(case.body, dict):
        for key in ("uscc", "holder"):
            if key in case.body:
                case.body[key] = with_check_characters(case.body[key])
    if isinstance(case.query, dict):
        key = case.query.get("key")
        if isinstance(key, str) and key.startswith("license:"):
            case.query["key"] = "license:" + with_check_characters(key[len("license:"):])
        reorder(case.query, "index", "size", strict=True)
        reorder(case.query, "from", "to", strict=False)
    return case


@schemathesis.serializer("application/x-ndjson")
def ndjson_serializer(ctx, value):
    """POST /v1/submissions/bulk: one JSON value per line. A generated array becomes its items, one a line; anything
    else (what the negative phase makes) goes as one line, so the server judges that line."""
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items).encode("utf-8")


@schemathesis.deserializer("application/x-ndjson")
def ndjson_deserializer(ctx, response):
    """A bulk answer: the list of its lines' JSON values, checked against the document's array schema. Split on
    newline bytes only: a quoted input in an error message may hold U+0085 or U+2028, which `splitlines` would also
    take for line ends (JSON strings carry them unescaped)."""
    return [json.loads(line) for line in response.content.split(b"\n") if line]
