"""Higher-order builtins (builtins.md §6) and callback resolution (callables.py)."""

import math

import pytest

from ilo_runtime.builtins import BUILTINS, callables
from ilo_runtime.errors import IloRuntimeError
from ilo_runtime.values import Closure, Err, FnRef, Ok

B = BUILTINS


def fn(name, f, arity):
    return FnRef(name, f, arity)


dbl = fn("dbl", lambda x: x * 2, 1)
even = fn("even", lambda x: math.fmod(x, 2) == 0, 1)
add = fn("add", lambda a, b: a + b, 2)


def raises(code: str, message: str, name: str, *args: object) -> None:
    with pytest.raises(IloRuntimeError) as info:
        B[name](*args)
    assert (info.value.code, info.value.message) == (code, message)


def test_map_plain_and_ctx():
    assert B["map"](dbl, [1.0, 2.0]) == [2.0, 4.0]
    assert B["map"](add, 10.0, [1.0, 2.0]) == [11.0, 12.0]
    assert B["map"](callables.builtin_value("max"), 0.0, [-1.0, 3.0]) == [0.0, 3.0]


def test_closure_captures_come_last():
    seen = []
    clo = Closure("__lit_0", lambda x, c, cap: seen.append((x, c, cap)) or x, (9.0,), 2)
    B["map"](clo, "ctx", [1.0])
    assert seen == [(1.0, "ctx", 9.0)]


def test_flt_ct_need_real_bools():
    assert B["flt"](even, [1.0, 2.0, 4.0]) == [2.0, 4.0]
    assert B["ct"](even, [1.0, 2.0, 4.0]) == 2.0
    assert B["ct"](even, []) == 0.0
    ident = fn("id", lambda x: x, 1)
    raises("ILO-R009", "flt: predicate must return bool, got Number(0.0)", "flt", ident, [0.0])
    raises("ILO-R009", "ct: predicate must return bool, got Number(1.0)", "ct", ident, [1.0])


def test_fld_order_and_ctx():
    assert B["fld"](add, [1.0, 2.0, 3.0], 0.0) == 6.0
    assert B["fld"](add, [], "init") == "init"
    sub3 = fn("s", lambda acc, x, c: acc * 10 + x + c, 3)
    assert B["fld"](sub3, 100.0, [1.0, 2.0], 0.0) == (101.0 * 10 + 2.0 + 100.0)
    assert B["fld"](callables.builtin_value("max"), [1.0, 5.0, 2.0], 0.0) == 5.0


def test_key_sorts_are_stable():
    key = fn("k", lambda x: x[1], 1)
    items = [["a", 1.0], ["b", 3.0], ["c", 1.0]]
    assert B["srt"](key, items) == [["a", 1.0], ["c", 1.0], ["b", 3.0]]
    assert B["rsrt"](key, items) == [["b", 3.0], ["a", 1.0], ["c", 1.0]]
    parity = fn("p", lambda x: math.fmod(x, 2), 1)
    assert B["rsrt"](parity, [1.0, 3.0, 2.0]) == [1.0, 3.0, 2.0]
    mixed = fn("m", lambda x: x, 1)
    assert B["srt"](mixed, [2.0, "a", 1.0]) == [2.0, "a", 1.0]  # mixed pairs compare equal
    ctx = fn("c", lambda x, c: -x * c, 2)
    assert B["srt"](ctx, 1.0, [1.0, 3.0, 2.0]) == [3.0, 2.0, 1.0]
    raises("ILO-R009", "srt: key arg must be a function reference, got Number(1.0)",
           "srt", 1.0, [1.0])
    raises("ILO-R009", "srt: list arg must be a list, got Number(1.0)", "srt", key, 1.0)


def test_grp_uniqby_partition_flatmap():
    half = fn("h", lambda x: x / 2, 1)
    assert B["grp"](half, [1.0, 2.0, 3.0, 4.5]) == {0: [1.0], 1: [2.0, 3.0], 2: [4.5]}
    tf = fn("tf", lambda x: x > 1, 1)
    assert B["grp"](tf, [1.0, 2.0]) == {"false": [1.0], "true": [2.0]}
    raises("ILO-R009", "grp: numeric key must be finite, got NaN", "grp",
           fn("n", lambda x: math.nan, 1), [1.0])
    raises("ILO-R009", "grp: key function must return a string, number, or bool, got Nil",
           "grp", fn("n", lambda x: None, 1), [1.0])
    raises("ILO-R009", 'grp: second arg must be a list, got Text("x")', "grp", half, "x")
    ident = fn("id", lambda x: x, 1)
    nan_out = B["uniqby"](ident, [math.nan, 2.0, math.nan])
    assert len(nan_out) == 2 and math.isnan(nan_out[0])
    out = B["uniqby"](ident, [0.0, -0.0, 1.0, "1", 1.0])
    assert out == [0.0, 1.0, "1"]
    assert B["partition"](even, [1.0, 2.0, 3.0]) == [[2.0], [1.0, 3.0]]
    assert B["partition"](even, []) == [[], []]
    twice = fn("t", lambda x: [x, x], 1)
    assert B["flatmap"](twice, [1.0, 2.0]) == [1.0, 1.0, 2.0, 2.0]
    raises("ILO-R009", "flatmap: function must return a list, got Number(1.0)",
           "flatmap", ident, [1.0])


def test_mapr_stops_at_first_err():
    visited = []

    def check(x):
        visited.append(x)
        return Err("bad") if x < 0 else Ok(x)

    f = fn("chk", check, 1)
    assert B["mapr"](f, [1.0, 2.0]) == Ok([1.0, 2.0])
    assert B["mapr"](f, [1.0, -1.0, 5.0]) == Err("bad")
    assert visited[-1] == -1.0
    assert B["mapr"](f, []) == Ok([])
    raises("ILO-R009", "mapr: fn must return a Result (~v or ^e), got Number(1.0)",
           "mapr", fn("id", lambda x: x, 1), [1.0])


def test_callback_arity_is_r004():
    raises("ILO-R004", "add: expected 2 args, got 1", "map", add, [1.0])


def test_non_function_callback():
    raises("ILO-R009", "map: first arg must be a function reference, got Number(5.0)",
           "map", 5.0, [1.0])


def test_text_callback_resolves_through_function_table():
    callables.set_function_table({"dbl": dbl})
    try:
        assert B["map"]("dbl", [2.0]) == [4.0]
        assert B["map"]("abs", [-2.0]) == [2.0]  # a builtin name resolves too
        raises("ILO-R002", "undefined function: nope", "map", "nope", [1.0])
        raises("ILO-R009", "abs: expected 1 arg, got 2", "map", "abs", 0.0, [1.0])
        raises("ILO-R002", "undefined function: trm", "map", "trm", 0.0, ["a"])
    finally:
        callables.set_function_table({})
