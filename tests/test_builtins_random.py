"""Random and time builtins (builtins.md §16): only ranges are checked."""

import math
import time

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.errors import IloRuntimeError

B = BUILTINS


def test_rnd_ranges():
    for _ in range(200):
        x = B["rnd"]()
        assert type(x) is float and 0.0 <= x < 1.0
        k = B["rnd"](1.9, 3.7)  # truncated bounds: 1..3
        assert k in (1.0, 2.0, 3.0)
    assert B["rnd"](-2.5, -2.1) == -2.0


def test_rnd_bad_bounds():
    with pytest.raises(IloRuntimeError) as info:
        B["rnd"](5.0, 1.0)
    assert info.value.message == "rnd: lower bound 5 > upper bound 1"
    with pytest.raises(IloRuntimeError) as info:
        B["rnd"]("a", 1.0)
    assert info.value.message == "rnd requires two numbers"


def test_rndn():
    assert B["rndn"](3.0, 0.0) == 3.0
    xs = [B["rndn"](0.0, 1.0) for _ in range(500)]
    assert all(math.isfinite(x) for x in xs)
    assert abs(sum(xs) / len(xs)) < 0.5


def test_now_and_sleep():
    t = B["now"]()
    assert abs(t - time.time()) < 5
    start = time.monotonic()
    assert B["sleep"](20.9) is None
    assert time.monotonic() - start >= 0.019
    assert B["sleep"](-5.0) is None and B["sleep"](math.inf) is None and B["sleep"](math.nan) is None
