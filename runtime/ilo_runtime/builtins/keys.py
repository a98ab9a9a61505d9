"""Map-key coercion and structural equality (builtins.md §0).

Map keys are `str` (text) or `int` (number, floored to i64). Key order for `mkeys`, `mvals` and
display is: int keys ascending, then text keys by code point (`display.key_order`).
"""

from __future__ import annotations

import math
from typing import Any

from ..display import key_order
from ..values import Closure, Err, FnRef, Ok, Record
from ._util import got, mnum, rt009, saturate_i64


def number_key(op: str, x: float, what: str = "numeric key") -> int:
    """A number as a map key: floored to an i64; NaN and infinities are rejected."""
    if not math.isfinite(x):
        raise rt009(f"{op}: {what} must be finite, got {mnum(x)}")
    return saturate_i64(float(math.floor(x)))


def map_key(op: str, k: Any) -> int | str:
    """Coerce an ilo value to a map key for builtin `op` (`mget`, `mset`, `mhas`, `mdel`)."""
    if type(k) is str:
        return k
    if type(k) is float:
        return number_key(op, k)
    raise rt009(f"{op}: key must be text or number, {got(k)}")


def key_value(k: int | str) -> float | str:
    """A map key back as an ilo value (int keys become numbers)."""
    return float(k) if type(k) is int else k  # type: ignore[return-value]


def sorted_keys(m: dict) -> list[int | str]:
    """Keys of `m` in ilo key order."""
    return sorted(m, key=key_order)


def struct_eq(a: Any, b: Any) -> bool:
    """Structural equality used by `has`: numbers by IEEE `==`, text by content, lists
    element-wise, maps by content, records by type and fields, Ok/Err by inner value."""
    ta = type(a)
    if ta is not type(b):
        return False
    if ta is float or ta is str or ta is bool:
        return a == b
    if a is None:
        return True
    if ta is list:
        return len(a) == len(b) and all(struct_eq(x, y) for x, y in zip(a, b, strict=True))
    if ta is dict:
        if len(a) != len(b):
            return False
        return all(k in b and struct_eq(v, b[k]) for k, v in a.items())
    if ta is Record:
        if a.type_name != b.type_name or len(a.fields) != len(b.fields):
            return False
        return all(k in b.fields and struct_eq(v, b.fields[k]) for k, v in a.fields.items())
    if ta is Ok or ta is Err:
        return struct_eq(a.value, b.value)
    if ta is FnRef:
        return a.name == b.name
    if ta is Closure:
        return a.name == b.name and struct_eq(list(a.captures), list(b.captures))
    return a == b
