"""JSON builtins (builtins.md §8.3)."""

import math

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.builtins.json_ import float_style, pretty_json
from ilo_runtime.display import display
from ilo_runtime.errors import IloRuntimeError
from ilo_runtime.values import Err, FnRef, Ok, Record

B = BUILTINS


@pytest.mark.parametrize(
    ("x", "out"),
    [(3.0, "3"), (-0.0, "0"), (3e16, "3e16"), (0.5, "0.5"), (1e15, "1000000000000000.0"),
     (0.00002, "0.00002"), (4e17, "4e17"), (2.5e-9, "2.5e-9"), (1e-7, "1e-7"),
     (1.5e300, "1.5e300"), (math.nan, "null"), (-math.inf, "null"), (123.456, "123.456")],
)
def test_jdmp_numbers(x, out):
    assert B["jdmp"](x) == out


def test_jdmp_structures():
    assert B["jdmp"]({9: 1.0, 10: "x"}) == '{"10":"x","9":1}'
    assert B["jdmp"](Record("p", {"b": None, "a": True})) == '{"a":true,"b":null}'
    assert B["jdmp"]([Ok(1.0), Err("e")]) == '[1,"e"]'
    assert B["jdmp"](FnRef("dbl", abs)) == '"<fn:dbl>"'
    assert B["jdmp"]('q"\\\n\t\x01/é') == '"q\\"\\\\\\n\\t\\u0001/é"'


def test_jpar_values_and_key_order():
    r = B["jpar"]('{"b": 1, "a": [true, null, "s", -0, 1.5e2], "b": 2}')
    assert type(r) is Ok and type(r.value) is Record and r.value.type_name == "json"
    assert list(r.value.fields) == ["b", "a"]
    assert r.value.fields["b"] == 2.0
    assert display(r.value) == "json {b: 2, a: [true, nil, s, 0, 150]}"
    assert type(r.value.fields["a"][3]) is float
    assert B["jpar"]('  "x\\u00e9\\ud83d\\ude00" ') == Ok("xé😀")


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "EOF while parsing a value at line 1 column 0"),
     ("x", "expected value at line 1 column 1"),
     ("1 2x", "trailing characters at line 1 column 3"),
     ("[1,]", "trailing comma at line 1 column 4"),
     ('{"a":1,}', "trailing comma at line 1 column 8"),
     ("[1 2]", "expected `,` or `]` at line 1 column 4"),
     ('{"a" 1}', "expected `:` at line 1 column 6"),
     ("{1:2}", "key must be a string at line 1 column 2"),
     ("[", "EOF while parsing a list at line 1 column 1"),
     ('"abc', "EOF while parsing a string at line 1 column 4"),
     ("tru", "EOF while parsing a value at line 1 column 3"),
     ("nul1", "expected ident at line 1 column 4"),
     ("01", "invalid number at line 1 column 2"),
     ("1e400", "number out of range at line 1 column 5"),
     ("NaN", "expected value at line 1 column 1"),
     ('"\\q"', "invalid escape at line 1 column 3"),
     ('"a\nb"', "control character (\\u0000-\\u001F) found while parsing a string at line 2 column 0"),
     ("[\n  1,\n  x]", "expected value at line 3 column 3"),
     ("[" * 128, "recursion limit exceeded at line 1 column 128")],
)
def test_jpar_errors(text, message):
    assert B["jpar"](text) == Err(message)


def test_jpar_depth_127_ok():
    assert type(B["jpar"]("[" * 127 + "]" * 127)) is Ok


def test_jpar_number_conversion():
    assert B["jpar"]("0.1") == Ok(0.1)
    assert B["jpar"]("18446744073709551616") == Ok(1.8446744073709552e19)
    assert B["jpar"]("1e-400") == Ok(0.0)


def test_jpar_type_error():
    with pytest.raises(IloRuntimeError) as info:
        B["jpar"](1.0)
    assert info.value.message == "jpar requires text, got Number(1.0)"


def test_jpth():
    doc = '{"a": {"b": [10, {"c": "hi"}], "n": 1.0, "m": 1e3, "big": 12345678901234567890}}'
    assert B["jpth"](doc, "a.b.1.c") == Ok("hi")
    assert B["jpth"](doc, "a.b.0") == Ok("10")
    assert B["jpth"](doc, "a.n") == Ok("1.0")
    assert B["jpth"](doc, "a.m") == Ok("1000.0")
    assert B["jpth"](doc, "a.big") == Ok("12345678901234567890")
    assert B["jpth"]('{"z":1,"a":[true,null]}', "") == Err("key not found: ")
    assert B["jpth"]('{"z":1,"a":[true,null]}', "a") == Ok("[true,null]")
    assert B["jpth"]('{"x":{"z":1,"a":2}}', "x") == Ok('{"a":2,"z":1}')
    assert B["jpth"]('{"0":1}', "0") == Err("key not found: 0")
    assert B["jpth"](doc, "a.b.5") == Err("key not found: 5")
    assert B["jpth"]("[", "a") == Err("EOF while parsing a list at line 1 column 1")


def test_float_style_and_pretty():
    assert float_style(1.0) == "1.0"
    assert float_style(-0.0) == "-0.0"
    assert pretty_json([3.0, {"k": None}, []]) == '[\n  3.0,\n  {\n    "k": null\n  },\n  []\n]'
