"""Regex builtins and the Rust-syntax translation (builtins.md §14)."""

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.errors import IloRuntimeError

B = BUILTINS


def raises(message: str, name: str, *args: object) -> None:
    with pytest.raises(IloRuntimeError) as info:
        B[name](*args)
    assert (info.value.code, info.value.message) == ("ILO-R009", message)


def test_rgx_without_and_with_groups():
    assert B["rgx"](r"\d+", "a1b22") == ["1", "22"]
    assert B["rgx"](r"(\w)(\d)?", "a b1") == ["a"]  # non-participating group omitted
    assert B["rgx"](r"(x)", "abc") == []


def test_empty_match_rule():
    assert B["rgx"]("a*", "baaac") == ["", "aaa", ""]
    assert B["rgxsub"]("a*", "-", "baaac") == "-b-c-"
    assert B["rgxall"]("x*", "ab") == [[""], [""], [""]]
    assert B["rgxsub"]("", "-", "ab") == "-a-b-"


def test_rgxall_and_rgxall1():
    assert B["rgxall"](r"(a)|(b)", "ab") == [["a"], ["b"]]
    assert B["rgxall1"](r"(a)|b", "ab") == ["a"]
    assert B["rgxall1"](r"\w", "ab") == ["a", "b"]
    raises(
        "rgxall1: pattern has 2 capture groups; rgxall1 only supports 0 or 1. "
        "Use rgxall for L (L t) with every group preserved.",
        "rgxall1", r"(a)(b)", "ab",
    )


def test_rgxsub_references():
    assert B["rgxsub"](r"(\w)(\w)", "${2}$1", "ab") == "ba"
    assert B["rgxsub"](r"(\w)(\w)", "$2x", "ab") == ""
    assert B["rgxsub"](r"(?P<x>a)", r"[$x]$$\1", "a") == r"[a]$\1"
    assert B["rgxsub"](r"(?<y>b)", "<${y}>", "abc") == "a<b>c"
    assert B["rgxsub"]("b", "$", "abc") == "a$c"


def test_rust_semantics_differ_from_python():
    assert B["rgx"]("x$", "x\n") == []  # `$` is end of text
    assert B["rgx"]("(?m)x$", "x\ny") == ["x"]
    assert B["rgx"](r"a(?i)b|c", "aB C") == ["aB", "C"]
    assert B["rgx"](r"(?U)a+", "aaa") == ["a", "a", "a"]
    assert B["rgx"](r"(?x) a b # comment", "ab") == ["ab"]
    assert B["rgx"](r"\s+", "a\x1cb c") == [" "]  # \s is White_Space only
    assert B["rgx"](r"e\w", "e\u0301") == ["e\u0301"]  # \w includes marks


def test_classes():
    assert B["rgx"](r"[[:alpha:]]+", "ab1cd") == ["ab", "cd"]
    assert B["rgx"](r"[a-z&&[^aeiou]]+", "hello") == ["h", "ll"]
    assert B["rgx"](r"[\w--\d]+", "ab12c") == ["ab", "c"]
    assert B["rgx"](r"\p{Lu}+", "abCDe") == ["CD"]
    assert B["rgx"](r"\P{L}+", "ab12c") == ["12"]
    assert B["rgx"](r"[]a]+", "a]b") == ["a]"]
    assert B["rgx"](r"\x{41}\u0042", "AB") == ["AB"]
    assert B["rgx"](r"(?i)[a-c]+", "ABCd") == ["ABC"]
    assert B["rgx"](r"\bfoo\b", "foo foobar foo") == ["foo", "foo"]


def test_invalid_patterns():
    raises("rgx: invalid regex pattern: unclosed group", "rgx", "(", "x")
    raises("rgx: invalid regex pattern: backreferences are not supported", "rgx", r"(a)\1", "a")
    raises(
        "rgxsub: invalid regex pattern: look-around, including look-ahead and look-behind, "
        "is not supported",
        "rgxsub", "(?=a)", "", "a",
    )
    raises("rgx: invalid regex pattern: invalid repetition count range", "rgx", "a{2,1}", "a")
    raises("rgx: invalid regex pattern: repetition operator missing expression", "rgx", "*", "")
    raises("rgxall: invalid regex pattern: unclosed character class", "rgxall", "[a", "")


def test_type_errors():
    raises("rgx: first arg must be a string pattern, got Number(5.0)", "rgx", 5.0, "a")
    raises("rgx: arg 2 must be text, got Nil", "rgx", "a", None)
