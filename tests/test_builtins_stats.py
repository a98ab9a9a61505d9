"""Statistics builtins (builtins.md §9)."""

import math

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.errors import IloRuntimeError

B = BUILTINS


def raises(message: str, name: str, *args: object) -> None:
    with pytest.raises(IloRuntimeError) as info:
        B[name](*args)
    assert (info.value.code, info.value.message) == ("ILO-R009", message)


def test_sum_is_naive():
    assert B["sum"]([0.1, 0.2, 0.3]) == 0.6000000000000001
    assert B["sum"]([]) == 0.0
    assert B["sum"]([1e100, 1.0, -1e100]) == 0.0  # no compensation


def test_avg_median_quantile():
    assert B["avg"]([1.0, 2.0, 4.0]) == 7.0 / 3.0
    assert B["median"]([3.0, 1.0, 2.0]) == 2.0
    assert B["median"]([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert math.isnan(B["median"]([1.0, math.nan]))
    assert B["quantile"]([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert B["quantile"]([1.0, 2.0, 3.0, 4.0], 2.0) == 4.0
    assert B["quantile"]([1.0, 2.0, 3.0, 4.0], -1.0) == 1.0
    assert B["quantile"]([7.0], 0.3) == 7.0
    assert math.isnan(B["quantile"]([1.0, math.nan], 0.5))


def test_variance_stdev():
    assert B["variance"]([1.0, 2.0, 3.0, 4.0]) == 5.0 / 3.0
    assert B["stdev"]([2.0, 4.0]) == math.sqrt(2.0)
    raises("variance: cannot take variance of an empty list", "variance", [])
    raises("variance: at least 2 samples required", "variance", [1.0])
    raises("stdev: at least 2 samples required", "stdev", [1.0])


def test_errors():
    raises("avg: cannot average an empty list", "avg", [])
    raises("median: cannot take median of an empty list", "median", [])
    raises('sum: arg must be a list, got Text("a")', "sum", "a")
    raises('sum: list elements must be numbers, got Text("a")', "sum", [1.0, "a"])
    raises("median: list elements must be numbers, got Nil", "median", [None])
