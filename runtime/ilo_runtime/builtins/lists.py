"""List builtins (builtins.md §5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._util import got, mnum, rt009, strict_int
from .keys import number_key

RANGE_MAX = 1_000_000


def lst(xs: Any, i: Any, v: Any) -> list:
    """`lst xs i v`: a copy with `xs[i] = v` (no negative indexing)."""
    if type(xs) is not list:
        raise rt009(f"lst requires a list, {got(xs)}")
    idx = strict_int(i)
    if idx is None or idx < 0:
        raise rt009("lst: index must be a non-negative integer")
    if idx >= len(xs):
        raise rt009(f"lst: index {idx} out of range for list of length {len(xs)}")
    out = list(xs)
    out[idx] = v
    return out


def flat(xs: Any) -> list:
    """`flat xs`: splice list items one level deep; other items pass through."""
    if type(xs) is not list:
        raise rt009(f"flat: arg must be a list, {got(xs)}")
    out: list = []
    for x in xs:
        if type(x) is list:
            out.extend(x)
        else:
            out.append(x)
    return out


def zip_(xs: Any, ys: Any) -> list[list]:
    """`zip xs ys`: pairs, truncated to the shorter list."""
    if type(xs) is not list:
        raise rt009(f"zip arg 1 requires a list, {got(xs)}")
    if type(ys) is not list:
        raise rt009(f"zip arg 2 requires a list, {got(ys)}")
    return [[x, y] for x, y in zip(xs, ys, strict=False)]


def enumerate_(xs: Any) -> list[list]:
    """`enumerate xs`: `[[0, x0], [1, x1], ...]`."""
    if type(xs) is not list:
        raise rt009(f"enumerate requires a list, {got(xs)}")
    return [[float(i), x] for i, x in enumerate(xs)]


def range_(a: Any, b: Any) -> list[float]:
    """`range a b`: `[a, a+1, ..., b-1]`, at most one million elements."""
    if type(a) is not float or type(b) is not float:
        raise rt009("range requires two numbers")
    lo, hi = strict_int(a), strict_int(b)
    if lo is None or hi is None:
        raise rt009("range: bounds must be integers")
    count = hi - lo
    if count > RANGE_MAX:
        raise rt009(f"range too large: {count} elements (max {RANGE_MAX})")
    return [float(i) for i in range(lo, hi)]


def _positive_size(name: str, k: Any) -> int:
    n = strict_int(k)
    if n is None or n <= 0:
        shown = mnum(k) if type(k) is float else got(k)[4:]
        raise rt009(f"{name}: size must be a positive integer, got {shown}")
    return n


def window(k: Any, xs: Any) -> list[list]:
    """`window k xs`: every contiguous run of length `k`."""
    n = _positive_size("window", k)
    if type(xs) is not list:
        raise rt009(f"window arg 2 requires a list, {got(xs)}")
    return [xs[i : i + n] for i in range(len(xs) - n + 1)]


def chunks(k: Any, xs: Any) -> list[list]:
    """`chunks k xs`: consecutive pieces of `k`, the last may be shorter."""
    n = _positive_size("chunks", k)
    if type(xs) is not list:
        raise rt009(f"chunks: requires a list, {got(xs)}")
    return [xs[i : i + n] for i in range(0, len(xs), n)]


def cumsum(xs: Any) -> list[float]:
    """`cumsum xs`: running totals, naive left-to-right addition."""
    if type(xs) is not list:
        raise rt009(f"cumsum: arg must be a list, {got(xs)}")
    out = []
    total = 0.0
    for x in xs:
        if type(x) is not float:
            raise rt009(f"cumsum: list elements must be numbers, {got(x)}")
        total += x
        out.append(total)
    return out


def frq(xs: Any) -> dict:
    """`frq xs`: count per element (text key, floored number key, or "true"/"false")."""
    if type(xs) is not list:
        raise rt009(f"frq: arg must be a list, {got(xs)}")
    counts: dict[int | str, float] = {}
    for x in xs:
        t = type(x)
        if t is str:
            k: int | str = x
        elif t is float:
            k = number_key("frq", x, "numeric element")
        elif t is bool:
            k = "true" if x else "false"
        else:
            raise rt009(f"frq: list elements must be text, number, or bool, {got(x)}")
        counts[k] = counts.get(k, 0.0) + 1.0
    return counts


BUILTINS: dict[str, Callable[..., Any]] = {
    "lst": lst,
    "flat": flat,
    "zip": zip_,
    "enumerate": enumerate_,
    "range": range_,
    "window": window,
    "chunks": chunks,
    "cumsum": cumsum,
    "frq": frq,
}
