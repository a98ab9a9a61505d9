"""The `--json` form of a program's result (language.md §9.4)."""

from __future__ import annotations

import json
from typing import Any

from ilo_runtime.display import display, sorted_items
from ilo_runtime.values import Closure, Err, FnRef, Ok, Record


class _HasFunction(Exception):
    pass


def json_number(x: float) -> str:
    """`jdmp` number style (builtins.md §8.3)."""
    if x != x or x in (float("inf"), float("-inf")):
        return "null"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    from decimal import Decimal

    sign, digits, exp = Decimal(repr(x)).as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    lead_exp = len(digits) + int(exp) - 1  # decimal exponent of the leading digit
    neg = "-" if sign else ""
    if -5 <= lead_exp <= 15:
        s = format(Decimal(repr(x)), "f")
        if "." not in s:
            s += ".0"
        return s
    mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
    return f"{neg}{mant}e{lead_exp}"


def _value(v: Any) -> str:
    t = type(v)
    if t is float:
        return json_number(v)
    if t is str:
        return json.dumps(v, ensure_ascii=False)
    if t is bool:
        return "true" if v else "false"
    if v is None:
        return "null"
    if t is list:
        return "[" + ",".join(_value(x) for x in v) + "]"
    if t is dict:
        items = sorted(((str(k), x) for k, x in sorted_items(v)), key=lambda kv: kv[0])
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_value(x)}" for k, x in items) + "}"
    if t is Record:
        items = sorted(v.fields.items())
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_value(x)}" for k, x in items) + "}"
    if t is Ok:
        return '{"ok":' + _value(v.value) + "}"
    if t is Err:
        return '{"err":' + _value(v.value) + "}"
    if t is FnRef or t is Closure:
        raise _HasFunction
    return json.dumps(display(v), ensure_ascii=False)


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
