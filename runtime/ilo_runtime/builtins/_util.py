"""Small helpers shared by the builtin groups: error construction and number coercions
(builtins.md §0)."""

from __future__ import annotations

import math
from typing import Any

from ..display import debug, message_num
from ..errors import IloRuntimeError

R009 = "ILO-R009"
I64_MAX = 9223372036854775807
I64_MIN = -9223372036854775808
_TWO_63 = 9223372036854775808.0


class _Missing:
    """Marker for an omitted optional argument (overloads by arity)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def rt009(message: str) -> IloRuntimeError:
    """An `ILO-R009` runtime error with `message`."""
    return IloRuntimeError(R009, message)


def is_num(x: object) -> bool:
    """ilo numbers are Python floats (bools are not numbers)."""
    return type(x) is float


def got(v: Any) -> str:
    """`got D` suffix of many messages."""
    return "got " + debug(v)


def mnum(x: float) -> str:
    """A number inside a message (`<n>`)."""
    return message_num(x)


def strict_int(x: Any) -> int | None:
    """The integer value of a finite integral number, else None (the *strict* coercion)."""
    if type(x) is not float or not math.isfinite(x) or x != math.floor(x):
        return None
    return int(x)


def saturate_i64(x: float) -> int:
    """Rust's `f64 as i64` applied to an already integral or infinite value: NaN -> 0,
    out-of-range values saturate."""
    if x != x:
        return 0
    if x >= _TWO_63:
        return I64_MAX
    if x < -_TWO_63:
        return I64_MIN
    return int(x)


def floor_i64(x: float) -> int:
    """`floor(x) as i64`: NaN -> 0, infinities and huge values saturate."""
    if x != x:
        return 0
    if math.isinf(x):
        return I64_MAX if x > 0 else I64_MIN
    return saturate_i64(float(math.floor(x)))


def trunc_i64(x: float) -> int:
    """`x as i64` (truncation toward zero): NaN -> 0, infinities saturate."""
    if x != x:
        return 0
    if math.isinf(x):
        return I64_MAX if x > 0 else I64_MIN
    return saturate_i64(float(math.trunc(x)))
