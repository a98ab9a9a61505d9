"""Numeric builtins in native code: bit-identical to Python's math module (and the C library it
calls) on ordinary and special inputs, with builtins.md's rules where `math` raises."""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import math
import struct

import pytest
from test_ir_support import call, expr, fn, name, program

from ilo_aot.backends.llvm import compile_module
from ilo_aot.ir.ir import ilo_max, ilo_min

VALUES = [
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, 3.7, -3.7,
    1e-10, 1e300, -1e300, 5e-324, 709.8, 1000.0, math.pi, -math.pi / 2, 4503599627370497.0,
    math.inf, -math.inf, math.nan,
]  # fmt: skip

UNARY = {
    "abs": "fabs", "flr": "floor", "cel": "ceil", "rou": "round", "sqrt": "sqrt", "exp": "exp",
    "log": "log", "log10": "log10", "log2": "log2", "sin": "sin", "cos": "cos", "tan": "tan",
    "asin": "asin", "acos": "acos", "atan": "atan",
}  # fmt: skip
BINARY = ["min", "max", "mod", "pow", "atan2"]

_libm_name = ctypes.util.find_library("m")
LIBM = ctypes.CDLL(_libm_name) if _libm_name else ctypes.CDLL(None)
for _f in [*UNARY.values(), "fmod", "pow", "atan2"]:
    getattr(LIBM, _f).restype = ctypes.c_double
    getattr(LIBM, _f).argtypes = [ctypes.c_double] * (2 if _f in ("fmod", "pow", "atan2") else 1)


def bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def same(a: float, b: float) -> bool:
    """Bit-identical, except that any NaN matches any NaN (sign/payload are not specified)."""
    return (math.isnan(a) and math.isnan(b)) or bits(a) == bits(b)


@pytest.fixture(scope="module")
def native():
    fns = [fn(f"u-{b} x:n>n", expr(call(b, name("x")))) for b in UNARY]
    fns += [fn(f"b-{b} x:n y:n>n", expr(call(b, name("x"), name("y")))) for b in BINARY]
    fns.append(fn("cl x:n lo:n hi:n>n", expr(call("clamp", name("x"), name("lo"), name("hi")))))
    nm = compile_module(program(*fns))
    assert nm.ineligible == {}
    return nm.callables


def _python_math(builtin: str, x: float) -> float | None:
    """Python's math result, or None where math raises or returns an int."""
    f = {"abs": math.fabs, "sqrt": math.sqrt, "exp": math.exp, "log": math.log,
         "log10": math.log10, "log2": math.log2, "sin": math.sin, "cos": math.cos,
         "tan": math.tan, "asin": math.asin, "acos": math.acos, "atan": math.atan}.get(builtin)  # fmt: skip
    if f is None:
        return None
    try:
        return f(x)
    except (ValueError, OverflowError):
        return None


@pytest.mark.parametrize("builtin", list(UNARY))
def test_unary_builtins_bit_identical(native, builtin: str) -> None:
    f = native[f"u-{builtin}"]
    for x in VALUES:
        got = f(x)
        want = getattr(LIBM, UNARY[builtin])(x)
        assert same(got, want), (builtin, x, got, want)
        py = _python_math(builtin, x)
        if py is not None:
            assert same(got, py), (builtin, x, got, py)


def test_spec_examples(native) -> None:
    assert native["u-rou"](2.5) == 3 and native["u-rou"](-2.5) == -3
    assert native["u-rou"](4.5) == 5 and native["u-rou"](0.49999999999999994) == 0
    assert math.isnan(native["u-sqrt"](-1)) and math.isnan(native["u-log"](-3))
    assert native["u-log"](0) == -math.inf and native["u-exp"](1000) == math.inf
    assert native["u-flr"](-0.5) == -1 and native["u-cel"](-0.5) == 0
    assert native["b-mod"](-7, 3) == -1 and native["b-mod"](7, -3) == 1
    assert native["b-mod"](5.5, 2) == 1.5 and native["b-mod"](-9, 4) == -1
    assert native["b-pow"](0, 0) == 1 and math.isnan(native["b-pow"](-8, 1 / 3))
    assert native["b-pow"](10, 400) == math.inf
    assert native["cl"](12, 0, 10) == 10 and native["cl"](5, 7, 3) == 7


@pytest.mark.parametrize("builtin", BINARY)
def test_binary_builtins_bit_identical(native, builtin: str) -> None:
    f = native[f"b-{builtin}"]
    for x, y in itertools.product(VALUES[::2] + [math.nan, -0.0], repeat=2):
        if builtin == "mod" and y == 0:
            continue  # R003, tested in test_llvm_jit
        got = f(x, y)
        if builtin == "min":
            want = ilo_min(x, y)
        elif builtin == "max":
            want = ilo_max(x, y)
        else:
            want = getattr(LIBM, {"mod": "fmod"}.get(builtin, builtin))(x, y)
            pyf = {"mod": math.fmod, "pow": math.pow, "atan2": math.atan2}[builtin]
            try:
                py = pyf(x, y)
            except (ValueError, OverflowError):
                py = None
            if py is not None:
                assert same(got, py), (builtin, x, y, got, py)
        assert same(got, want), (builtin, x, y, got, want)


def test_min_max_nan_rules(native) -> None:
    # IEEE minNum/maxNum: a NaN on one side returns the other (builtins.md §2).
    assert native["b-min"](math.nan, 3) == 3 and native["b-min"](3, math.nan) == 3
    assert native["b-max"](math.nan, -1) == -1 and math.isnan(native["b-max"](math.nan, math.nan))
    assert native["b-min"](-math.inf, 2) == -math.inf
