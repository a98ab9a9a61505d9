"""The `--json` form of a program's result (language.md §9.4)."""

from __future__ import annotations

import json
from typing import Any

from ilo_runtime.builtins.json_ import jdmp_value, json_string
from ilo_runtime.display import display, display_key
from ilo_runtime.values import Closure, Err, FnRef, Ok, Record


class _HasFunction(Exception):
    pass


def _value(v: Any) -> str:
    """`jdmp`'s JSON, except that nested results become {"ok": v} / {"err": v}."""
    t = type(v)
    if t is list:
        return "[" + ",".join(_value(x) for x in v) + "]"
    if t is dict:
        items = sorted((display_key(k), x) for k, x in v.items())
        return "{" + ",".join(f"{json_string(k)}:{_value(x)}" for k, x in items) + "}"
    if t is Record:
        items = sorted(v.fields.items())
        return "{" + ",".join(f"{json_string(k)}:{_value(x)}" for k, x in items) + "}"
    if t is Ok:
        return '{"ok":' + _value(v.value) + "}"
    if t is Err:
        return '{"err":' + _value(v.value) + "}"
    if t is FnRef or t is Closure:
        raise _HasFunction
    return jdmp_value(v)


def json_result(value: Any) -> tuple[str, bool]:
    """Returns the stdout line and whether the result is an err (exit 1)."""
    is_err = type(value) is Err
    inner = value.value if type(value) in (Ok, Err) else value
    try:
        v = _value(inner)
    except _HasFunction:
        v = json.dumps(display(inner), ensure_ascii=False)
    if is_err:
        return '{"error":{"phase":"program","value":' + v + "}}", True
    return '{"ok":' + v + "}", False
