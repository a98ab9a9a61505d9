"""Numbers and math builtins (builtins.md §2).

Python's `math` raises where IEEE-754 (and ilo) return NaN or an infinity (`math.sqrt(-1)`,
`math.log(0)`, `math.exp(1000)`, `math.pow(0, -1)`, `math.sin(inf)`, `math.fmod(inf, 1)`), so each
wrapper maps those exceptions back to the IEEE result. Math builtins never raise on values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..errors import IloRuntimeError
from ._util import MISSING, got, rt009

_INF = math.inf
_NAN = math.nan


def _need_num(name: str, x: Any) -> float:
    if type(x) is not float:
        raise rt009(f"{name} requires a number, {got(x)}")
    return x


def _zero_signed(r: float, x: float) -> float:
    """Rust's floor/ceil/round keep the sign of a zero result (`ceil(-0.5)` is `-0`)."""
    return math.copysign(0.0, x) if r == 0.0 else r


def abs_(*args: Any) -> float:
    """`abs x`."""
    if len(args) != 1:
        raise rt009(f"abs: expected 1 arg, got {len(args)}")
    return abs(_need_num("abs", args[0]))


def flr(x: Any) -> float:
    """`flr x`: toward -inf."""
    x = _need_num("flr", x)
    if not math.isfinite(x):
        return x
    return _zero_signed(float(math.floor(x)), x)


def cel(x: Any) -> float:
    """`cel x`: toward +inf."""
    x = _need_num("cel", x)
    if not math.isfinite(x):
        return x
    return _zero_signed(float(math.ceil(x)), x)


def round_half_away(x: float) -> float:
    """Round to nearest, ties away from zero (Rust `f64::round`; Python's `round` is banker's)."""
    if not math.isfinite(x):
        return x
    t = float(math.trunc(x))
    if abs(x - t) >= 0.5:  # x - t is exact for every double
        t += math.copysign(1.0, x)
    return _zero_signed(t, x)


def rou(x: Any) -> float:
    """`rou x`."""
    return round_half_away(_need_num("rou", x))


def _unary(name: str, fn: Callable[[float], float], at_zero: float | None = None):
    """An IEEE unary function: ValueError -> NaN (or `at_zero` for x == 0), OverflowError -> inf."""

    def run(x: Any) -> float:
        x = _need_num(name, x)
        try:
            return fn(x)
        except ValueError:
            if at_zero is not None and x == 0.0:
                return at_zero
            return _NAN
        except OverflowError:
            return _INF

    run.__name__ = name
    run.__doc__ = f"`{name} x` (IEEE semantics, never raises on values)."
    return run


sqrt = _unary("sqrt", math.sqrt)
exp = _unary("exp", math.exp)
log = _unary("log", math.log, at_zero=-_INF)
log10 = _unary("log10", math.log10, at_zero=-_INF)
log2 = _unary("log2", math.log2, at_zero=-_INF)
sin = _unary("sin", math.sin)
cos = _unary("cos", math.cos)
tan = _unary("tan", math.tan)
asin = _unary("asin", math.asin)
acos = _unary("acos", math.acos)
atan = _unary("atan", math.atan)


def _two(name: str, a: Any, b: Any) -> None:
    if type(a) is not float or type(b) is not float:
        raise rt009(f"{name} requires two numbers")


def atan2(y: Any, x: Any) -> float:
    """`atan2 y x`."""
    _two("atan2", y, x)
    return math.atan2(y, x)


def _is_odd_integer(e: float) -> bool:
    return math.isfinite(e) and e == math.floor(e) and math.fmod(e, 2.0) != 0.0


def ieee_pow(b: float, e: float) -> float:
    """IEEE `pow` (C99 Annex F); Python's `math.pow` raises on overflow and on a zero base with
    a negative exponent."""
    try:
        return math.pow(b, e)
    except OverflowError:
        # |result| too large: sign is negative only for a negative base with an odd exponent.
        return -_INF if b < 0 and _is_odd_integer(e) else _INF
    except ValueError:
        if b == 0.0:  # 0 ** negative
            return math.copysign(_INF, b) if _is_odd_integer(e) else _INF
        return _NAN  # negative base, non-integer exponent


def pow_(b: Any, e: Any) -> float:
    """`pow b e`."""
    _two("pow", b, e)
    return ieee_pow(b, e)


def mod(a: Any, b: Any) -> float:
    """`mod a b`: C `fmod` (sign of `a`); zero divisor is ILO-R003."""
    _two("mod", a, b)
    if b == 0.0:
        raise IloRuntimeError("ILO-R003", "modulo by zero")
    try:
        return math.fmod(a, b)
    except ValueError:  # fmod(inf, b): IEEE gives NaN
        return _NAN


def min_num(a: float, b: float) -> float:
    """IEEE minNum: a NaN operand yields the other one."""
    if a != a:
        return b
    if b != b:
        return a
    return b if b < a else a


def max_num(a: float, b: float) -> float:
    """IEEE maxNum: a NaN operand yields the other one."""
    if a != a:
        return b
    if b != b:
        return a
    return b if b > a else a


def _list_extreme(name: str, xs: Any, pick: Callable[[float, float], float]) -> float:
    if type(xs) is not list:
        raise rt009(f"{name}: arg must be a list, {got(xs)}")
    if not xs:
        raise rt009(f"{name}: cannot take {name} of an empty list")
    best: float | None = None
    for x in xs:
        if type(x) is not float:
            raise rt009(f"{name}: list elements must be numbers, {got(x)}")
        if x != x:
            return x  # a NaN element ends the scan
        best = x if best is None else pick(best, x)
    assert best is not None
    return best


def min_(a: Any, b: Any = MISSING) -> float:
    """`min xs` (list) or `min a b`."""
    if b is MISSING:
        return _list_extreme("min", a, min_num)
    _two("min", a, b)
    return min_num(a, b)


def max_(a: Any, b: Any = MISSING) -> float:
    """`max xs` (list) or `max a b`."""
    if b is MISSING:
        return _list_extreme("max", a, max_num)
    _two("max", a, b)
    return max_num(a, b)


def clamp(x: Any, lo: Any, hi: Any) -> float:
    """`clamp x lo hi` = max(min(x, hi), lo)."""
    if type(x) is not float or type(lo) is not float or type(hi) is not float:
        raise rt009("clamp requires three numbers")
    return max_num(min_num(x, hi), lo)


BUILTINS: dict[str, Callable[..., Any]] = {
    "abs": abs_,
    "flr": flr,
    "cel": cel,
    "rou": rou,
    "sqrt": sqrt,
    "exp": exp,
    "log": log,
    "log10": log10,
    "log2": log2,
    "sin": sin,
    "cos": cos,
    "tan": tan,
    "asin": asin,
    "acos": acos,
    "atan": atan,
    "atan2": atan2,
    "pow": pow_,
    "mod": mod,
    "min": min_,
    "max": max_,
    "clamp": clamp,
}
