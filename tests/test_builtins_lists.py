"""List builtins (builtins.md §5)."""

import math

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.errors import IloRuntimeError

B = BUILTINS


def raises(message: str, name: str, *args: object) -> None:
    with pytest.raises(IloRuntimeError) as info:
        B[name](*args)
    assert (info.value.code, info.value.message) == ("ILO-R009", message)


def test_lst_copies():
    xs = [1.0, 2.0]
    assert B["lst"](xs, 1.0, "x") == [1.0, "x"]
    assert xs == [1.0, 2.0]
    raises("lst: index must be a non-negative integer", "lst", xs, -1.0, 0.0)
    raises("lst: index must be a non-negative integer", "lst", xs, 0.5, 0.0)
    raises("lst: index 2 out of range for list of length 2", "lst", xs, 2.0, 0.0)


def test_flat_zip_enumerate():
    assert B["flat"]([[1.0], 2.0, []]) == [1.0, 2.0]
    assert B["zip"]([1.0, 2.0, 3.0], ["a"]) == [[1.0, "a"]]
    assert B["enumerate"](["a", "b"]) == [[0.0, "a"], [1.0, "b"]]
    assert type(B["enumerate"](["a"])[0][0]) is float
    raises('zip arg 2 requires a list, got Text("a")', "zip", [], "a")
    raises("enumerate requires a list, got Nil", "enumerate", None)


def test_range():
    assert B["range"](0.0, 3.0) == [0.0, 1.0, 2.0]
    assert B["range"](3.0, 0.0) == []
    raises("range: bounds must be integers", "range", 0.0, 0.1)
    raises("range: bounds must be integers", "range", 0.0, math.inf)
    raises("range too large: 1000001 elements (max 1000000)", "range", 0.0, 1000001.0)
    raises("range requires two numbers", "range", "a", 1.0)


def test_window_chunks():
    assert B["window"](2.0, [1.0, 2.0, 3.0]) == [[1.0, 2.0], [2.0, 3.0]]
    assert B["window"](5.0, [1.0]) == []
    assert B["chunks"](2.0, [1.0, 2.0, 3.0]) == [[1.0, 2.0], [3.0]]
    assert B["chunks"](2.0, []) == []
    raises("window: size must be a positive integer, got 0", "window", 0.0, [1.0])
    raises("chunks: size must be a positive integer, got 1.5", "chunks", 1.5, [1.0])
    raises("chunks: requires a list, got Number(1.0)", "chunks", 1.0, 1.0)
    raises("window arg 2 requires a list, got Number(1.0)", "window", 1.0, 1.0)


def test_cumsum_naive():
    assert B["cumsum"]([0.1, 0.2, 0.3]) == [0.1, 0.30000000000000004, 0.6000000000000001]
    raises('cumsum: arg must be a list, got Text("a")', "cumsum", "a")


def test_frq_keys():
    assert B["frq"]([1.5, 1.0, True, "a", "a"]) == {1: 2.0, "true": 1.0, "a": 2.0}
    raises("frq: numeric element must be finite, got inf", "frq", [math.inf])
    raises("frq: list elements must be text, number, or bool, got Nil", "frq", [None])
