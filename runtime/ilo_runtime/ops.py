"""Operators and value access with ilo's run-time checks (language.md §4.2, §4.8, §4.12, §7).

The fallback tier calls these where the compiler could not prove the operand types; where it
could, it emits the plain Python operator instead (same result, no call).
"""

from __future__ import annotations

import math
from typing import Any

from .display import debug, display
from .errors import IloRuntimeError
from .values import Closure, Err, FnRef, Ok, Record, truthy

EPSILON = 2.220446049250313e-16
# Nested ilo calls every tier allows; one more raises ILO-R010 with RECURSION_MESSAGE. Native
# code counts calls exactly; the fallback tier bounds Python frames to the same number.
RECURSION_LIMIT = 10_000
RECURSION_MESSAGE = f"recursion depth exceeded (limit {RECURSION_LIMIT})"
# Python's recursion limit while the fallback tier runs: one frame per direct ilo call (3.11 runs
# Python-to-Python calls without C recursion), plus room for the caller's own frames.
FALLBACK_RECURSION_LIMIT = RECURSION_LIMIT + 200

_OP_NAMES = {
    "+": "Add",
    "-": "Subtract",
    "*": "Multiply",
    "/": "Divide",
    ">": "GreaterThan",
    "<": "LessThan",
    ">=": "GreaterOrEqual",
    "<=": "LessOrEqual",
    "+=": "Append",
}


def unsupported(op: str, a: Any, b: Any) -> IloRuntimeError:
    return IloRuntimeError(
        "ILO-R004", f"unsupported operation: {_OP_NAMES[op]} on {debug(a)} and {debug(b)}"
    )


def add(a: Any, b: Any) -> Any:
    ta = type(a)
    if ta is type(b) and (ta is float or ta is str or ta is list):
        return a + b
    raise unsupported("+", a, b)


def sub(a: Any, b: Any) -> float:
    if type(a) is float and type(b) is float:
        return a - b
    raise unsupported("-", a, b)


def mul(a: Any, b: Any) -> float:
    if type(a) is float and type(b) is float:
        return a * b
    raise unsupported("*", a, b)


def div(a: Any, b: Any) -> float:
    if type(a) is float and type(b) is float:
        if b == 0.0:
            raise IloRuntimeError("ILO-R003", "division by zero")
        return a / b
    raise unsupported("/", a, b)


def _comparable(a: Any, b: Any) -> bool:
    ta = type(a)
    return ta is type(b) and (ta is float or ta is str)


def lt(a: Any, b: Any) -> bool:
    if _comparable(a, b):
        return a < b
    raise unsupported("<", a, b)


def gt(a: Any, b: Any) -> bool:
    if _comparable(a, b):
        return a > b
    raise unsupported(">", a, b)


def le(a: Any, b: Any) -> bool:
    if _comparable(a, b):
        return a <= b
    raise unsupported("<=", a, b)


def ge(a: Any, b: Any) -> bool:
    if _comparable(a, b):
        return a >= b
    raise unsupported(">=", a, b)


def eq(a: Any, b: Any) -> bool:
    """`=`: numbers within EPSILON, texts and bools by value, nil=nil; everything else unequal."""
    ta = type(a)
    if ta is not type(b):
        return False
    if ta is float:
        return abs(a - b) < EPSILON
    if ta is str or ta is bool:
        return a == b
    return a is None


def ne(a: Any, b: Any) -> bool:
    return not eq(a, b)


def neg(a: Any) -> float:
    if type(a) is float:
        return -a
    raise IloRuntimeError("ILO-R004", "cannot negate non-number")


def append(xs: Any, v: Any) -> list:
    if type(xs) is list:
        return [*xs, v]
    raise unsupported("+=", xs, v)


def field(obj: Any, name: str) -> Any:
    if type(obj) is not Record:
        raise IloRuntimeError("ILO-R005", f"cannot access field '{name}' on non-record")
    try:
        return obj.fields[name]
    except KeyError:
        raise IloRuntimeError("ILO-R005", f"no field '{name}' on record") from None


def safe_field(obj: Any, name: str) -> Any:
    if type(obj) is not Record:
        return None
    return obj.fields.get(name)


def index(obj: Any, i: int) -> Any:
    if type(obj) is not list:
        raise IloRuntimeError("ILO-R006", "index access on non-list")
    if i >= len(obj):
        raise IloRuntimeError("ILO-R006", f"list index {i} out of bounds (len {len(obj)})")
    return obj[i]


def safe_index(obj: Any, i: int) -> Any:
    if obj is None:
        return None
    return index(obj, i)


def with_(obj: Any, updates: dict[str, Any]) -> Record:
    if type(obj) is not Record:
        raise IloRuntimeError("ILO-R008", "'with' requires a record")
    fields = dict(obj.fields)
    fields.update(updates)
    return Record(obj.type_name, fields)


def destructure(obj: Any, names: tuple[str, ...]) -> list[Any]:
    if type(obj) is not Record:
        raise IloRuntimeError("ILO-R005", "destructure requires a record")
    out = []
    for n in names:
        if n not in obj.fields:
            raise IloRuntimeError("ILO-R005", f"no field '{n}' on record")
        out.append(obj.fields[n])
    return out


_I64_MAX = (1 << 63) - 1
_I64_MIN = -(1 << 63)


def range_bound(x: Any, which: str) -> int:
    """Range bounds are truncated toward zero; NaN -> 0, infinities saturate to 64 bits."""
    if type(x) is not float:
        raise IloRuntimeError("ILO-R007", f"range {which} must be a number")
    if x != x:
        return 0
    if math.isinf(x):
        return _I64_MAX if x > 0 else _I64_MIN
    # Finite bounds beyond 64 bits saturate too, as native code (and Rust's `as i64`) does.
    return max(_I64_MIN, min(_I64_MAX, int(x)))


def foreach_list(x: Any) -> list:
    if type(x) is not list:
        raise IloRuntimeError("ILO-R007", "foreach requires a list")
    return x


def unwrap_panic(v: Any) -> Any:
    """`!!` on a value: ok -> inner, err/nil -> R026, anything else passes through."""
    t = type(v)
    if t is Ok:
        return v.value
    if t is Err:
        raise IloRuntimeError("ILO-R026", "panic-unwrap: " + display(v.value))
    if v is None:
        raise IloRuntimeError("ILO-R026", "panic-unwrap: expected value, got nil")
    return v


def make_tool_call(name: str):
    """A tool without a provider: report the call on stderr and return `~nil`."""

    def call(*args: Any) -> Ok:
        import sys

        sys.stderr.write(f"tool call: {name}({', '.join(display(a) for a in args)})\n")
        sys.stderr.flush()
        return Ok(None)

    return call


__all__ = [
    "Closure",
    "FnRef",
    "truthy",
]
