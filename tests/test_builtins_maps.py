"""Map builtins and map-key coercion (builtins.md §0, §7; keys.py)."""

import math

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.builtins.keys import map_key, struct_eq
from ilo_runtime.display import display
from ilo_runtime.errors import IloRuntimeError
from ilo_runtime.values import Err, Ok, Record

B = BUILTINS


def raises(message: str, name: str, *args: object) -> None:
    with pytest.raises(IloRuntimeError) as info:
        B[name](*args)
    assert (info.value.code, info.value.message) == ("ILO-R009", message)


def test_keys_are_floored_and_typed():
    m = B["mset"](B["mmap"](), 2.9, "x")
    assert B["mget"](m, 2.0) == "x"
    assert B["mhas"](m, "2") is False
    assert B["mget"](m, "2") is None
    assert map_key("mget", -0.5) == -1
    raises("mset: numeric key must be finite, got NaN", "mset", {}, math.nan, 1.0)
    raises("mget: numeric key must be finite, got -inf", "mget", {}, -math.inf)
    raises("mget: key must be text or number, got Bool(true)", "mget", {}, True)


def test_maps_are_immutable():
    m = {"a": 1.0}
    m2 = B["mset"](m, "b", 2.0)
    m3 = B["mdel"](m2, "a")
    assert m == {"a": 1.0} and m2 == {"a": 1.0, "b": 2.0} and m3 == {"b": 2.0}
    assert B["mdel"](m, "zz") == m


def test_key_order():
    m = {"b": 1.0, 10: 2.0, "a": 3.0, -1: 4.0, 9: 5.0}
    assert B["mkeys"](m) == [-1.0, 9.0, 10.0, "a", "b"]
    assert B["mvals"](m) == [4.0, 5.0, 2.0, 3.0, 1.0]
    assert display(m) == "{-1: 4; 9: 5; 10: 2; a: 3; b: 1}"
    assert type(B["mkeys"]({3: 1.0})[0]) is float


def test_non_map_errors():
    raises("mget: expects map and key", "mget", [], "a")
    raises("mset: expects map, key, and value", "mset", None, "a", 1.0)
    raises("mhas: expects map and key", "mhas", "x", "a")
    raises("mdel: expects map and key", "mdel", 1.0, "a")
    raises("mkeys: expects a map", "mkeys", [])
    raises("mvals: expects a map", "mvals", Record("json", {}))


def test_struct_eq():
    assert struct_eq([1.0, {"a": [2.0]}], [1.0, {"a": [2.0]}])
    assert not struct_eq(1.0, "1")
    assert not struct_eq(True, 1.0)
    assert not struct_eq(math.nan, math.nan)
    assert struct_eq(-0.0, 0.0)
    assert struct_eq(Ok(1.0), Ok(1.0)) and not struct_eq(Ok(1.0), Err(1.0))
    assert struct_eq(Record("p", {"x": 1.0}), Record("p", {"x": 1.0}))
    assert not struct_eq(Record("p", {"x": 1.0}), Record("q", {"x": 1.0}))
