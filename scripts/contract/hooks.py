"""schemathesis hooks for scripts/contract-test.

The server remembers every Idempotency-Key it has answered, and refuses a key sent again with a
different request (422, as the IETF draft asks). The fuzzer draws keys from a small space ("0"
comes up in every phase), so its well-formed requests would reuse keys and be refused for a
reason no schema can state. A key the document allows that this run has already sent is replaced
by a fresh one, also allowed; a key the document refuses is sent as drawn, so the server's
refusal of malformed keys is still tested."""

import re
import uuid

import schemathesis

HEADER = "Idempotency-Key"
_sent = set()


def _key_schema(case):
    for param in case.operation.definition.raw.get("parameters", []):
        if param.get("in") == "header" and param.get("name") == HEADER:
            return param["schema"]
    return None


def _allowed(value, schema):
    return (
        isinstance(value, str)
        and schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", len(value))
        and re.search(schema["pattern"], value) is not None
    )


def _as_server_reads(value):
    """The key the server records: without surrounding spaces and tabs, and unquoted."""
    value = value.strip(" \t")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r'\\(.)', r"\1", value[1:-1])
    return value


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    # Only well-formed requests: a malformed one is refused before its key is looked up, and
    # changing it could make it well-formed.
    meta = case.meta
    if meta is None or meta.generation.mode.value != "positive":
        return
    headers = case.headers or {}
    name = next((h for h in headers if h.lower() == HEADER.lower()), None)
    schema = _key_schema(case)
    if name is None or schema is None or not _allowed(headers[name], schema):
        return
    if _as_server_reads(headers[name]) in _sent:
        headers[name] = str(uuid.uuid4())
    _sent.add(_as_server_reads(headers[name]))
