"""Statistics builtins (builtins.md §9): plain left-to-right sums, never compensated (Python
3.12's `sum` of floats is compensated and gives different results)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ._util import got, rt009


def numbers(name: str, xs: Any) -> list[float]:
    """Check that `xs` is a list of numbers (R009 otherwise) and return it."""
    if type(xs) is not list:
        raise rt009(f"{name}: arg must be a list, {got(xs)}")
    for x in xs:
        if type(x) is not float:
            raise rt009(f"{name}: list elements must be numbers, {got(x)}")
    return xs


def naive_sum(xs: list[float]) -> float:
    """Left-to-right f64 addition starting from 0."""
    total = 0.0
    for x in xs:
        total += x
    return total


def sum_(xs: Any) -> float:
    """`sum xs` (`sum []` = 0)."""
    return naive_sum(numbers("sum", xs))


def avg(xs: Any) -> float:
    """`avg xs` = sum / len."""
    xs = numbers("avg", xs)
    if not xs:
        raise rt009("avg: cannot average an empty list")
    return naive_sum(xs) / len(xs)


def median(xs: Any) -> float:
    """`median xs`: middle of the sorted list (mean of the two middles when even)."""
    xs = numbers("median", xs)
    if not xs:
        raise rt009("median: cannot take median of an empty list")
    if any(x != x for x in xs):
        return math.nan
    v = sorted(xs)
    n = len(v)
    if n % 2:
        return v[n // 2]
    return (v[n // 2 - 1] + v[n // 2]) / 2.0


def quantile(xs: Any, p: Any) -> float:
    """`quantile xs p`: linear interpolation between the sorted neighbours of `p*(n-1)`."""
    xs = numbers("quantile", xs)
    if type(p) is not float:
        raise rt009(f"quantile: p must be a number, {got(p)}")
    if not xs:
        raise rt009("quantile: cannot take quantile of an empty list")
    if any(x != x for x in xs):
        return math.nan
    v = sorted(xs)
    if len(v) == 1:
        return v[0]
    q = p if p != p else min(max(p, 0.0), 1.0)
    pos = q * (len(v) - 1)
    lo = 0 if pos != pos else math.floor(pos)  # Rust `NaN as usize` is 0
    hi = 0 if pos != pos else math.ceil(pos)
    return v[lo] + (pos - lo) * (v[hi] - v[lo])


def _variance(name: str, xs: Any) -> float:
    xs = numbers(name, xs)
    if not xs:
        raise rt009(f"{name}: cannot take variance of an empty list")
    if len(xs) < 2:
        raise rt009(f"{name}: at least 2 samples required")
    mean = naive_sum(xs) / len(xs)
    total = 0.0
    for x in xs:
        d = x - mean
        total += d * d
    return total / (len(xs) - 1)


def variance(xs: Any) -> float:
    """`variance xs`: sample variance."""
    return _variance("variance", xs)


def stdev(xs: Any) -> float:
    """`stdev xs`: square root of the sample variance."""
    v = _variance("stdev", xs)
    return math.sqrt(v) if v >= 0 else math.nan


BUILTINS: dict[str, Callable[..., Any]] = {
    "sum": sum_,
    "avg": avg,
    "median": median,
    "quantile": quantile,
    "variance": variance,
    "stdev": stdev,
}
