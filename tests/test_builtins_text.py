"""Text builtins (builtins.md §4)."""

import pytest

from ilo_runtime.builtins import BUILTINS
from ilo_runtime.errors import IloRuntimeError

B = BUILTINS


def raises(message: str, name: str, *args: object) -> None:
    with pytest.raises(IloRuntimeError) as info:
        B[name](*args)
    assert (info.value.code, info.value.message) == ("ILO-R009", message)


def test_spl_keeps_empty_pieces():
    assert B["spl"]("a,,b,", ",") == ["a", "", "b", ""]
    assert B["spl"]("", ",") == [""]
    assert B["spl"]("ab", "") == ["", "a", "b", ""]
    assert B["spl"]("", "") == ["", ""]
    raises("spl requires two text args", "spl", "a", 1.0)


def test_cat():
    assert B["cat"](["a", "b"], "-") == "a-b"
    assert B["cat"]([], "-") == ""
    raises("cat: list items must be text, got Number(1.0)", "cat", ["a", 1.0], "-")
    raises("cat requires a list and text separator", "cat", "ab", "-")


def test_trm_white_space_only():
    assert B["trm"]("\u00a0\u3000 x \t\n") == "x"
    assert B["trm"]("\x1cx\x1f") == "\x1cx\x1f"  # not White_Space, kept
    raises("trm requires text, got Number(1.0)", "trm", 1.0)


def test_case_mapping_is_full_unicode():
    assert B["upr"]("straße") == "STRASSE"
    assert B["upr"]("été") == "ÉTÉ"
    assert B["lwr"]("ΟΔΟΣ") == "οδος"
    assert B["cap"]("ßa") == "SSa"
    assert B["cap"]("hELLO") == "HELLO"
    assert B["cap"]("") == ""


def test_ord_chr_chars():
    assert B["ord"]("é") == 233.0
    assert B["chr"](233.0) == "é"
    assert B["chr"](0.0) == "\x00"
    assert B["chars"]("naïve") == ["n", "a", "ï", "v", "e"]
    assert B["chars"]("") == []
    raises("ord requires a non-empty string", "ord", "")
    raises("chr requires a non-negative integer codepoint, got -1", "chr", -1.0)
    raises("chr requires a non-negative integer codepoint, got 1.5", "chr", 1.5)
    raises("chr requires a non-negative integer codepoint, got -0.5", "chr", -0.5)
    raises("chr requires a non-negative integer codepoint, got 4294967296", "chr", 4294967296.0)
    raises("chr: 55296 is not a valid Unicode codepoint", "chr", 55296.0)
    raises("chr: 1114112 is not a valid Unicode codepoint", "chr", 1114112.0)
    raises('chr requires number, got Text("a")', "chr", "a")
