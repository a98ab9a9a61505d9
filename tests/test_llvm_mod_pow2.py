"""`mod x 2^k` is lowered without fmod (ilo_aot.ir.lower.mod_power_of_two): it must stay
bit-identical to fmod, which the fallback tier uses, for every double."""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilo_aot.api import compile_program
from ilo_aot.backends.llvm import compile_module

DIVISORS = [1.0, 2.0, 4.0, 8.0, 1024.0, 2.0**60, 2.0**1023]
SRC = "\n".join(f"m{i} x:n>n;mod x {d!r}" for i, d in enumerate(DIVISORS))


@pytest.fixture(scope="module")
def native():
    lp = compile_program(SRC)
    nm = compile_module(lp.program)
    assert "fmod" not in nm.optimized_ir  # the fast path is really taken
    return lp, nm


def _same(a: float, b: float) -> bool:
    return (a != a and b != b) or struct.pack("<d", a) == struct.pack("<d", b)


@settings(max_examples=300, deadline=None)
@given(x=st.floats(allow_nan=True, allow_infinity=True), i=st.integers(0, len(DIVISORS) - 1))
def test_matches_fmod_and_the_fallback_tier(native, x, i):
    lp, nm = native
    got = nm.callables[f"m{i}"](x)
    ref = lp.call(f"m{i}", [x])
    assert _same(got, ref), (x, DIVISORS[i], got, ref)
    if not math.isinf(x):
        assert _same(got, math.fmod(x, DIVISORS[i]))


@pytest.mark.parametrize("x", [-0.0, 0.0, -4.0, 5e-324, -5e-324, 1.7976931348623157e308, -3.5])
def test_edges(native, x):
    lp, nm = native
    for i in range(len(DIVISORS)):
        assert _same(nm.callables[f"m{i}"](x), lp.call(f"m{i}", [x]))
