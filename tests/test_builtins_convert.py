"""Conversion and formatting builtins (builtins.md §8.1, §8.2)."""

import math

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.errors import IloRuntimeError
from ilo_runtime.values import Err, Ok, Record

B = BUILTINS


def raises(message: str, name: str, *args: object) -> None:
    with pytest.raises(IloRuntimeError) as info:
        B[name](*args)
    assert (info.value.code, info.value.message) == ("ILO-R009", message)


def test_str_switches_at_1e15():
    assert B["str"](42.0) == "42"
    assert B["str"](-0.0) == "0"
    assert B["str"](0.1) == "0.1"
    assert B["str"](1152921504606846976.0) == "1152921504606847000"
    assert B["str"](2305843009213693952.0) == "2305843009213694000"
    assert B["str"](math.nan) == "NaN"
    raises('str requires a number, got Text("a")', "str", "a")
    raises("str: expected 1 arg, got 2", "str", 1.0, 2.0)


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12.0), ("-3.5", -3.5), ("5.", 5.0), (".5", 0.5), ("1E3", 1000.0), ("+2", 2.0),
     ("1e400", math.inf), ("-1e400", -math.inf), ("1e-400", 0.0), ("-Inf", -math.inf),
     ("infinity", math.inf)],
)
def test_num_accepts(text, value):
    assert B["num"](text) == Ok(value)


@pytest.mark.parametrize("text", ["12 ", " 1", "1_0", "0x10", "", ".", "e5", "1e", "4 2", "١"])
def test_num_rejects_with_original_text(text):
    assert B["num"](text) == Err(text)


def test_num_nan_and_type_error():
    r = B["num"]("NaN")
    assert type(r) is Ok and math.isnan(r.value)
    raises("num requires text, got Number(1.0)", "num", 1.0)


def test_fmt():
    assert B["fmt"]("{}-{}", 4.0) == "4-{}"
    assert B["fmt"]("{{}", 1.0) == "{1"
    assert B["fmt"]("{} {} {}", "a", [1.0, "b"], Ok(0.5), "extra") == "a [1, b] ~0.5"
    assert B["fmt"]("x") == "x"
    assert B["fmt"]("{}", Record("p", {"a": 1.0})) == "p {a: 1}"
    raises(
        "fmt only supports bare `{}` placeholders, got `{:>3}`. For decimal precision use "
        '`fmt "...{}" (fmt2 v 2)`; for width / padding use `padl (str n) 6` (space-pad).',
        "fmt", "a {} {:>3} {:x}", 1.0,
    )
    raises(
        "fmt only supports bare `{}` placeholders, got `{:x`. For decimal precision use "
        '`fmt "...{}" (fmt2 v 2)`; for width / padding use `padl (str n) 6` (space-pad).',
        "fmt", "{:x",
    )
    raises("fmt first arg must be text template, got Number(1.0)", "fmt", 1.0)


@pytest.mark.parametrize(
    ("x", "d", "out"),
    [(2.5, 0.0, "2"), (4.5, 0.0, "4"), (0.125, 2.0, "0.12"), (2.675, 2.0, "2.67"),
     (-0.001, 1.0, "-0.0"), (1.0, -3.0, "1"), (1.0, math.nan, "1"), (3.14159, 2.9, "3.14"),
     (math.nan, 2.0, "NaN"), (-math.inf, 2.0, "-inf"), (1e21, 1.0, "1000000000000000000000.0"),
     (0.1, 100.0, "0.10000000000000000555")],
)
def test_fmt2(x, d, out):
    assert B["fmt2"](x, d) == out


def test_fmt2_type_error():
    raises("fmt2 requires two numbers (x, digits)", "fmt2", "1", 2.0)


def test_padl_padr():
    assert B["padl"]("7", 3.0, "0") == "007"
    assert B["padr"]("é", 3.0) == "é  "
    assert B["padl"]("abcd", 2.0) == "abcd"
    raises("padl width must be non-negative, got -1", "padl", "a", -1.0)
    raises("padr width must be non-negative, got -3", "padr", "a", -3.0)
    raises("padl width must be a non-negative integer, got 1.5", "padl", "a", 1.5)
    raises("padl width must be a non-negative integer, got -1.5", "padl", "a", -1.5)
    raises("padr width must be a non-negative integer, got NaN", "padr", "a", math.nan)
    raises('padl pad char must be a 1-character string, got "ab"', "padl", "a", 3.0, "ab")
    raises("padr arg 1 requires text, got Number(1.0)", "padr", 1.0, 3.0)
