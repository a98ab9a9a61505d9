"""Number and math builtins (builtins.md §2)."""

import math

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.errors import IloRuntimeError

B = BUILTINS
NAN = math.nan
INF = math.inf


def raises(code: str, message: str, name: str, *args: object) -> None:
    with pytest.raises(IloRuntimeError) as info:
        B[name](*args)
    assert (info.value.code, info.value.message) == (code, message)


def test_results_are_floats():
    for name, args in [("abs", (-3.0,)), ("flr", (2.7,)), ("cel", (2.1,)), ("rou", (2.5,)),
                       ("mod", (7.0, 3.0)), ("min", (1.0, 2.0)), ("max", ([1.0, 5.0],))]:
        assert type(B[name](*args)) is float


def test_floor_ceil_keep_zero_sign():
    assert B["flr"](-0.5) == -1.0
    assert math.copysign(1, B["cel"](-0.5)) == -1.0
    assert B["flr"](INF) == INF and math.isnan(B["cel"](NAN))


@pytest.mark.parametrize(
    ("x", "expected"),
    [(2.5, 3.0), (-2.5, -3.0), (4.5, 5.0), (0.49999999999999994, 0.0), (1.5, 2.0), (-0.4, -0.0)],
)
def test_rou_ties_away_from_zero(x, expected):
    r = B["rou"](x)
    assert r == expected and math.copysign(1, r) == math.copysign(1, expected)


def test_mod_is_fmod():
    assert B["mod"](-7.0, 3.0) == -1.0
    assert B["mod"](7.0, -3.0) == 1.0
    assert B["mod"](5.5, 2.0) == 1.5
    assert B["mod"](-9.0, 4.0) == -1.0
    assert math.isnan(B["mod"](INF, 2.0))
    raises("ILO-R003", "modulo by zero", "mod", 1.0, 0.0)
    raises("ILO-R009", "mod requires two numbers", "mod", "a", 1.0)


def test_math_never_raises():
    assert math.isnan(B["sqrt"](-1.0))
    assert B["log"](0.0) == -INF
    assert math.isnan(B["log"](-3.0))
    assert B["log10"](0.0) == -INF and B["log2"](8.0) == 3.0
    assert B["exp"](1000.0) == INF
    assert math.isnan(B["sin"](INF)) and math.isnan(B["asin"](2.0))
    assert B["atan2"](1.0, -1.0) == math.atan2(1.0, -1.0)


def test_pow_ieee():
    assert B["pow"](0.0, 0.0) == 1.0
    assert math.isnan(B["pow"](-8.0, 1 / 3))
    assert B["pow"](10.0, 400.0) == INF
    assert B["pow"](-10.0, 401.0) == -INF
    assert B["pow"](0.0, -1.0) == INF
    assert B["pow"](-0.0, -1.0) == -INF
    assert B["pow"](2.0, 10.0) == 1024.0


def test_min_max_two_args_nan_returns_other():
    assert B["min"](NAN, 1.0) == 1.0
    assert B["max"](2.0, NAN) == 2.0
    assert B["min"](3.0, -1.0) == -1.0
    raises("ILO-R009", "max requires two numbers", "max", 1.0, "x")


def test_min_max_list():
    assert B["min"]([3.0, 1.0, 2.0]) == 1.0
    assert B["max"]([3.0, 1.0, 2.0]) == 3.0
    assert math.isnan(B["min"]([1.0, NAN, "a"]))  # NaN ends the scan before the text
    raises("ILO-R009", "min: cannot take min of an empty list", "min", [])
    raises("ILO-R009", "max: cannot take max of an empty list", "max", [])
    raises("ILO-R009", 'min: arg must be a list, got Text("a")', "min", "a")
    raises("ILO-R009", 'max: list elements must be numbers, got Text("a")', "max", [1.0, "a"])


def test_clamp():
    assert B["clamp"](12.0, 0.0, 10.0) == 10.0
    assert B["clamp"](-1.0, 0.0, 10.0) == 0.0
    assert B["clamp"](5.0, 8.0, 2.0) == 8.0  # lo > hi gives lo
    raises("ILO-R009", "clamp requires three numbers", "clamp", 1.0, 2.0, None)


def test_type_errors_use_debug_form():
    raises("ILO-R009", 'abs requires a number, got Text("x")', "abs", "x")
    raises("ILO-R009", "sqrt requires a number, got Nil", "sqrt", None)
    raises("ILO-R009", "flr requires a number, got Bool(true)", "flr", True)


def test_abs_wrong_arity_is_r009():
    raises("ILO-R009", "abs: expected 1 arg, got 2", "abs", 1.0, 2.0)
